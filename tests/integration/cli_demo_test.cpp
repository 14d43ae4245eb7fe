// `trawl demo` end to end in an empty directory: it serves the generated
// quotes site, crawls it with the quotes spider and leaves items.jsonl and
// stats.json behind. Run as a child process (cli_support.hpp).

#include "cli_support.hpp"

#include <boost/json/parse.hpp>

#include <gtest/gtest.h>

#include <set>

namespace trawl::testing {
namespace {

namespace json = boost::json;

using CliDemo = CliTest;

TEST_F(CliDemo, CrawlsTheQuotesSite)
{
    const auto result = trawl({"demo"}, std::chrono::seconds{120});
    ASSERT_EQ(result.exit_code, 0) << result.err;

    // The default site: 20,000 quotes on 2,000 pages by 500 authors, each
    // author's page fetched once.
    std::size_t quotes = 0;
    std::set<std::string> authors;
    for (const auto& line : json_lines(read("items.jsonl"))) {
        const auto& item = line.as_object();
        if (item.contains("text")) {
            ++quotes;
            EXPECT_TRUE(item.at("tags").is_array());
            EXPECT_FALSE(item.at("author").as_string().empty());
        } else {
            authors.insert(std::string(item.at("name").as_string()));
            EXPECT_TRUE(item.contains("born"));
        }
    }
    EXPECT_EQ(quotes, 20000u);
    EXPECT_EQ(authors.size(), 500u);

    const auto stats = json::parse(read("stats.json")).as_object();
    EXPECT_EQ(stats.at("finish_reason").as_string(), "finished");
    EXPECT_EQ(stats.at("item_scraped_count").to_number<int>(), 20500);
    EXPECT_EQ(stats.at("response_received_count").to_number<int>(), 2500);

    EXPECT_NE(result.err.find("Serving a quotes site of 2000 pages and 500 authors"), std::string::npos)
        << result.err;
    EXPECT_NE(result.err.find("Demo crawl finished: 2500 pages, 20500 items"), std::string::npos) << result.err;
}

TEST_F(CliDemo, SmallerSiteToAnotherFile)
{
    const auto result = trawl({"demo", "--quotes", "100", "-O", "quotes.csv", "--stats-json", "s.json", "--nolog"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    const auto stats = json::parse(read("s.json")).as_object();
    const auto items = stats.at("item_scraped_count").to_number<std::size_t>();
    EXPECT_GE(items, 100u);
    EXPECT_EQ(lines(read("quotes.csv")).size(), items + 1) << "a header, then one line per item";
    EXPECT_FALSE(std::filesystem::exists(dir() / "items.jsonl"));
}

} // namespace
} // namespace trawl::testing
