#include "cli/command_context.hpp"

#include <filesystem>

namespace trawl::cli {

void add_common_options(CLI::App& command, CommonOptions& options)
{
    command.add_option("-s,--set", options.set, "set a setting: NAME=VALUE (may repeat)")->type_name("NAME=VALUE");
    command.add_option("-L,--loglevel", options.log_level, "log level: CRITICAL, ERROR, WARNING, INFO or DEBUG");
    command.add_option("--logfile", options.log_file, "write the log to FILE instead of standard error");
    command.add_flag("--nolog", options.no_log, "disable logging");
}

Settings load_settings(const CommonOptions& options)
{
    Settings settings;
    if (std::filesystem::exists("settings.yaml")) {
        settings.load_yaml_file("settings.yaml", SettingPriority::project);
    }
    for (const auto& assignment : options.set) {
        settings.set_from_cmdline(assignment);
    }
    if (!options.log_level.empty()) {
        settings.set("LOG_LEVEL", boost::json::string(options.log_level), SettingPriority::cmdline, "-L");
    }
    if (!options.log_file.empty()) {
        settings.set("LOG_FILE", boost::json::string(options.log_file), SettingPriority::cmdline, "--logfile");
    }
    if (options.no_log) {
        settings.set("LOG_ENABLED", false, SettingPriority::cmdline, "--nolog");
    }
    return settings;
}

} // namespace trawl::cli
