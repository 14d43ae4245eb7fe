#pragma once
// What every `trawl` subcommand shares: the options common to all of them
// (-s, log level) and how they turn into Settings.

#include <trawl/log.hpp>
#include <trawl/settings.hpp>

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace trawl::cli {

struct CommonOptions {
    std::vector<std::string> set;  ///< -s NAME=VALUE
    std::string log_level;         ///< -L
    std::string log_file;
    bool no_log = false;
};

/// Adds -s/--set, -L/--loglevel, --logfile and --nolog to a subcommand.
void add_common_options(CLI::App& command, CommonOptions& options);

/// Built-in defaults, then ./settings.yaml if present (project priority),
/// then -s values; warns about unknown names on the log. Throws
/// SettingsError with where and why.
Settings load_settings(const CommonOptions& options);

void add_crawl_command(CLI::App& app);
void add_demo_command(CLI::App& app);
void add_list_command(CLI::App& app);
void add_fetch_command(CLI::App& app);
void add_version_command(CLI::App& app);

} // namespace trawl::cli
