// run_command_line(): the commands every program built on trawl has, parsed
// with Scrapy's habits, for the `trawl` executable and a project's own.

#include <trawl/command_line.hpp>

#include "cli/command_context.hpp"
#include "cli/shell_command.hpp"

#include <trawl/settings.hpp>

#include <fmt/format.h>

#include <cstdio>

namespace trawl {

namespace cli {

namespace {

// One command line per process, as argv[0] is: the name only changes how
// errors read, before any command runs.
std::string& program_name_storage()
{
    static std::string name = "trawl";
    return name;
}

std::string description(std::string_view program)
{
    if (program == "trawl") {
        return "trawl: a fast crawling framework with Scrapy's habits";
    }
    return fmt::format("{}: a trawl {} project", program, TRAWL_VERSION);
}

} // namespace

const std::string& program_name()
{
    return program_name_storage();
}

int run_command_line(int argc, char** argv, std::string_view program,
                     const std::function<void(CLI::App&)>& add_more_commands)
{
    program_name_storage() = std::string(program);
    CLI::App app{description(program), std::string(program)};
    app.require_subcommand(1);
    add_crawl_command(app);
    add_list_command(app);
    add_check_command(app);
    add_fetch_command(app);
    add_shell_command(app);
    add_settings_command(app);
    add_version_command(app);
    if (add_more_commands) {
        add_more_commands(app);
    }
    try {
        app.parse(argc, argv);
    } catch (const CLI::RuntimeError& e) {
        return e.get_exit_code();  // a command's own exit status
    } catch (const CLI::ParseError& e) {
        // --help and --version are ParseErrors that exit 0; a real one is a
        // usage error, 2 as Scrapy's (CLI11's own codes are 100 and up).
        return app.exit(e) == 0 ? 0 : exit_usage;
    } catch (const SettingsError& e) {
        fmt::print(stderr, "{}: settings error: {}\n", program, e.what());
        return exit_usage;
    } catch (const std::exception& e) {
        fmt::print(stderr, "{}: error: {}\n", program, e.what());
        return exit_failure;
    }
    return exit_ok;
}

} // namespace cli

int run_command_line(int argc, char** argv, std::string_view program)
{
    return cli::run_command_line(argc, argv, program, nullptr);
}

} // namespace trawl
