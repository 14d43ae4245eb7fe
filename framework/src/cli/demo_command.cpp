// `trawl demo`: serves a generated quotes site on 127.0.0.1 and crawls it
// with the example quotes spider (spiders/quotes_spider.cpp), writing the
// items to items.jsonl and printing the stats. No network needed.

#include "cli/command_context.hpp"
#include "cli/feed_options.hpp"
#include "demo/demo_server.hpp"
#include "demo/demo_site.hpp"

#include <trawl/crawler.hpp>
#include <trawl/spider.hpp>

#include <boost/json/serialize.hpp>

#include <fmt/format.h>

#include <fstream>
#include <memory>

namespace trawl::cli {

namespace {

struct DemoOptions {
    CommonOptions common;
    std::size_t quotes = 20000;
    std::string output = "items.jsonl";
    std::string stats_json = "stats.json";
};

int run_demo(const DemoOptions& options)
{
    auto settings = load_settings(options.common);
    if (!settings.contains("LOG_LEVEL") || settings.priority("LOG_LEVEL") == SettingPriority::builtin) {
        settings.set("LOG_LEVEL", "INFO", SettingPriority::command, "trawl demo");
    }
    // Readable UTF-8 in the file, as the project template sets it (Scrapy escapes by default).
    settings.set("FEED_EXPORT_ENCODING", "utf-8", SettingPriority::command, "trawl demo");
    const auto feed = parse_feed_option(options.output, settings);
    boost::json::object entry{{"format", feed.format}};
    if (feed.uri != "stdout:") {
        entry["overwrite"] = true;
    }
    settings.set("FEEDS", boost::json::object{{feed.uri, std::move(entry)}}, SettingPriority::command, "trawl demo");
    configure_logging(settings);

    demo::DemoSite site{options.quotes};
    demo::DemoServer server{site};
    fmt::print(stderr, "Serving a quotes site of {} pages and {} authors at {}/\n", site.quote_pages(),
               site.authors(), server.base_url());

    // main.cpp registered the built-in spiders.
    auto spider = SpiderRegistry::instance().create("quotes");
    spider->arguments["start_url"] = server.base_url() + "/";
    Crawler crawler{std::move(spider), std::move(settings)};
    const auto reason = crawler.crawl();

    const auto stats = crawler.stats().snapshot();
    std::ofstream(options.stats_json, std::ios::trunc) << boost::json::serialize(stats) << '\n';
    auto number = [&](const char* key) { return crawler.stats().get_number(key); };
    fmt::print(stderr,
               "\nDemo crawl {}: {:.0f} pages, {:.0f} items in {:.2f} s ({:.0f} pages/s); loop lag p99 {:.2f} ms.\n"
               "Items: {}   Stats: {}\n",
               reason, number("response_received_count"), number("item_scraped_count"),
               number("elapsed_time_seconds"), number("pages_per_second"), number("loop/lag_p99_ms"),
               options.output, options.stats_json);
    return reason == "finished" ? 0 : 1;
}

} // namespace

void add_demo_command(CLI::App& app)
{
    auto options = std::make_shared<DemoOptions>();
    auto* command = app.add_subcommand("demo", "Crawl a generated quotes site served on 127.0.0.1");
    command->add_option("--quotes", options->quotes, "quotes on the site (10 a page)")->capture_default_str();
    command->add_option("-O,--output", options->output, "where the items go (FILE[:FORMAT], as crawl -O)")
        ->capture_default_str();
    command->add_option("--stats-json", options->stats_json, "where the stats go")->capture_default_str();
    add_common_options(*command, options->common);
    command->callback([options] {
        throw CLI::RuntimeError(run_command("demo", [&] { return run_demo(*options); }));
    });
}

} // namespace trawl::cli
