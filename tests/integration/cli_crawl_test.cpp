// `trawl crawl links` on the test server's link site: every feed format,
// -o/-O/-o FILE:FORMAT/-o -:FORMAT, and the --stats-json file. Run as a
// child process (cli_support.hpp).

#include "cli_support.hpp"
#include "support/test_server.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <gtest/gtest.h>

#include <set>

namespace trawl::testing {
namespace {

namespace json = boost::json;

class CliCrawl : public CliSiteTest {
protected:
    static std::set<std::string> site_urls()
    {
        std::set<std::string> urls;
        for (int page = 0; page < site_pages; ++page) {
            urls.insert(server_->url("/page/" + std::to_string(page)));
        }
        return urls;
    }

    /// Checks that the JSON objects are one page item per page of the site.
    static void expect_site_items(const std::vector<json::value>& items)
    {
        std::set<std::string> urls;
        for (const auto& item : items) {
            ASSERT_TRUE(item.is_object()) << json::serialize(item);
            const auto& page = item.as_object();
            urls.insert(std::string(page.at("url").as_string()));
            EXPECT_EQ(page.at("status").to_number<int>(), 200);
            EXPECT_EQ(page.at("title").as_string().subview().substr(0, 5), "Page ");
            EXPECT_TRUE(page.contains("depth"));
            EXPECT_TRUE(page.contains("referer"));
        }
        EXPECT_EQ(items.size(), static_cast<std::size_t>(site_pages));
        EXPECT_EQ(urls, site_urls());
    }

};

TEST_F(CliCrawl, WritesEveryFormatAndTheStats)
{
    const auto result = crawl({"-o", "pages.jsonl", "-o", "pages.csv", "-o", "pages.json", "-o", "pages.xml",
                               "--stats-json", "stats.json", "-s", "LOOP_LAG_INTERVAL=0.001"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.out, "");  // items go to the files, the log to stderr

    const auto jsonl = read("pages.jsonl");
    expect_site_items(json_lines(jsonl));

    const auto array = json::parse(read("pages.json"));
    ASSERT_TRUE(array.is_array());
    expect_site_items(std::vector<json::value>(array.as_array().begin(), array.as_array().end()));

    const auto csv = lines(read("pages.csv"));
    ASSERT_EQ(csv.size(), static_cast<std::size_t>(site_pages) + 1);
    for (const char* field : {"url", "status", "title", "depth", "referer"}) {
        EXPECT_NE(csv.front().find(field), std::string::npos) << csv.front();
    }
    EXPECT_NE(csv.at(1).find(server_->url("/page/")), std::string::npos) << csv.at(1);

    const auto xml = read("pages.xml");
    EXPECT_EQ(xml.rfind("<?xml version=\"1.0\" encoding=\"utf-8\"?>", 0), 0u) << xml.substr(0, 100);
    EXPECT_EQ(count(xml, "<item>"), static_cast<std::size_t>(site_pages));
    EXPECT_EQ(count(xml, "<url>"), static_cast<std::size_t>(site_pages));
    EXPECT_NE(xml.find("</items>"), std::string::npos);

    // The stats file: Scrapy's core stats plus trawl's loop telemetry (probed
    // every millisecond here, so that even a short crawl has samples).
    const auto stats = json::parse(read("stats.json")).as_object();
    const auto number = [&](const char* key) {
        const auto* value = stats.if_contains(key);
        EXPECT_NE(value, nullptr) << key << " missing in " << json::serialize(stats);
        return value && value->is_number() ? value->to_number<double>() : -1.0;
    };
    EXPECT_EQ(stats.at("finish_reason").as_string(), "finished");
    EXPECT_EQ(number("item_scraped_count"), static_cast<double>(lines(jsonl).size()));
    EXPECT_EQ(number("response_received_count"), site_pages);
    EXPECT_EQ(number("downloader/response_status_count/200"), site_pages);
    EXPECT_EQ(number("downloader/response_count"), site_pages);
    EXPECT_EQ(number("feedexport/item_count/pages.jsonl"), site_pages);
    EXPECT_EQ(number("feedexport/success_count/FileFeedStorage"), 4);
    EXPECT_GT(number("elapsed_time_seconds"), 0.0);
    EXPECT_GT(number("pages_per_second"), 0.0);
    EXPECT_GT(number("loop/lag_samples"), 0.0);
    EXPECT_GE(number("loop/lag_p50_ms"), 0.0);
    EXPECT_GE(number("loop/lag_p99_ms"), number("loop/lag_p50_ms"));
    EXPECT_GE(number("loop/lag_max_ms"), number("loop/lag_p99_ms"));
    EXPECT_GE(number("downloader/peak_in_flight"), 1.0);
    EXPECT_GE(number("downloader/connections_opened"), 1.0);
    for (const char* key : {"start_time", "finish_time"}) {
        ASSERT_TRUE(stats.contains(key) && stats.at(key).is_string()) << key;
        const std::string time(stats.at(key).as_string());
        EXPECT_EQ(time.size(), std::string("2024-05-01T12:00:00.000000Z").size()) << time;
        EXPECT_EQ(time.back(), 'Z') << time;
    }
    EXPECT_LE(std::string(stats.at("start_time").as_string()), std::string(stats.at("finish_time").as_string()));
    // The stats are also dumped on the log, as Scrapy does.
    EXPECT_NE(result.err.find("Dumping trawl stats"), std::string::npos);
}

TEST_F(CliCrawl, OutputAppendsAndOverwriteOutputReplaces)
{
    ASSERT_EQ(crawl({"-o", "pages.jsonl", "-s", "CLOSESPIDER_ITEMCOUNT=5"}).exit_code, 0);
    const auto first = lines(read("pages.jsonl")).size();
    ASSERT_GE(first, 5u);
    ASSERT_EQ(crawl({"-o", "pages.jsonl", "-s", "CLOSESPIDER_ITEMCOUNT=5"}).exit_code, 0);
    const auto second = lines(read("pages.jsonl")).size();
    EXPECT_GE(second, first + 5) << "-o appends";

    const auto result = crawl({"-O", "pages.jsonl"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    expect_site_items(json_lines(read("pages.jsonl")));
}

TEST_F(CliCrawl, FormatAfterAColon)
{
    const auto result = crawl({"-o", "pages.dat:jsonlines", "-o", "more.out:csv"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    expect_site_items(json_lines(read("pages.dat")));
    EXPECT_EQ(lines(read("more.out")).size(), static_cast<std::size_t>(site_pages) + 1);
}

TEST_F(CliCrawl, DashOrStdoutIsStandardOutput)
{
    for (const char* target : {"-:jsonlines", "stdout:jsonl"}) {
        const auto result = crawl({"-o", target});
        ASSERT_EQ(result.exit_code, 0) << result.err;
        // Standard output holds the items and nothing else.
        expect_site_items(json_lines(result.out));
        EXPECT_NE(result.err.find("Stored jsonl"), std::string::npos) << result.err;
        EXPECT_EQ(result.err.find("overwrit"), std::string::npos) << result.err;
    }
    const auto result = crawl({"-O", "-:json"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    const auto array = json::parse(result.out);
    EXPECT_EQ(array.as_array().size(), static_cast<std::size_t>(site_pages));
    EXPECT_EQ(result.err.find("does not support overwriting"), std::string::npos) << result.err;
}

TEST_F(CliCrawl, OutputWithoutAKnownFormatFailsBeforeCrawling)
{
    for (const auto& [output, says] : std::vector<std::pair<std::string, std::string>>{
             {"pages.dat", "unknown output format 'dat'"},
             {"pages", "no output format"},
             {"pages.json:yaml", "unknown output format 'yaml'"},
             {"-", "no output format"}}) {
        const auto served = server_->requests_served();
        const auto result = crawl({"-o", output});
        EXPECT_EQ(result.exit_code, 2) << output;
        EXPECT_TRUE(one_line_error(result, "crawl", says)) << output;
        EXPECT_NE(result.err.find("jsonlines"), std::string::npos) << "names the known formats: " << result.err;
        EXPECT_EQ(result.err.find("Spider opened"), std::string::npos) << "the crawl must not start";
        EXPECT_EQ(server_->requests_served(), served);
        EXPECT_FALSE(std::filesystem::exists(dir() / "pages.dat"));
    }
}

TEST_F(CliCrawl, UnwritableStatsFileFailsBeforeCrawling)
{
    const auto result = crawl({"--stats-json", "no/such/dir/stats.json"});
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_TRUE(one_line_error(result, "crawl", "no/such/dir/stats.json"));
    EXPECT_EQ(result.err.find("Spider opened"), std::string::npos);
}

} // namespace
} // namespace trawl::testing
