// `trawl crawl SPIDER`: runs a spider, as `scrapy crawl` does.
//   -a NAME=VALUE      spider argument (repeatable)
//   -o FILE[:FORMAT]   append a feed; format from the extension unless given;
//                      "-:FORMAT" is standard output (feed_options.hpp)
//   -O FILE[:FORMAT]   the same, overwriting the file
//   --stats-json FILE  the final stats as JSON
// The final stats are logged at the end, as Scrapy dumps them. `trawl list`
// lives here too: it names the spiders `crawl` knows (those registered in
// SpiderRegistry::instance() before run_command_line()).

#include "cli/command_context.hpp"
#include "cli/feed_options.hpp"

#include <trawl/crawler.hpp>
#include <trawl/spider.hpp>
#include <trawl/log.hpp>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <memory>
#include <string_view>

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

std::pair<std::string, std::string> split_argument(const std::string& text)
{
    const auto equals = text.find('=');
    if (equals == std::string::npos || equals == 0) {
        throw UsageError(fmt::format("-a '{}': expected NAME=VALUE", text));
    }
    return {text.substr(0, equals), text.substr(equals + 1)};
}

/// The stats one per line, sorted by name, as Scrapy pretty-prints them.
std::string format_stats(const boost::json::object& stats)
{
    std::vector<std::pair<std::string_view, std::string>> entries;
    for (const auto& entry : stats) {
        // Boost.JSON writes doubles as 2.519287E-2; people read 0.02519287.
        const auto& value = entry.value();
        entries.emplace_back(entry.key(),
                             value.is_double() ? fmt::format("{}", value.get_double()) : boost::json::serialize(value));
    }
    std::sort(entries.begin(), entries.end());
    std::string text = "{";
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const auto name = boost::json::serialize(boost::json::string(entries[i].first));
        text += fmt::format("{}{}: {}{}", i == 0 ? "" : " ", name, entries[i].second,
                            i + 1 < entries.size() ? ",\n" : "");
    }
    return text + "}";
}

bool successful(const std::string& reason)
{
    return reason == "finished" || reason == "shutdown" || reason.rfind("closespider_", 0) == 0;
}

int run_crawl(const CrawlOptions& options)
{
    // Everything the command line can get wrong is checked before the
    // crawl starts (and before the log is set up, so a mistake is one line).
    auto settings = load_settings(options.common);
    add_feed_options(settings, options.append_feeds, options.overwrite_feeds);
    std::map<std::string, std::string> arguments;
    for (const auto& argument : options.arguments) {
        auto [name, value] = split_argument(argument);
        arguments[name] = value;
    }
    std::unique_ptr<Spider> spider;
    try {
        spider = SpiderRegistry::instance().create(options.spider);
    } catch (const std::invalid_argument& e) {
        throw UsageError(e.what());
    }
    spider->arguments = std::move(arguments);
    // Opened before the crawl, so that an unwritable file fails now, not
    // after an hour of crawling.
    std::ofstream stats_out;
    if (!options.stats_json.empty()) {
        stats_out.open(options.stats_json, std::ios::trunc);
        if (!stats_out) {
            throw UsageError(fmt::format("--stats-json: cannot write '{}'", options.stats_json));
        }
    }
    configure_logging(settings);

    Crawler crawler{std::move(spider), std::move(settings)};
    const auto reason = crawler.crawl();
    const auto stats = crawler.stats().snapshot();
    logger.info("Dumping trawl stats:\n{}", format_stats(stats));
    if (stats_out.is_open()) {
        stats_out << boost::json::serialize(stats) << '\n';
        stats_out.close();
        if (!stats_out) {
            print_error("crawl", fmt::format("--stats-json: cannot write '{}'", options.stats_json));
            return exit_failure;
        }
    }
    return successful(reason) ? exit_ok : exit_failure;
}

} // namespace

void add_crawl_command(CLI::App& app)
{
    auto options = std::make_shared<CrawlOptions>();
    auto* command = app.add_subcommand("crawl", "Run a spider");
    command->add_option("spider", options->spider, "the spider's name (see `trawl list`)")->required();
    one_value_each(command->add_option("-a", options->arguments, "set a spider argument: NAME=VALUE (may repeat)"))
        ->type_name("NAME=VALUE");
    one_value_each(command->add_option(
                       "-o,--output", options->append_feeds,
                       "append scraped items to FILE (may repeat); the format is the extension (.jsonl, .jl, .json, "
                       ".csv, .xml) or FORMAT; -:FORMAT is standard output"))
        ->type_name("FILE[:FORMAT]");
    one_value_each(command->add_option("-O,--overwrite-output", options->overwrite_feeds,
                                       "write scraped items to FILE, replacing it (may repeat)"))
        ->type_name("FILE[:FORMAT]");
    command->add_option("--stats-json", options->stats_json, "write the final stats to FILE as JSON")
        ->type_name("FILE");
    add_common_options(*command, options->common);
    command->callback([options] {
        throw CLI::RuntimeError(run_command("crawl", [&] { return run_crawl(*options); }));
    });
}

void add_list_command(CLI::App& app)
{
    auto* command = app.add_subcommand("list", "List the available spiders");
    command->callback([] {
        for (const auto& name : SpiderRegistry::instance().names()) {
            fmt::print("{}\n", name);
        }
    });
}

} // namespace trawl::cli
