#include "cli/command_context.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <filesystem>

namespace trawl::cli {

void add_common_options(CLI::App& command, CommonOptions& options)
{
    one_value_each(command.add_option("-s,--set", options.set, "set a setting: NAME=VALUE (may repeat)"))
        ->type_name("NAME=VALUE");
    command.add_option("-L,--loglevel", options.log_level, "log level: CRITICAL, ERROR, WARNING, INFO or DEBUG")
        ->type_name("LEVEL");
    command.add_option("--logfile", options.log_file, "write the log to FILE instead of standard error")
        ->type_name("FILE");
    command.add_flag("--nolog", options.no_log, "disable logging");
}

CLI::Option* one_value_each(CLI::Option* option)
{
    return option->allow_extra_args(false)->take_all();
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

void print_error(std::string_view command, std::string_view message)
{
    std::string line(message);
    for (auto& c : line) {
        if (c == '\n' || c == '\r') {
            c = ' ';
        }
    }
    std::fflush(stdout);  // what a command printed comes first
    fmt::print(stderr, "{} {}: error: {}\n", program_name(), command, line);
}

int run_command(std::string_view command, const std::function<int()>& body)
{
    try {
        return body();
    } catch (const UsageError& e) {
        print_error(command, e.what());
        return exit_usage;
    } catch (const SettingsError& e) {
        print_error(command, e.what());
        return exit_usage;
    } catch (const std::exception& e) {
        print_error(command, e.what());
        return exit_failure;
    }
}

} // namespace trawl::cli
