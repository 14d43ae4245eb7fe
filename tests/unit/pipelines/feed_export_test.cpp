// The "feedexport" extension end to end: FEEDS in the settings, the
// signals a crawl sends, the files on disk.

#include "feed_export_test_support.hpp"

#include "extensions/builtin_extensions.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <chrono>
#include <thread>
#include <unistd.h>

namespace trawl {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using test::item_from;
using test::LogCapture;
using test::read_file;
using test::write_file;
using FeedExportTest = test::FeedExportTest;

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
    const auto error_of = [&](const std::string& feeds) -> std::string {
        auto crawler = this->crawler(feeds);
        try {
            FeedExport::from_crawler(*crawler);
        } catch (const SettingsError& e) {
            return e.what();
        }
        return "no error";
    };
    EXPECT_EQ(error_of(R"({"{dir}/a-directory": {"format": "json"}})"),
              "project settings: FEEDS: '" + path("a-directory") + "': cannot open '" + path("a-directory") +
                  "' for writing: Is a directory");
    EXPECT_EQ(error_of(R"({"{dir}/a-file/items.json": {}})"),
              "project settings: FEEDS: '" + path("a-file/items.json") + "': cannot open '" +
                  path("a-file/items.json") + "' for writing: Not a directory");
    EXPECT_NE(error_of(R"({"{dir}/a-file/deeper/items.json": {}})").find("Not a directory"), std::string::npos);

    // Permissions: root passes them all, but not a read-only mount.
    if (::geteuid() != 0) {
        fs::create_directory(path("read-only"));
        fs::permissions(path("read-only"), fs::perms::owner_read | fs::perms::owner_exec);
        EXPECT_EQ(error_of(R"({"{dir}/read-only/items.json": {}})"),
                  "project settings: FEEDS: '" + path("read-only/items.json") + "': cannot create '" +
                      path("read-only/items.json") + "': Permission denied");
        EXPECT_NE(error_of(R"({"{dir}/read-only/sub/items.json": {}})")
                      .find("cannot create directory '" + path("read-only/sub") + "': Permission denied"),
                  std::string::npos);
        fs::permissions(path("read-only"), fs::perms::owner_all);
    }
    if (fs::is_directory("/sys/kernel")) {
        const auto error = error_of(R"({"/sys/kernel/trawl-feed-test.jsonl": {}})");
        EXPECT_TRUE(error.find("cannot create '/sys/kernel/trawl-feed-test.jsonl': ") != std::string::npos ||
                    error == "no error")
            << error;
        EXPECT_FALSE(fs::exists("/sys/kernel/trawl-feed-test.jsonl"));
    }
}

TEST_F(FeedExportTest, NothingIsCreatedOrTruncatedBeforeTheSpiderOpens)
{
    write_file(path("old.jsonl"), "{\"old\": 1}\n");
    const auto old_time = fs::last_write_time(path("old.jsonl"));
    auto crawler = this->crawler(R"({"{dir}/old.jsonl": {"overwrite": true}, "{dir}/new.jsonl": {},
                                     "{dir}/deep/er/new.json": {"overwrite": true}})");
    {
        // The checks ran (and passed); the spider then failed to open (a
        // missing -a argument): no SpiderOpened, no SpiderClosed.
        auto extension = FeedExport::from_crawler(*crawler);
    }
    EXPECT_EQ(read_file(path("old.jsonl")), "{\"old\": 1}\n");
    EXPECT_EQ(fs::last_write_time(path("old.jsonl")), old_time);
    EXPECT_FALSE(fs::exists(path("new.jsonl")));
    EXPECT_FALSE(fs::exists(path("deep")));

    // A crawl that opens creates them all, the directories too, even
    // without items.
    {
        auto extension = FeedExport::from_crawler(*crawler);
        crawl(*crawler, {});
    }
    EXPECT_EQ(read_file(path("old.jsonl")), "");
    EXPECT_TRUE(fs::exists(path("new.jsonl")));
    EXPECT_TRUE(fs::exists(path("deep/er/new.json")));
}

TEST_F(FeedExportTest, UnicodeNestedLargeAndInvalidUtf8Values)
{
    auto crawler = this->crawler(R"({"{dir}/items.jsonl": {}, "{dir}/utf8.jsonl": {"encoding": "utf-8"},
                                     "{dir}/items.json": {}, "{dir}/items.csv": {}, "{dir}/items.xml": {},
                                     "{dir}/clean.jsonl": {"fields": ["uni"]}})");
    const std::string large(1 << 20, 'L');
    Item first{"thing"};
    first["uni"] = "caf\xc3\xa9 \xf0\x9f\x8e\x89";
    first["nested"] = json::parse(R"({"a": [1, {"b": null}], "c": {"d": [true, 2.5]}})");
    first["large"] = large;
    Item second{"thing"};
    second["uni"] = "ok";
    second["nested"] = json::array{"x\xff"};
    second["large"] = "bin\x80\x81";
    LogCapture log;
    {
        auto extension = FeedExport::from_crawler(*crawler);
        crawl(*crawler, {first, second, second});
    }
    const std::string first_line = "{\"uni\": \"caf\\u00e9 \\ud83c\\udf89\", \"nested\": {\"a\": [1, {\"b\": null}], "
                                   "\"c\": {\"d\": [true, 2.5]}}, \"large\": \"" + large + "\"}\n";
    const std::string second_line = "{\"uni\": \"ok\", \"nested\": [\"x\\udcff\"], \"large\": \"bin\\udc80\\udc81\"}\n";
    EXPECT_EQ(read_file(path("items.jsonl")), first_line + second_line + second_line);
    EXPECT_TRUE(read_file(path("utf8.jsonl")).starts_with("{\"uni\": \"caf\xc3\xa9 \xf0\x9f\x8e\x89\", \"n"));
    const auto array = read_file(path("items.json"));
    EXPECT_EQ(array, "[\n" + first_line.substr(0, first_line.size() - 1) + ",\n" +
                         second_line.substr(0, second_line.size() - 1) + ",\n" +
                         second_line.substr(0, second_line.size() - 1) + "\n]");
    // The clean parts read back as they were.
    const auto parsed = json::parse(read_file(path("items.jsonl")).substr(0, first_line.size()));
    EXPECT_EQ(parsed.at("large").as_string().size(), large.size());
    EXPECT_EQ(parsed.at("nested"), first["nested"]);
    EXPECT_EQ(parsed.at("uni"), first["uni"]);

    const auto csv = read_file(path("items.csv"));
    EXPECT_NE(csv.find("x\xff,bin\x80\x81\r\n"), std::string::npos) << csv.substr(csv.size() - 60);
    EXPECT_TRUE(csv.ends_with(large + "\r\nok,x\xff,bin\x80\x81\r\nok,x\xff,bin\x80\x81\r\n"));
    const auto xml = read_file(path("items.xml"));
    EXPECT_NE(xml.find("<item><uni>ok</uni><nested><value encoding=\"base64\">eP8=</value></nested>"
                       "<large encoding=\"base64\">YmlugIE=</large></item>"),
              std::string::npos);
    EXPECT_NE(xml.find("<large>" + large + "</large>"), std::string::npos);

    // One warning per feed that escaped something, not per item.
    const auto lines = log.lines();
    for (const char* feed : {"items.jsonl", "utf8.jsonl", "items.json", "items.csv", "items.xml"}) {
        EXPECT_EQ(std::count_if(lines.begin(), lines.end(),
                                [&](const std::string& line) {
                                    return line.starts_with("Feed " + path(feed) + ": items hold text that is not "
                                                            "valid UTF-8");
                                }),
                  1)
            << feed;
    }
    EXPECT_EQ(std::count_if(lines.begin(), lines.end(),
                            [&](const std::string& line) { return line.starts_with("Feed " + path("clean.jsonl")); }),
              0);
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
