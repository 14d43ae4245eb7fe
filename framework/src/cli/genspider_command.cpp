// `trawl genspider [-t TEMPLATE] NAME DOMAIN`: a new spider from
// templates/spiders, as `scrapy genspider` makes one: into spiders/NAME.cpp
// inside a project (a folder with settings.yaml and spiders/), into
// ./NAME.cpp outside one. DOMAIN may be a URL (Scrapy 2.8). `--list` names
// the templates, `--dump TEMPLATE` prints one.

#include "cli/command_context.hpp"
#include "cli/project_generator.hpp"

#include <trawl/spider.hpp>

#include <builtin_spiders.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>

namespace trawl::cli {

namespace {

struct GenspiderOptions {
    std::string name;
    std::string domain;
    std::string template_name = "basic";
    std::string dump;
    bool list = false;
    bool force = false;
};

int run_genspider(const GenspiderOptions& options)
{
    try {
        if (options.list) {
            fmt::print("Available templates:\n");
            for (const auto& name : spider_template_names()) {
                fmt::print("  {}\n", name);
            }
            return exit_ok;
        }
        if (!options.dump.empty()) {
            fmt::print("{}", spider_template(options.dump));
            return exit_ok;
        }
        if (options.name.empty() || options.domain.empty()) {
            throw UsageError("expected NAME and DOMAIN (or --list)");
        }
        // `trawl crawl NAME` runs the built-in spider of that name: one of
        // the user's under the same name would be easy to confuse with it.
        SpiderRegistry builtins;
        register_builtin_spiders(builtins);
        const auto taken = builtins.names();
        if (std::find(taken.begin(), taken.end(), options.name) != taken.end()) {
            throw UsageError(fmt::format("'{}' is the name of a built-in spider; choose another name", options.name));
        }
        const auto spider = generate_spider(options.name, options.domain, options.template_name,
                                            std::filesystem::current_path(), options.force);
        const auto shown = spider.in_project
                               ? std::filesystem::path{"spiders"} / spider.file.filename()
                               : spider.file.filename();
        fmt::print("Created spider '{}' using template '{}' in {}\n", options.name, options.template_name,
                   shown.string());
        if (spider.in_project && !spider.project_name.empty()) {
            fmt::print("Build and run it:\n    cmake --build build\n    ./build/{} crawl {}\n",
                       spider.project_name, options.name);
        }
        return exit_ok;
    } catch (const GeneratorError& e) {
        throw UsageError(e.what());
    }
}

} // namespace

void add_genspider_command(CLI::App& app)
{
    auto options = std::make_shared<GenspiderOptions>();
    auto* command = app.add_subcommand("genspider", "Create a new spider from a template");
    command->add_option("name", options->name, "the spider's name (a C++ identifier)");
    command->add_option("domain", options->domain, "the site's domain, or a URL to start from");
    command->add_option("-t,--template", options->template_name, "the template (see --list)")
        ->capture_default_str();
    command->add_flag("-l,--list", options->list, "list the templates");
    command->add_option("-d,--dump", options->dump, "print a template")->type_name("TEMPLATE");
    command->add_flag("--force", options->force, "replace an existing spider file");
    command->callback([options] {
        throw CLI::RuntimeError(run_command("genspider", [&] { return run_genspider(*options); }));
    });
}

} // namespace trawl::cli
