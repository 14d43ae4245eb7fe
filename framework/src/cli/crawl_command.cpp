// `trawl crawl SPIDER`: runs a spider, as `scrapy crawl` does.
//   -a NAME=VALUE      spider argument (repeatable)
//   -o FILE / -O FILE  append / overwrite a feed; format from the extension
//   --stats-json FILE  the final stats as JSON
// The final stats are logged at the end, as Scrapy dumps them.

#include "cli/command_context.hpp"

#include <trawl/crawler.hpp>
#include <trawl/spider.hpp>
#include <trawl/log.hpp>

#include <boost/json/serialize.hpp>

#include <builtin_spiders.hpp>
#include <fmt/format.h>

#include <fstream>
#include <memory>

namespace trawl::cli {

namespace {

const Logger logger{"trawl.statscollectors"};

struct CrawlOptions {
    CommonOptions common;
    std::string spider;
    std::vector<std::string> arguments;
    std::vector<std::string> append_feeds;
    std::vector<std::string> overwrite_feeds;
    std::string stats_json;
};

std::pair<std::string, std::string> split_assignment(const std::string& text, const char* what)
{
    const auto equals = text.find('=');
    if (equals == std::string::npos || equals == 0) {
        throw CLI::ValidationError(what, fmt::format("expected NAME=VALUE, got '{}'", text));
    }
    return {text.substr(0, equals), text.substr(equals + 1)};
}

// -o/-O become FEEDS entries at command-line priority, as Scrapy does.
void add_feeds(Settings& settings, const CrawlOptions& options)
{
    if (options.append_feeds.empty() && options.overwrite_feeds.empty()) {
        return;
    }
    boost::json::object feeds = settings.get_dict("FEEDS");
    for (const auto& path : options.append_feeds) {
        feeds[path] = boost::json::object{{"overwrite", false}};
    }
    for (const auto& path : options.overwrite_feeds) {
        feeds[path] = boost::json::object{{"overwrite", true}};
    }
    settings.set("FEEDS", std::move(feeds), SettingPriority::cmdline, "-o/-O");
}

int run_crawl(const CrawlOptions& options)
{
    auto settings = load_settings(options.common);
    add_feeds(settings, options);
    configure_logging(settings);

    register_builtin_spiders(SpiderRegistry::instance());
    std::unique_ptr<Spider> spider;
    try {
        spider = SpiderRegistry::instance().create(options.spider);
    } catch (const std::invalid_argument& e) {
        fmt::print(stderr, "trawl crawl: error: {}\n", e.what());
        return 1;
    }
    for (const auto& argument : options.arguments) {
        auto [name, value] = split_assignment(argument, "-a");
        spider->arguments[name] = value;
    }

    Crawler crawler{std::move(spider), std::move(settings)};
    const auto reason = crawler.crawl();
    const auto stats = crawler.stats().snapshot();
    logger.info("Dumping trawl stats:\n{}", boost::json::serialize(stats));
    if (!options.stats_json.empty()) {
        std::ofstream out(options.stats_json, std::ios::trunc);
        out << boost::json::serialize(stats) << '\n';
        if (!out) {
            fmt::print(stderr, "trawl crawl: error: cannot write {}\n", options.stats_json);
            return 1;
        }
    }
    return reason == "finished" || reason == "shutdown" || reason.rfind("closespider_", 0) == 0 ? 0 : 1;
}

} // namespace

void add_crawl_command(CLI::App& app)
{
    auto options = std::make_shared<CrawlOptions>();
    auto* command = app.add_subcommand("crawl", "Run a spider");
    command->add_option("spider", options->spider, "the spider's name (see `trawl list`)")->required();
    command->add_option("-a", options->arguments, "set a spider argument: NAME=VALUE (may repeat)")
        ->type_name("NAME=VALUE");
    command->add_option("-o,--output", options->append_feeds,
                         "append scraped items to FILE (.jsonl, .json, .csv, .xml)")
        ->type_name("FILE");
    command->add_option("-O,--overwrite-output", options->overwrite_feeds,
                        "write scraped items to FILE, replacing it")
        ->type_name("FILE");
    command->add_option("--stats-json", options->stats_json, "write the final stats to FILE as JSON")
        ->type_name("FILE");
    add_common_options(*command, options->common);
    command->callback([options] { throw CLI::RuntimeError(run_crawl(*options)); });
}

void add_list_command(CLI::App& app)
{
    auto* command = app.add_subcommand("list", "List the available spiders");
    command->callback([] {
        register_builtin_spiders(SpiderRegistry::instance());
        for (const auto& name : SpiderRegistry::instance().names()) {
            fmt::print("{}\n", name);
        }
    });
}

} // namespace trawl::cli
