// The "feedexport" extension end to end: FEEDS in the settings, the
// signals a crawl sends, the files on disk.

#include "../crawler/crawler_test_support.hpp"
#include "exporter_test_support.hpp"

#include "extensions/builtin_extensions.hpp"
#include "extensions/feed_export.hpp"

#include <trawl/downloader_middleware.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>

#include <gtest/gtest.h>

#include <cctype>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace trawl {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using test::item_from;
using test::LogCapture;

std::string read_file(const fs::path& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

void write_file(const fs::path& path, std::string_view content)
{
    std::ofstream out(path, std::ios::binary);
    out << content;
}

class FeedExportTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        std::string pattern = (fs::temp_directory_path() / "trawl-feeds-XXXXXX").string();
        ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
        dir_ = pattern;
    }
    void TearDown() override
    {
        std::error_code ignored;
        fs::remove_all(dir_, ignored);
    }

    std::string path(std::string_view name) const { return (dir_ / name).string(); }

    /// A crawler whose FEEDS is `feeds` (JSON) with "{dir}" replaced by the
    /// test's directory, on an io_context of the test's own as its loop.
    std::unique_ptr<Crawler> crawler(std::string feeds,
                                     std::initializer_list<std::pair<const char*, json::value>> values = {})
    {
        for (std::size_t at; (at = feeds.find("{dir}")) != std::string::npos;) {
            feeds.replace(at, 5, dir_.string());
        }
        Settings settings;
        settings.set("FEEDS", json::parse(feeds));
        for (const auto& [name, value] : values) {
            settings.set(name, value);
        }
        auto built = test::make_crawler(std::move(settings));
        built->attach_executor(loop_.get_executor());
        return built;
    }

    /// What the engine sends for a crawl that scrapes `items`.
    static void crawl(Crawler& crawler, const std::vector<Item>& items)
    {
        crawler.signals().send(SpiderOpened{});
        for (const auto& item : items) {
            crawler.signals().send(ItemScraped{item});
        }
        crawler.signals().send(SpiderClosed{"finished"});
    }

    static std::vector<Item> two_items()
    {
        return {item_from(R"({"name": "a \"b\", c", "n": 1})"), item_from(R"({"name": "d", "n": 2.5})")};
    }

    fs::path dir_;
    boost::asio::io_context loop_;
};

TEST_F(FeedExportTest, NotConfiguredWithoutFeeds)
{
    auto crawler = test::make_crawler();
    EXPECT_THROW(FeedExport::from_crawler(*crawler), NotConfigured);
}

TEST_F(FeedExportTest, RegisteredAsFeedexport)
{
    auto crawler = this->crawler(R"({"{dir}/items.jsonl": {}})");
    Components components;
    register_builtin_extensions(components);
    const auto built = components.build_extensions(*crawler);
    EXPECT_TRUE(std::any_of(built.begin(), built.end(), [](const auto& b) { return b.name == "feedexport"; }));
}

TEST_F(FeedExportTest, WritesEveryFormat)
{
    auto crawler = this->crawler(R"({"{dir}/items.jsonl": {}, "{dir}/items.json": {}, "{dir}/items.csv": {},
                                     "{dir}/items.xml": {}, "{dir}/items.jl": {"format": "jsonlines"}})");
    LogCapture log;
    {
        auto extension = FeedExport::from_crawler(*crawler);
        crawl(*crawler, two_items());
    }
    const std::string lines = "{\"name\": \"a \\\"b\\\", c\", \"n\": 1}\n{\"name\": \"d\", \"n\": 2.5}\n";
    EXPECT_EQ(read_file(path("items.jsonl")), lines);
    EXPECT_EQ(read_file(path("items.jl")), lines);
    EXPECT_EQ(read_file(path("items.json")),
              "[\n{\"name\": \"a \\\"b\\\", c\", \"n\": 1},\n{\"name\": \"d\", \"n\": 2.5}\n]");
    EXPECT_EQ(read_file(path("items.csv")), "name,n\r\n\"a \"\"b\"\", c\",1\r\nd,2.5\r\n");
    EXPECT_EQ(read_file(path("items.xml")), "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<items>\n"
                                            "<item><name>a \"b\", c</name><n>1</n></item>\n"
                                            "<item><name>d</name><n>2.5</n></item>\n</items>");
    const auto parsed = json::parse(read_file(path("items.json")));
    EXPECT_EQ(parsed.as_array().size(), 2u);

    EXPECT_EQ(crawler->stats().get_number("feedexport/success_count/FileFeedStorage"), 5);
    EXPECT_EQ(crawler->stats().get_number("feedexport/item_count/" + path("items.json")), 2);
    EXPECT_TRUE(log.contains("Stored json feed (2 items) in: " + path("items.json")));
    EXPECT_TRUE(log.contains("Stored jsonlines feed (2 items) in: " + path("items.jl")));
}

TEST_F(FeedExportTest, ItemsReachTheFileBeforeTheCrawlCloses)
{
    auto crawler = this->crawler(R"({"{dir}/items.jsonl": {}})");
    auto extension = FeedExport::from_crawler(*crawler);
    crawler->signals().send(SpiderOpened{});
    crawler->signals().send(ItemScraped{item_from(R"({"n": 1})")});
    // The writer thread writes it on its own: wait for it, bounded.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (read_file(path("items.jsonl")) != "{\"n\": 1}\n" && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    EXPECT_EQ(read_file(path("items.jsonl")), "{\"n\": 1}\n");
    crawler->signals().send(SpiderClosed{"finished"});
}

TEST_F(FeedExportTest, ManyItemsKeepTheirOrder)
{
    auto crawler = this->crawler(R"({"{dir}/items.jsonl": {}, "{dir}/items.json": {}})");
    std::vector<Item> items;
    std::string expected;
    for (int i = 0; i < 20000; ++i) {
        Item item{"n"};
        item["i"] = i;
        items.push_back(std::move(item));
        expected += "{\"i\": " + std::to_string(i) + "}\n";
    }
    {
        auto extension = FeedExport::from_crawler(*crawler);
        crawl(*crawler, items);
    }
    EXPECT_EQ(read_file(path("items.jsonl")), expected);
    const auto parsed = json::parse(read_file(path("items.json"))).as_array();
    ASSERT_EQ(parsed.size(), items.size());
    for (std::size_t i = 0; i < parsed.size(); ++i) {
        ASSERT_EQ(parsed[i].at("i").as_int64(), static_cast<std::int64_t>(i));
    }
}

TEST_F(FeedExportTest, OverwriteTruncatesAndAppendAppends)
{
    write_file(path("append.jsonl"), "{\"old\": 1}\n");
    write_file(path("overwrite.jsonl"), "{\"old\": 1}\n");
    auto crawler = this->crawler(R"({"{dir}/append.jsonl": {}, "{dir}/overwrite.jsonl": {"overwrite": true}})");
    {
        auto extension = FeedExport::from_crawler(*crawler);
        crawl(*crawler, {item_from(R"({"new": 2})")});
    }
    EXPECT_EQ(read_file(path("append.jsonl")), "{\"old\": 1}\n{\"new\": 2}\n");
    EXPECT_EQ(read_file(path("overwrite.jsonl")), "{\"new\": 2}\n");
}

TEST_F(FeedExportTest, AppendingToJsonWarns)
{
    write_file(path("items.json"), "[\n{\"old\": 1}\n]");
    write_file(path("empty.json"), "");
    auto crawler = this->crawler(R"({"{dir}/items.json": {}, "{dir}/empty.json": {}})");
    LogCapture log;
    {
        auto extension = FeedExport::from_crawler(*crawler);
        crawl(*crawler, {item_from(R"({"new": 2})")});
    }
    EXPECT_TRUE(log.contains("FEEDS: appending json items to '" + path("items.json") +
                             "', which is not empty, makes it invalid json: set overwrite: true (crawl -O) to "
                             "replace the file instead"));
    const auto lines = log.lines();
    EXPECT_EQ(std::count_if(lines.begin(), lines.end(),
                            [](const std::string& line) { return line.starts_with("FEEDS: appending"); }),
              1);
    EXPECT_EQ(read_file(path("items.json")), "[\n{\"old\": 1}\n][\n{\"new\": 2}\n]");
}

TEST_F(FeedExportTest, PlaceholdersInThePath)
{
    auto crawler = this->crawler(R"({"{dir}/%(name)s/%(time)s.jsonl": {}})");
    {
        auto extension = FeedExport::from_crawler(*crawler);
        crawl(*crawler, {item_from(R"({"n": 1})")});
    }
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir_ / "test")) {
        names.push_back(entry.path().filename().string());
    }
    ASSERT_EQ(names.size(), 1u);
    // '#' stands for a digit: the UTC time as Scrapy writes it.
    const std::string_view pattern = "####-##-##T##-##-##.jsonl";
    ASSERT_EQ(names[0].size(), pattern.size()) << names[0];
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        EXPECT_TRUE(pattern[i] == '#' ? std::isdigit(static_cast<unsigned char>(names[0][i])) != 0
                                      : pattern[i] == names[0][i])
            << names[0];
    }
}

TEST_F(FeedExportTest, UnwritablePathFailsAtStartUpWithThePathAndTheReason)
{
    fs::create_directory(path("a-directory"));
    write_file(path("a-file"), "");
    // (Permissions are no test here: the suite may run as root.)
    auto crawler = this->crawler(R"({"{dir}/a-directory": {"format": "json"}})");
    try {
        FeedExport::from_crawler(*crawler);
        ADD_FAILURE() << "no error";
    } catch (const SettingsError& e) {
        EXPECT_EQ(std::string(e.what()), "project settings: FEEDS: '" + path("a-directory") + "': cannot open '" +
                                             path("a-directory") + "' for writing: Is a directory");
    }
    crawler = this->crawler(R"({"{dir}/a-file/items.json": {}})");
    try {
        FeedExport::from_crawler(*crawler);
        ADD_FAILURE() << "no error";
    } catch (const SettingsError& e) {
        EXPECT_NE(std::string(e.what()).find("cannot create directory '" + path("a-file") + "'"), std::string::npos)
            << e.what();
    }
}

TEST_F(FeedExportTest, AFeedWithoutItemsIsLeftEmptyUnlessStoreEmpty)
{
    auto crawler = this->crawler(R"({"{dir}/empty.json": {}, "{dir}/stored.json": {"store_empty": true},
                                     "{dir}/stored.xml": {"store_empty": true}})");
    {
        auto extension = FeedExport::from_crawler(*crawler);
        crawl(*crawler, {});
    }
    EXPECT_EQ(read_file(path("empty.json")), "");
    EXPECT_EQ(read_file(path("stored.json")), "[\n\n]");
    EXPECT_EQ(read_file(path("stored.xml")), "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<items>\n</items>");
    EXPECT_EQ(crawler->stats().get_number("feedexport/success_count/FileFeedStorage"), 2);
}

TEST_F(FeedExportTest, ItemClassesSelectKinds)
{
    auto crawler = this->crawler(R"({"{dir}/quotes.jsonl": {"item_classes": ["quote"]}, "{dir}/all.jsonl": {}})");
    {
        auto extension = FeedExport::from_crawler(*crawler);
        crawl(*crawler, {item_from(R"({"q": 1})", "quote"), item_from(R"({"a": 2})", "author")});
    }
    EXPECT_EQ(read_file(path("quotes.jsonl")), "{\"q\": 1}\n");
    EXPECT_EQ(read_file(path("all.jsonl")), "{\"q\": 1}\n{\"a\": 2}\n");
}

TEST_F(FeedExportTest, ExporterOptionsFromTheSettings)
{
    auto crawler = this->crawler(
        R"({"{dir}/items.csv": {"item_export_kwargs": {"join_multivalued": "|"}}, "{dir}/items.json": {}})",
        {{"FEED_EXPORT_FIELDS", json::parse(R"({"b": "B", "a": "A"})")}, {"FEED_EXPORT_ENCODING", "utf-8"}});
    {
        auto extension = FeedExport::from_crawler(*crawler);
        crawl(*crawler, {item_from(R"({"a": ["x", "y"], "b": "\u00e9", "c": 3})")});
    }
    EXPECT_EQ(read_file(path("items.csv")), "B,A\r\n\xc3\xa9,x|y\r\n");
    EXPECT_EQ(read_file(path("items.json")), "[\n{\"B\": \"\xc3\xa9\", \"A\": [\"x\", \"y\"]}\n]");
}

TEST_F(FeedExportTest, RefusedExporterOptionsFailAtStartUp)
{
    auto crawler = this->crawler(R"({"{dir}/items.xml": {"encoding": "latin1"}})");
    EXPECT_THROW(FeedExport::from_crawler(*crawler), SettingsError);
    crawler = this->crawler(R"({"{dir}/items.xml": {"item_export_kwargs": {"pretty": true}}})");
    EXPECT_THROW(FeedExport::from_crawler(*crawler), SettingsError);
}

TEST_F(FeedExportTest, ACrawlThatNeverClosedStillGetsACompleteFile)
{
    auto crawler = this->crawler(R"({"{dir}/items.json": {}})");
    {
        auto extension = FeedExport::from_crawler(*crawler);
        crawler->signals().send(SpiderOpened{});
        crawler->signals().send(ItemScraped{item_from(R"({"n": 1})")});
        // The crawl failed: no SpiderClosed; the engine destroys the extension.
    }
    EXPECT_EQ(read_file(path("items.json")), "[\n{\"n\": 1}\n]");
}

TEST_F(FeedExportTest, SpiderClosedTwiceClosesOnce)
{
    auto crawler = this->crawler(R"({"{dir}/items.json": {}})");
    auto extension = FeedExport::from_crawler(*crawler);
    crawl(*crawler, {item_from(R"({"n": 1})")});
    crawler->signals().send(SpiderClosed{"shutdown"});
    crawler->signals().send(ItemScraped{item_from(R"({"late": 1})")});
    extension.reset();
    EXPECT_EQ(read_file(path("items.json")), "[\n{\"n\": 1}\n]");
    EXPECT_EQ(crawler->stats().get_number("feedexport/success_count/FileFeedStorage"), 1);
}

TEST_F(FeedExportTest, WriteErrorsAreReportedAndTheCrawlGoesOn)
{
    if (!fs::exists("/dev/full")) {
        GTEST_SKIP() << "no /dev/full";
    }
    auto crawler = this->crawler(R"({"/dev/full": {"format": "jsonlines", "overwrite": true}})");
    LogCapture log;
    {
        auto extension = FeedExport::from_crawler(*crawler);
        crawl(*crawler, {item_from(R"({"n": 1})"), item_from(R"({"n": 2})")});
    }
    EXPECT_EQ(crawler->stats().get_number("feedexport/failed_count/FileFeedStorage"), 1);
    EXPECT_FALSE(crawler->stats().get_value("feedexport/success_count/FileFeedStorage"));
    EXPECT_TRUE(log.contains("Error storing jsonlines feed (2 items) in: /dev/full: No space left on device"));
}

} // namespace
} // namespace trawl
