// Feed batches (batch_item_count / FEED_EXPORT_BATCH_ITEM_COUNT): a new file
// every N items, each a complete document, named by %(batch_id)d and
// %(batch_time)s.

#include "feed_export_test_support.hpp"

#include <boost/json/parse.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <sstream>

namespace trawl {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using test::item_from;
using test::LogCapture;
using test::read_file;
using FeedBatchTest = test::FeedExportTest;

std::vector<Item> numbered_items(int count)
{
    std::vector<Item> items;
    for (int i = 1; i <= count; ++i) {
        Item item{"n"};
        item["i"] = i;
        items.push_back(std::move(item));
    }
    return items;
}

std::vector<std::string> file_names(const fs::path& dir)
{
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir)) {
        names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
}

TEST_F(FeedBatchTest, ANewFileEveryNItemsEachAWholeDocument)
{
    auto crawler = this->crawler(R"({
        "{dir}/jl/%(batch_id)d.jsonl": {"batch_item_count": 2},
        "{dir}/json/%(batch_id)05d.json": {"batch_item_count": 2},
        "{dir}/xml/%(batch_id)d.xml": {"batch_item_count": 2},
        "{dir}/csv/%(batch_id)d.csv": {"batch_item_count": 2},
        "{dir}/all.jsonl": {}})");
    LogCapture log;
    {
        auto extension = FeedExport::from_crawler(*crawler);
        crawl(*crawler, numbered_items(5));
    }
    EXPECT_EQ(file_names(dir_ / "jl"), (std::vector<std::string>{"1.jsonl", "2.jsonl", "3.jsonl"}));
    EXPECT_EQ(read_file(path("jl/1.jsonl")), "{\"i\": 1}\n{\"i\": 2}\n");
    EXPECT_EQ(read_file(path("jl/2.jsonl")), "{\"i\": 3}\n{\"i\": 4}\n");
    EXPECT_EQ(read_file(path("jl/3.jsonl")), "{\"i\": 5}\n");

    EXPECT_EQ(file_names(dir_ / "json"), (std::vector<std::string>{"00001.json", "00002.json", "00003.json"}));
    EXPECT_EQ(read_file(path("json/00001.json")), "[\n{\"i\": 1},\n{\"i\": 2}\n]");
    EXPECT_EQ(read_file(path("json/00002.json")), "[\n{\"i\": 3},\n{\"i\": 4}\n]");
    EXPECT_EQ(read_file(path("json/00003.json")), "[\n{\"i\": 5}\n]");

    const std::string declaration = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<items>\n";
    EXPECT_EQ(read_file(path("xml/1.xml")), declaration + "<item><i>1</i></item>\n<item><i>2</i></item>\n</items>");
    EXPECT_EQ(read_file(path("xml/3.xml")), declaration + "<item><i>5</i></item>\n</items>");
    // Each CSV file has its header, as Scrapy's.
    EXPECT_EQ(read_file(path("csv/2.csv")), "i\r\n3\r\n4\r\n");
    EXPECT_EQ(read_file(path("csv/3.csv")), "i\r\n5\r\n");

    EXPECT_EQ(read_file(path("all.jsonl")).size(), 5 * std::string("{\"i\": 1}\n").size());

    // Log and stats per file, as Scrapy.
    EXPECT_TRUE(log.contains("Stored jsonl feed (2 items) in: " + path("jl/1.jsonl")));
    EXPECT_TRUE(log.contains("Stored jsonl feed (1 items) in: " + path("jl/3.jsonl")));
    EXPECT_EQ(crawler->stats().get_number("feedexport/item_count/" + path("json/00002.json")), 2);
    EXPECT_EQ(crawler->stats().get_number("feedexport/success_count/FileFeedStorage"), 3 * 4 + 1);
}

TEST_F(FeedBatchTest, NoEmptyFileAfterAFullLastBatch)
{
    auto crawler = this->crawler(R"({"{dir}/%(batch_id)d.json": {}})", {{"FEED_EXPORT_BATCH_ITEM_COUNT", 3}});
    {
        auto extension = FeedExport::from_crawler(*crawler);
        crawl(*crawler, numbered_items(6));
    }
    EXPECT_EQ(file_names(dir_), (std::vector<std::string>{"1.json", "2.json"}));
    EXPECT_EQ(json::parse(read_file(path("2.json"))).as_array().size(), 3u);
}

TEST_F(FeedBatchTest, OneItemPerFileWithTheBatchTime)
{
    auto crawler = this->crawler(R"({"{dir}/%(batch_time)s.jsonl": {"batch_item_count": 1}})");
    {
        auto extension = FeedExport::from_crawler(*crawler);
        crawl(*crawler, numbered_items(3));
    }
    const auto names = file_names(dir_);
    // Three batches started within microseconds may share a batch_time
    // (and then a file): at most as many files as items, each item once.
    ASSERT_GE(names.size(), 1u);
    ASSERT_LE(names.size(), 3u);
    std::set<std::int64_t> seen;
    for (const auto& name : names) {
        // '#' stands for a digit: Scrapy's UTC time with microseconds.
        const std::string_view pattern = "####-##-##T##-##-##.######.jsonl";
        ASSERT_EQ(name.size(), pattern.size()) << name;
        for (std::size_t i = 0; i < pattern.size(); ++i) {
            EXPECT_TRUE(pattern[i] == '#' ? std::isdigit(static_cast<unsigned char>(name[i])) != 0
                                          : pattern[i] == name[i])
                << name;
        }
        std::istringstream lines(read_file(dir_ / name));
        for (std::string line; std::getline(lines, line);) {
            seen.insert(json::parse(line).at("i").as_int64());
        }
    }
    EXPECT_EQ(seen, (std::set<std::int64_t>{1, 2, 3}));
}

TEST_F(FeedBatchTest, BatchesCountOnlyTheFeedsItems)
{
    auto crawler = this->crawler(R"({"{dir}/q-%(batch_id)d.jsonl": {"batch_item_count": 2, "item_classes": ["q"]}})");
    {
        auto extension = FeedExport::from_crawler(*crawler);
        crawl(*crawler, {item_from(R"({"q": 1})", "q"), item_from(R"({"a": 1})", "a"), item_from(R"({"q": 2})", "q"),
                         item_from(R"({"q": 3})", "q")});
    }
    EXPECT_EQ(read_file(path("q-1.jsonl")), "{\"q\": 1}\n{\"q\": 2}\n");
    EXPECT_EQ(read_file(path("q-2.jsonl")), "{\"q\": 3}\n");
}

TEST_F(FeedBatchTest, StoreEmptyWritesAnEmptyFirstBatch)
{
    auto crawler = this->crawler(R"({"{dir}/%(batch_id)d.json": {"batch_item_count": 2, "store_empty": true}})");
    {
        auto extension = FeedExport::from_crawler(*crawler);
        crawl(*crawler, {});
    }
    EXPECT_EQ(file_names(dir_), std::vector<std::string>{"1.json"});
    EXPECT_EQ(read_file(path("1.json")), "[\n\n]");
}

} // namespace
} // namespace trawl
