#include "cli/command_context.hpp"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

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

void configure_logging(const Settings& settings)
{
    if (!settings.get_bool("LOG_ENABLED", true)) {
        spdlog::set_level(spdlog::level::off);
        return;
    }
    const auto file = settings.get_string("LOG_FILE");
    auto logger = file.empty() ? spdlog::stderr_color_mt("trawl")
                               : spdlog::basic_logger_mt("trawl", file, /*truncate=*/false);
    spdlog::set_default_logger(logger);
    spdlog::set_pattern("%Y-%m-%d %H:%M:%S [%n] %^%l%$: %v");
    // Scrapy's level names; spdlog calls WARNING "warn".
    auto level = settings.get_string("LOG_LEVEL", "DEBUG");
    for (auto& c : level) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    if (level == "warning") {
        level = "warn";
    }
    const auto parsed = spdlog::level::from_str(level);
    if (parsed == spdlog::level::off && level != "off") {
        throw SettingsError("LOG_LEVEL (" + settings.source("LOG_LEVEL") + "): unknown level '" +
                            settings.get_string("LOG_LEVEL") + "'; use CRITICAL, ERROR, WARNING, INFO or DEBUG");
    }
    spdlog::set_level(parsed);
}

} // namespace trawl::cli
