// `trawl startproject NAME [DIR]`: a new project from templates/project, as
// `scrapy startproject` makes one. Refuses (exit 2, nothing written) a NAME
// that is not a C++ identifier and a DIR that exists.

#include "cli/command_context.hpp"
#include "cli/project_generator.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

namespace trawl::cli {

namespace {

struct StartProjectOptions {
    std::string name;
    std::string dir;
};

int run_startproject(const StartProjectOptions& options)
{
    NewProject project;
    try {
        project = start_project(options.name, options.dir);
    } catch (const GeneratorError& e) {
        throw UsageError(e.what());
    }
    // What to type next, with the folder as the user will cd to it.
    auto shown = std::filesystem::path{options.dir.empty() ? options.name : options.dir};
    fmt::print("New trawl project '{}' created in:\n    {}\n\n", options.name, project.dir.string());
    fmt::print("You can start your first spider with:\n    cd {}\n    trawl genspider myspider example.com\n\n",
               shown.string());
    fmt::print("Build it and run it (from the project's folder):\n"
               "    cmake -S . -B build && cmake --build build\n"
               "    ./build/{0} list\n"
               "    ./build/{0} crawl example -o items.jsonl\n",
               options.name);
    return exit_ok;
}

} // namespace

void add_startproject_command(CLI::App& app)
{
    auto options = std::make_shared<StartProjectOptions>();
    auto* command = app.add_subcommand("startproject", "Create a new project");
    command->add_option("name", options->name, "the project's name (a C++ identifier)")->required();
    command->add_option("dir", options->dir, "the folder to create (default: ./NAME)");
    command->callback([options] {
        throw CLI::RuntimeError(run_command("startproject", [&] { return run_startproject(*options); }));
    });
}

} // namespace trawl::cli
