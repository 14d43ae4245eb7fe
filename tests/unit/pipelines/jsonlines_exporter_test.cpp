#include "exporter_test_support.hpp"

#include "jsonlines_exporter.hpp"

#include <gtest/gtest.h>

namespace trawl {
namespace {

namespace json = boost::json;

using test::item_from;
using test::run_exporter;
using test::sample_items;

// Expected bytes: Scrapy 2.8's JsonLinesItemExporter on the same items.
const std::string second_line =
    R"({"n": -2, "text": "second", "extra": 1e+16, "small": 1e-05, "big": 12345678901234567890})" "\n";

TEST(JsonLinesExporterTest, AsciiByDefaultAsScrapy)
{
    EXPECT_EQ(run_exporter<JsonLinesExporter>(sample_items()),
              R"({"text": "He said \"hi\", then\nleft", "n": 3, "f": 1.5, "b": true, "none": null, )"
              R"("tags": ["a", "b,c"], "nested": {"k": [1, {"x": "y"}], "e": [], "o": {}}, )"
              R"("uni": "caf\u00e9 \u2013 \u65e5\u672c \ud83c\udf89", "ctrl": "a\u0001b\u007f\tc\r"})" "\n" +
                  second_line);
}

TEST(JsonLinesExporterTest, Utf8WhenTheEncodingIsSet)
{
    EXPECT_EQ(run_exporter<JsonLinesExporter>(sample_items(), test::utf8()),
              R"({"text": "He said \"hi\", then\nleft", "n": 3, "f": 1.5, "b": true, "none": null, )"
              R"("tags": ["a", "b,c"], "nested": {"k": [1, {"x": "y"}], "e": [], "o": {}}, )"
              "\"uni\": \"caf\xc3\xa9 \xe2\x80\x93 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x8e\x89\", "
              "\"ctrl\": \"a\\u0001b\x7f\\tc\\r\"}\n" +
                  second_line);
}

TEST(JsonLinesExporterTest, EnsureAsciiOptionOverridesTheEncoding)
{
    FeedExporterOptions options = test::utf8();
    options.kwargs["ensure_ascii"] = true;
    EXPECT_EQ(run_exporter<JsonLinesExporter>({item_from(R"({"a": "\u00e9"})")}, options),
              "{\"a\": \"\\u00e9\"}\n");
}

TEST(JsonLinesExporterTest, IgnoresIndentAndWritesNoOpeningOrClosingBytes)
{
    EXPECT_EQ(run_exporter<JsonLinesExporter>({item_from(R"({"a": [1]})")}, test::indented(4)), "{\"a\": [1]}\n");
    EXPECT_EQ(run_exporter<JsonLinesExporter>({}), "");
}

TEST(JsonLinesExporterTest, FieldsSelectOrderAndRename)
{
    FeedExporterOptions options;
    options.fields = test::fields({{"n", "N"}, {"missing", "M"}, {"text", "text"}});
    EXPECT_EQ(run_exporter<JsonLinesExporter>({item_from(R"({"text": "t", "x": 1, "n": 2})")}, options),
              "{\"N\": 2, \"text\": \"t\"}\n");
    options.export_empty_fields = true;
    EXPECT_EQ(run_exporter<JsonLinesExporter>({item_from(R"({"text": "t", "x": 1, "n": 2})")}, options),
              "{\"N\": 2, \"M\": null, \"text\": \"t\"}\n");
}

TEST(JsonLinesExporterTest, KindIsNotWritten)
{
    EXPECT_EQ(run_exporter<JsonLinesExporter>({Item{"quote"}}), "{}\n");
}

TEST(JsonLinesExporterTest, InvalidUtf8IsEscapedAsPythonSurrogateescape)
{
    // Python: b'a\xff\xe2\x82x\xef\xbf\xbd'.decode('utf-8', 'surrogateescape'),
    // then json.dumps: each invalid byte a lone surrogate \udcNN; the real
    // U+FFFD stays one.
    Item item{"thing"};
    item["s"] = "a\xff\xe2\x82x\xef\xbf\xbd";
    item["k\xc0"] = json::array{"\xed\xa0\x80", 1};
    EXPECT_EQ(run_exporter<JsonLinesExporter>({item}),
              "{\"s\": \"a\\udcff\\udce2\\udc82x\\ufffd\", \"k\\udcc0\": [\"\\udced\\udca0\\udc80\", 1]}\n");
    // A lone surrogate has no UTF-8 form: escaped in UTF-8 output too.
    EXPECT_EQ(run_exporter<JsonLinesExporter>({item}, test::utf8()),
              "{\"s\": \"a\\udcff\\udce2\\udc82x\xef\xbf\xbd\", \"k\\udcc0\": [\"\\udced\\udca0\\udc80\", 1]}\n");

    StringSink sink;
    JsonLinesExporter exporter(sink, {});
    exporter.export_item(test::item_from(R"({"clean": "caf\u00e9"})"));
    EXPECT_EQ(exporter.escaped_strings(), 0u);
    exporter.export_item(item);
    EXPECT_EQ(exporter.escaped_strings(), 3u);  // the value, the key, the list's string
}

TEST(JsonLinesExporterTest, RefusesUnknownOptionsAndEncodings)
{
    StringSink sink;
    FeedExporterOptions options;
    options.kwargs["sort_keys"] = true;
    EXPECT_THROW(JsonLinesExporter(sink, options), std::invalid_argument);
    options = {};
    options.encoding = "latin1";
    EXPECT_THROW(JsonLinesExporter(sink, options), std::invalid_argument);
}

} // namespace
} // namespace trawl
