#pragma once
// What every `trawl` subcommand shares: the options common to all of them
// (-s, log level) and how they turn into Settings, and how a command reports
// an error: one line on standard error, "PROGRAM CMD: error: what", and an
// exit status (2 for a usage or configuration error, as Scrapy's
// UsageError, 1 for a failure while running). PROGRAM is "trawl" or the
// name a project's executable gives run_command_line().

#include <trawl/log.hpp>
#include <trawl/settings.hpp>

#include <CLI/CLI.hpp>

#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace trawl::cli {

/// Exit statuses of every command.
inline constexpr int exit_ok = 0;
inline constexpr int exit_failure = 1;  ///< the crawl or the download failed
inline constexpr int exit_usage = 2;    ///< bad arguments or settings: nothing ran

/// A wrong command line found after parsing (a bad -o or -a value): the
/// command prints it as one line and exits with exit_usage.
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct CommonOptions {
    std::vector<std::string> set;  ///< -s NAME=VALUE
    std::string log_level;         ///< -L
    std::string log_file;
    bool no_log = false;
};

/// Adds -s/--set, -L/--loglevel, --logfile and --nolog to a subcommand.
void add_common_options(CLI::App& command, CommonOptions& options);

/// Makes a repeatable option take one value per use (-o a -o b), so that
/// `-o x.jsonl links` does not swallow the positional argument.
CLI::Option* one_value_each(CLI::Option* option);

/// Built-in defaults, then ./settings.yaml if present (project priority),
/// then -s values, -L, --logfile and --nolog (command line priority).
/// Throws SettingsError with where and why.
Settings load_settings(const CommonOptions& options);

/// Runs a command's body and turns what it throws into one line on
/// standard error and an exit status: UsageError and SettingsError give
/// exit_usage, any other exception exit_failure. Returns the body's status
/// otherwise.
int run_command(std::string_view command, const std::function<int()>& body);

/// "PROGRAM CMD: error: MESSAGE" on standard error, on one line (line breaks
/// in the message become spaces).
void print_error(std::string_view command, std::string_view message);

/// The executable's name in usage and error lines ("trawl" unless
/// run_command_line() was given another).
const std::string& program_name();

/// trawl::run_command_line() (<trawl/command_line.hpp>) with commands of
/// the caller's own added to the common ones: how the `trawl` executable
/// adds those a project binary does not have (demo, startproject, ...).
int run_command_line(int argc, char** argv, std::string_view program,
                     const std::function<void(CLI::App&)>& add_more_commands);

// The commands every program has (run_command_line adds them).
void add_crawl_command(CLI::App& app);
void add_list_command(CLI::App& app);
void add_check_command(CLI::App& app);
void add_fetch_command(CLI::App& app);
void add_settings_command(CLI::App& app);
void add_version_command(CLI::App& app);

// The `trawl` executable's own.
void add_demo_command(CLI::App& app);

} // namespace trawl::cli
