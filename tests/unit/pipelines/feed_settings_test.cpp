#include "exporter_test_support.hpp"

#include "extensions/feed_settings.hpp"

#include <trawl/spider.hpp>

#include <boost/json/parse.hpp>

#include <gtest/gtest.h>

#include <chrono>

namespace trawl {
namespace {

namespace json = boost::json;
using namespace std::chrono;

const system_clock::time_point start_time =
    sys_days{year{2024} / 5 / 1} + hours{12} + minutes{3} + seconds{4} + microseconds{567};

std::vector<FeedConfig> read(std::string_view feeds,
                             std::initializer_list<std::pair<const char*, json::value>> settings_values = {})
{
    Settings settings;
    settings.set("FEEDS", json::parse(feeds));
    for (const auto& [name, value] : settings_values) {
        settings.set(name, value);
    }
    Spider spider;
    spider.name = "quotes";
    spider.arguments = {{"category", "books"}};
    return read_feed_configs(settings, spider, start_time);
}

std::string error_of(std::string_view feeds, std::initializer_list<std::pair<const char*, json::value>> values = {})
{
    try {
        read(feeds, values);
    } catch (const SettingsError& e) {
        return e.what();
    }
    return "no error";
}

TEST(FeedSettingsTest, PlaceholdersAsPythonPercentFormatting)
{
    const std::map<std::string, std::string> params{{"name", "quotes"}, {"batch_id", "7"}};
    EXPECT_EQ(substitute_uri_params("out/%(name)s.json", params), "out/quotes.json");
    EXPECT_EQ(substitute_uri_params("%(batch_id)05d-%(batch_id)d-%(name)10s", params), "00007-7-    quotes");
    EXPECT_EQ(substitute_uri_params("100%%-%(name)s", params), "100%-quotes");
    // Not placeholders: percent-encoding and a lone '%' stay.
    EXPECT_EQ(substitute_uri_params("file:///tmp/a%20b%", params), "file:///tmp/a%20b%");
    EXPECT_THROW(substitute_uri_params("%(nope)s", params), std::invalid_argument);
    EXPECT_THROW(substitute_uri_params("%(name)x", params), std::invalid_argument);
    EXPECT_THROW(substitute_uri_params("%(name)d", params), std::invalid_argument);
}

TEST(FeedSettingsTest, ReadsEachFeed)
{
    const auto feeds = read(R"({
        "out/%(name)s-%(category)s-%(time)s.jl": {},
        "file:///tmp/a%20b.csv": {"fields": {"a": "A", "b": "B"}},
        "file://localhost/tmp/c.json": {"overwrite": true},
        "stdout:": {"format": "json"},
        "x.data": {"format": "xml", "overwrite": true, "indent": null, "encoding": "utf-8", "store_empty": true,
                   "item_classes": ["quote"], "item_export_kwargs": {"export_empty_fields": true, "item_element": "q"}}
    })");
    ASSERT_EQ(feeds.size(), 5u);

    EXPECT_EQ(feeds[0].uri, "out/quotes-books-2024-05-01T12-03-04.jl");
    EXPECT_EQ(feeds[0].storage, "file");
    EXPECT_EQ(feeds[0].path, "out/quotes-books-2024-05-01T12-03-04.jl");
    EXPECT_EQ(feeds[0].format, "jl");
    EXPECT_EQ(feeds[0].exporter, "jsonlines");
    EXPECT_FALSE(feeds[0].overwrite);
    EXPECT_FALSE(feeds[0].store_empty);
    EXPECT_EQ(feeds[0].options.indent, 0);
    EXPECT_EQ(feeds[0].options.encoding, std::nullopt);
    EXPECT_EQ(feeds[0].options.fields, std::nullopt);

    EXPECT_EQ(feeds[1].path, "/tmp/a b.csv");
    EXPECT_EQ(feeds[1].exporter, "csv");
    EXPECT_EQ(feeds[1].options.fields, test::fields({{"a", "A"}, {"b", "B"}}));

    EXPECT_EQ(feeds[2].path, "/tmp/c.json");
    EXPECT_TRUE(feeds[2].overwrite);

    EXPECT_EQ(feeds[3].storage, "stdout");
    EXPECT_EQ(feeds[3].exporter, "json");

    EXPECT_EQ(feeds[4].exporter, "xml");
    EXPECT_TRUE(feeds[4].overwrite);
    EXPECT_TRUE(feeds[4].store_empty);
    EXPECT_EQ(feeds[4].options.indent, std::nullopt);
    EXPECT_EQ(feeds[4].options.encoding, "utf-8");
    EXPECT_EQ(feeds[4].item_classes, std::vector<std::string>{"quote"});
    EXPECT_TRUE(feeds[4].options.export_empty_fields);
    EXPECT_EQ(feeds[4].options.kwargs, (json::object{{"item_element", "q"}}));
}

TEST(FeedSettingsTest, BatchTimeHasMicroseconds)
{
    EXPECT_EQ(read(R"({"%(batch_time)s.jsonl": {}})")[0].uri, "2024-05-01T12-03-04.000567.jsonl");
}

TEST(FeedSettingsTest, BatchesNeedABatchPlaceholder)
{
    const std::string says = "%(batch_time)s or %(batch_id)d must be in the feed URI if FEED_EXPORT_BATCH_ITEM_COUNT "
                             "setting or FEEDS.batch_item_count is specified and greater than 0";
    EXPECT_EQ(error_of(R"({"a.json": {"batch_item_count": 10}})"), "project settings: FEEDS: 'a.json': " + says);
    EXPECT_EQ(error_of(R"({"b.jsonl": {}})", {{"FEED_EXPORT_BATCH_ITEM_COUNT", 5}}),
              "project settings: FEEDS: 'b.jsonl': " + says);
    EXPECT_NE(error_of(R"({"a-%(batch_id)d.json": {"batch_item_count": -1}})").find("expected a count >= 0"),
              std::string::npos);
    EXPECT_NE(error_of(R"({"a-%(batch_id)d.json": {"batch_item_count": "2"}})").find("expected an integer"),
              std::string::npos);

    const auto feeds = read(R"({"a-%(batch_id)05d.json": {"batch_item_count": 3}, "%(batch_time)s.csv": {},
                                "c.jsonl": {"batch_item_count": 0}})",
                            {{"FEED_EXPORT_BATCH_ITEM_COUNT", 7}});
    EXPECT_EQ(feeds[0].batch_item_count, 3);
    EXPECT_EQ(feeds[0].uri, "a-00001.json");
    EXPECT_EQ(feeds[1].batch_item_count, 7);
    EXPECT_EQ(feeds[2].batch_item_count, 0);

    // Later batches: the id counts up, batch_time is the batch's own, the
    // rest (%(time)s, arguments) stays the crawl's.
    const auto more =
        read(R"({"out/%(category)s-%(batch_id)03d-%(time)s-%(batch_time)s.jl": {"batch_item_count": 1}})");
    const auto later = feed_batch_config(more[0], 12, start_time + hours{1});
    EXPECT_EQ(later.uri, "out/books-012-2024-05-01T12-03-04-2024-05-01T13-03-04.000567.jl");
    EXPECT_EQ(later.path, later.uri);
    EXPECT_EQ(more[0].uri, "out/books-001-2024-05-01T12-03-04-2024-05-01T12-03-04.000567.jl");
    EXPECT_EQ(feed_batch_config(read(R"({"file:///tmp/x%20%(batch_id)d.csv": {"batch_item_count": 1}})")[0], 2,
                                start_time)
                  .path,
              "/tmp/x 2.csv");
}

TEST(FeedSettingsTest, SettingsAreTheFallbacks)
{
    const auto feeds = read(R"({"a.json": {}, "b.json": {"fields": ["z"], "encoding": null, "indent": 2}})",
                            {{"FEED_EXPORT_FIELDS", "x, y"},
                             {"FEED_EXPORT_ENCODING", "utf-8"},
                             {"FEED_EXPORT_INDENT", nullptr},
                             {"FEED_STORE_EMPTY", true}});
    EXPECT_EQ(feeds[0].options.fields, test::fields({{"x", "x"}, {"y", "y"}}));
    EXPECT_EQ(feeds[0].options.encoding, "utf-8");
    EXPECT_EQ(feeds[0].options.indent, std::nullopt);
    EXPECT_TRUE(feeds[0].store_empty);
    EXPECT_EQ(feeds[1].options.fields, test::fields({{"z", "z"}}));
    EXPECT_EQ(feeds[1].options.encoding, std::nullopt);
    EXPECT_EQ(feeds[1].options.indent, 2);
}

TEST(FeedSettingsTest, FormatsMapThroughFeedExporters)
{
    FeedExporterRegistry::instance().add("test.upper", [](ByteSink&, const FeedExporterOptions&) {
        return std::unique_ptr<FeedExporter>{};
    });
    const auto feeds = read(R"({"a.up": {}, "b.txt": {"format": "test.upper"}})",
                            {{"FEED_EXPORTERS", json::parse(R"({"up": "test.upper"})")}});
    EXPECT_EQ(feeds[0].format, "up");
    EXPECT_EQ(feeds[0].exporter, "test.upper");
    EXPECT_EQ(feeds[1].exporter, "test.upper");
    EXPECT_NE(error_of(R"({"a.csv": {}})", {{"FEED_EXPORTERS", json::parse(R"({"csv": null})")}}).find("no format"),
              std::string::npos);
}

TEST(FeedSettingsTest, ErrorsNameTheFeedAndTheProblem)
{
    EXPECT_EQ(error_of(R"({"a.json": {"format": "yaml"}})"),
              "project settings: FEEDS: 'a.json': unknown feed format 'yaml' "
              "(known: csv, jl, json, jsonl, jsonlines, xml)");
    EXPECT_EQ(error_of(R"({"a.bin": {}})"),
              "project settings: FEEDS: 'a.bin': no format: set format (csv, jl, json, jsonl, jsonlines, xml) or "
              "use a file extension that names one");
    EXPECT_EQ(error_of(R"({"s3://bucket/a.json": {}})"),
              "project settings: FEEDS: 's3://bucket/a.json': unsupported storage scheme 's3' "
              "(supported: file, stdout)");
    EXPECT_NE(error_of(R"({"file://example.com/a.json": {}})").find("not host 'example.com'"), std::string::npos);
    EXPECT_NE(error_of(R"({"%(nope)s.json": {}})").find("unknown placeholder %(nope)s"), std::string::npos);
    EXPECT_NE(error_of(R"({"a.json": {"overwrite": "yes"}})").find("overwrite: expected true or false"),
              std::string::npos);
    EXPECT_EQ(error_of(R"({"s3://bucket/a.json": {}})", {{"FEED_STORAGES", json::parse(R"({"s3": "test.nope"})")}}),
              "project settings: FEEDS: 's3://bucket/a.json': unsupported storage 'test.nope' for scheme 's3' "
              "(known: file, stdout)");
    EXPECT_NE(error_of(R"({"a.json": {"fields": 3}})").find("fields: expected a list or a dict"), std::string::npos);
    EXPECT_NE(error_of(R"({"a.json": "json"})").find("expected a dict of options"), std::string::npos);
}

} // namespace
} // namespace trawl
