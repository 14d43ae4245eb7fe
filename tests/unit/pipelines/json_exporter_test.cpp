#include "exporter_test_support.hpp"

#include "json_exporter.hpp"

#include <boost/json/parse.hpp>

#include <gtest/gtest.h>

#include <limits>

namespace trawl {
namespace {

using test::item_from;
using test::run_exporter;
using test::sample_items;

// Expected bytes: Scrapy 2.8's JsonItemExporter on the same items.
const std::string first_ascii =
    R"({"text": "He said \"hi\", then\nleft", "n": 3, "f": 1.5, "b": true, "none": null, )"
    R"("tags": ["a", "b,c"], "nested": {"k": [1, {"x": "y"}], "e": [], "o": {}}, )"
    R"("uni": "caf\u00e9 \u2013 \u65e5\u672c \ud83c\udf89", "ctrl": "a\u0001b\u007f\tc\r"})";
const std::string second =
    R"({"n": -2, "text": "second", "extra": 1e+16, "small": 1e-05, "big": 12345678901234567890})";

TEST(JsonExporterTest, OneItemPerLineByDefaultAsScrapy)
{
    EXPECT_EQ(run_exporter<JsonExporter>(sample_items()), "[\n" + first_ascii + ",\n" + second + "\n]");
}

TEST(JsonExporterTest, Utf8WhenTheEncodingIsSet)
{
    EXPECT_EQ(run_exporter<JsonExporter>(sample_items(), test::utf8()),
              "[\n"
              R"({"text": "He said \"hi\", then\nleft", "n": 3, "f": 1.5, "b": true, "none": null, )"
              R"("tags": ["a", "b,c"], "nested": {"k": [1, {"x": "y"}], "e": [], "o": {}}, )"
              "\"uni\": \"caf\xc3\xa9 \xe2\x80\x93 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x8e\x89\", "
              "\"ctrl\": \"a\\u0001b\x7f\\tc\\r\"},\n" +
                  second + "\n]");
}

TEST(JsonExporterTest, NoIndentWritesOneLine)
{
    EXPECT_EQ(run_exporter<JsonExporter>(sample_items(), test::indented(std::nullopt)),
              "[" + first_ascii + "," + second + "]");
}

TEST(JsonExporterTest, PositiveIndentPrettyPrintsAsJsonDumps)
{
    EXPECT_EQ(run_exporter<JsonExporter>(sample_items(), test::indented(2)),
              "[\n{\n"
              "  \"text\": \"He said \\\"hi\\\", then\\nleft\",\n"
              "  \"n\": 3,\n  \"f\": 1.5,\n  \"b\": true,\n  \"none\": null,\n"
              "  \"tags\": [\n    \"a\",\n    \"b,c\"\n  ],\n"
              "  \"nested\": {\n    \"k\": [\n      1,\n      {\n        \"x\": \"y\"\n      }\n    ],\n"
              "    \"e\": [],\n    \"o\": {}\n  },\n"
              "  \"uni\": \"caf\\u00e9 \\u2013 \\u65e5\\u672c \\ud83c\\udf89\",\n"
              "  \"ctrl\": \"a\\u0001b\\u007f\\tc\\r\"\n},\n"
              "{\n  \"n\": -2,\n  \"text\": \"second\",\n  \"extra\": 1e+16,\n  \"small\": 1e-05,\n"
              "  \"big\": 12345678901234567890\n}\n]");
}

TEST(JsonExporterTest, NoItemsIsAnEmptyArray)
{
    const auto out = run_exporter<JsonExporter>({});
    EXPECT_EQ(out, "[\n\n]");
    EXPECT_TRUE(boost::json::parse(out).as_array().empty());
}

TEST(JsonExporterTest, ParsesBackToTheSameItems)
{
    for (const auto& options : {FeedExporterOptions{}, test::utf8(), test::indented(4), test::indented({})}) {
        const auto items = sample_items();
        const auto parsed = boost::json::parse(run_exporter<JsonExporter>(items, options));
        ASSERT_TRUE(parsed.is_array());
        ASSERT_EQ(parsed.as_array().size(), items.size());
        for (std::size_t i = 0; i < items.size(); ++i) {
            EXPECT_EQ(parsed.as_array()[i].as_object(), items[i].fields()) << i;
        }
    }
}

TEST(JsonExporterTest, NonFiniteNumbersAreNullSoTheDocumentStaysJson)
{
    Item item{"thing"};
    item["nan"] = std::numeric_limits<double>::quiet_NaN();
    item["inf"] = -std::numeric_limits<double>::infinity();
    const auto out = run_exporter<JsonExporter>({item});
    EXPECT_EQ(out, "[\n{\"nan\": null, \"inf\": null}\n]");
    EXPECT_NO_THROW(boost::json::parse(out));
}

TEST(JsonExporterTest, FieldsWithExportEmptyFields)
{
    // Scrapy: fields_to_export={"n": "N", "missing": "M"}, indent=None.
    FeedExporterOptions options = test::indented(std::nullopt);
    options.fields = test::fields({{"n", "N"}, {"missing", "M"}});
    EXPECT_EQ(run_exporter<JsonExporter>(sample_items(), options), R"([{"N": 3},{"N": -2}])");
    options.export_empty_fields = true;
    EXPECT_EQ(run_exporter<JsonExporter>(sample_items(), options), R"([{"N": 3, "M": null},{"N": -2, "M": null}])");
}

TEST(JsonExporterTest, IsNotAppendable)
{
    StringSink sink;
    EXPECT_FALSE(JsonExporter(sink, {}).appendable());
}

} // namespace
} // namespace trawl
