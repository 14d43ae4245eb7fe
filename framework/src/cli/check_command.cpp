// `trawl check [SPIDER]`: checks that each spider (or the one named) could
// start a crawl with the settings in force, without fetching anything.
// Scrapy's `scrapy check` runs contracts; trawl has none, so this checks
// what fails at start-up instead: the spider is built, its custom_settings
// are applied over ./settings.yaml and -s, and the engine builds its
// scheduler, download slots, middlewares, pipelines and extensions, reading
// every setting they read. Unknown setting names are reported as warnings.
// Prints "NAME: OK" or "NAME: FAILED: why" per spider; exits 1 if any failed.
//   --list   only names the spiders that would be checked
//
// Feeds are left out: opening a feed with overwrite would empty the file of
// the last crawl.

#include "cli/command_context.hpp"
#include "engine/engine.hpp"

#include <trawl/crawler.hpp>
#include <trawl/spider.hpp>

#include <boost/json/object.hpp>

#include <fmt/format.h>

#include <memory>
#include <optional>
#include <stdexcept>

namespace trawl::cli {

namespace {

struct CheckOptions {
    CommonOptions common;
    std::string spider;
    bool list = false;
};

/// The failure, or nothing if the spider could start; the warnings go to
/// `warnings`.
std::optional<std::string> check_spider(const std::string& name, const Settings& settings,
                                        std::vector<std::string>& warnings)
{
    try {
        auto spider = SpiderRegistry::instance().create(name);
        Crawler crawler{std::move(spider), settings};
        // Built and destroyed without running: the constructor is where a
        // crawl reads its configuration and builds its components.
        { Engine engine{crawler}; }
        warnings = crawler.settings().unknown_setting_warnings();
        return std::nullopt;
    } catch (const std::exception& e) {
        std::string message = e.what();
        for (auto& c : message) {
            if (c == '\n' || c == '\r') {
                c = ' ';
            }
        }
        return message;
    }
}

int run_check(const CheckOptions& options)
{
    auto settings = load_settings(options.common);
    // Quiet unless asked, as Scrapy's check: the report is the output.
    if (options.common.log_level.empty() && options.common.log_file.empty()) {
        settings.set("LOG_ENABLED", false, SettingPriority::cmdline, "trawl check");
    }
    settings.set("FEEDS", boost::json::object{}, SettingPriority::cmdline, "trawl check");
    configure_logging(settings);

    auto& registry = SpiderRegistry::instance();
    std::vector<std::string> names;
    if (options.spider.empty()) {
        names = registry.names();
    } else {
        try {
            registry.create(options.spider);
        } catch (const std::invalid_argument& e) {
            throw UsageError(e.what());
        }
        names.push_back(options.spider);
    }
    if (options.list) {
        for (const auto& name : names) {
            fmt::print("{}\n", name);
        }
        return exit_ok;
    }

    std::size_t failed = 0;
    for (const auto& name : names) {
        std::vector<std::string> warnings;
        const auto failure = check_spider(name, settings, warnings);
        if (failure) {
            ++failed;
            fmt::print("{}: FAILED: {}\n", name, *failure);
        } else {
            fmt::print("{}: OK\n", name);
        }
        for (const auto& warning : warnings) {
            fmt::print("  warning: {}\n", warning);
        }
    }
    fmt::print("\nChecked {} spider{}: ", names.size(), names.size() == 1 ? "" : "s");
    if (failed == 0) {
        fmt::print("OK\n");
        return exit_ok;
    }
    fmt::print("FAILED (failures={})\n", failed);
    return exit_failure;
}

} // namespace

void add_check_command(CLI::App& app)
{
    auto options = std::make_shared<CheckOptions>();
    auto* command = app.add_subcommand(
        "check", "Check that the spiders' settings and components are valid, without crawling");
    command->add_option("spider", options->spider, "check only this spider (see `list`)");
    command->add_flag("-l,--list", options->list, "only list the spiders that would be checked");
    add_common_options(*command, options->common);
    command->callback([options] {
        throw CLI::RuntimeError(run_command("check", [&] { return run_check(*options); }));
    });
}

} // namespace trawl::cli
