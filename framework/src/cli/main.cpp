// The `trawl` command: the common commands (cli/command_line.cpp) for the
// built-in spiders, plus those only the trawl executable has.

#include "cli/command_context.hpp"
#include "cli/project_generator.hpp"

#include <trawl/spider.hpp>

#include <builtin_spiders.hpp>

namespace {

// A project's executable has none of these (and none of the built-in
// spiders): they need libraries trawl_cli does not link.
void add_trawl_only_commands(CLI::App& app)
{
    trawl::cli::add_demo_command(app);
    trawl::cli::add_startproject_command(app);
    trawl::cli::add_genspider_command(app);
}

} // namespace

int main(int argc, char** argv)
{
    trawl::register_builtin_spiders(trawl::SpiderRegistry::instance());
    return trawl::cli::run_command_line(argc, argv, "trawl", add_trawl_only_commands);
}
