// The `trawl` command: Scrapy's command line habits.

#include "cli/command_context.hpp"
#include "cli/shell_command.hpp"

#include <trawl/settings.hpp>

#include <fmt/format.h>

#include <cstdio>

int main(int argc, char** argv)
{
    CLI::App app{"trawl: a fast crawling framework with Scrapy's habits", "trawl"};
    app.require_subcommand(1);
    trawl::cli::add_crawl_command(app);
    trawl::cli::add_demo_command(app);
    trawl::cli::add_list_command(app);
    trawl::cli::add_fetch_command(app);
    trawl::cli::add_shell_command(app);
    trawl::cli::add_version_command(app);
    try {
        app.parse(argc, argv);
    } catch (const CLI::RuntimeError& e) {
        return e.get_exit_code();  // a command's own exit status
    } catch (const CLI::ParseError& e) {
        // --help and --version are ParseErrors that exit 0; a real one is a
        // usage error, 2 as Scrapy's (CLI11's own codes are 100 and up).
        return app.exit(e) == 0 ? 0 : trawl::cli::exit_usage;
    } catch (const trawl::SettingsError& e) {
        fmt::print(stderr, "trawl: settings error: {}\n", e.what());
        return trawl::cli::exit_usage;
    } catch (const std::exception& e) {
        fmt::print(stderr, "trawl: error: {}\n", e.what());
        return 1;
    }
    return 0;
}
