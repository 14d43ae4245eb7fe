#include "exporter_test_support.hpp"

#include "csv_exporter.hpp"

#include <gtest/gtest.h>

namespace trawl {
namespace {

using test::item_from;
using test::run_exporter;
using test::sample_items;

TEST(CsvExporterTest, HeaderFromTheFirstItemAndRfc4180Quoting)
{
    // Scrapy 2.8 writes the same bytes except for the nested object, which
    // it writes as Python's repr ({'k': [1, {'x': 'y'}], ...}).
    EXPECT_EQ(run_exporter<CsvExporter>(sample_items()),
              "text,n,f,b,none,tags,nested,uni,ctrl\r\n"
              "\"He said \"\"hi\"\", then\nleft\",3,1.5,True,,\"a,b,c\","
              "\"{\"\"k\"\": [1, {\"\"x\"\": \"\"y\"\"}], \"\"e\"\": [], \"\"o\"\": {}}\","
              "caf\xc3\xa9 \xe2\x80\x93 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x8e\x89,\"a\x01" "b\x7f\tc\r\"\r\n"
              // The second item's other fields are dropped, its missing ones empty.
              "second,-2,,,,,,,\r\n");
}

TEST(CsvExporterTest, FieldsSetTheColumnsAndTheirOrder)
{
    // Scrapy: fields_to_export=["n", "missing", "text"].
    FeedExporterOptions options;
    options.fields = test::fields({{"n", "n"}, {"missing", "missing"}, {"text", "text"}});
    EXPECT_EQ(run_exporter<CsvExporter>(sample_items(), options),
              "n,missing,text\r\n3,,\"He said \"\"hi\"\", then\nleft\"\r\n-2,,second\r\n");
    // Scrapy: fields_to_export={"n": "N", "text": "Text"}.
    options.fields = test::fields({{"n", "N"}, {"text", "Text"}});
    EXPECT_EQ(run_exporter<CsvExporter>(sample_items(), options),
              "N,Text\r\n3,\"He said \"\"hi\"\", then\nleft\"\r\n-2,second\r\n");
}

TEST(CsvExporterTest, ALoneEmptyValueIsQuoted)
{
    EXPECT_EQ(run_exporter<CsvExporter>({item_from(R"({"only": ""})")}), "only\r\n\"\"\r\n");
}

TEST(CsvExporterTest, QuotesOnlyWhatNeedsIt)
{
    EXPECT_EQ(run_exporter<CsvExporter>({item_from(R"({"a": " padded ", "b": "cr\r", "c": "q\"", "d": "x;y"})")}),
              "a,b,c,d\r\n padded ,\"cr\r\",\"q\"\"\",x;y\r\n");
}

TEST(CsvExporterTest, ListsJoinedAndOtherValuesAsJson)
{
    EXPECT_EQ(run_exporter<CsvExporter>({item_from(R"({"s": ["a", "b"], "mixed": [1, "a", true], "e": [],
                                                       "f": 2.0, "big": 1e300, "u": 18446744073709551615})")}),
              "s,mixed,e,f,big,u\r\n\"a,b\",\"[1, \"\"a\"\", true]\",,2.0,1e+300,18446744073709551615\r\n");
}

TEST(CsvExporterTest, Options)
{
    FeedExporterOptions options;
    options.kwargs["join_multivalued"] = "|";
    options.kwargs["delimiter"] = ";";
    EXPECT_EQ(run_exporter<CsvExporter>({item_from(R"({"tags": ["a", "b"], "x": "1;2"})")}, options),
              "tags;x\r\na|b;\"1;2\"\r\n");
    options = {};
    options.kwargs["include_headers_line"] = false;
    EXPECT_EQ(run_exporter<CsvExporter>({item_from(R"({"a": 1})"), item_from(R"({"b": 2, "c": 3})")}, options),
              "1\r\n2,3\r\n");
    StringSink sink;
    options = {};
    options.kwargs["delimiter"] = "ab";
    EXPECT_THROW(CsvExporter(sink, options), std::invalid_argument);
    options = {};
    options.kwargs["quoting"] = 1;
    EXPECT_THROW(CsvExporter(sink, options), std::invalid_argument);
}

TEST(CsvExporterTest, InvalidUtf8IsWrittenAsItIs)
{
    // A CSV file is bytes: the raw bytes are the lossless form. Inside a
    // value written as JSON they are \udcNN escapes, as in the JSON feeds.
    Item item{"thing"};
    item["a\xff"] = "x\xe2\x82,y";
    item["l"] = boost::json::array{"p\xc0", "q"};
    item["o"] = boost::json::object{{"k", "\xfe"}};
    EXPECT_EQ(run_exporter<CsvExporter>({item}),
              "a\xff,l,o\r\n\"x\xe2\x82,y\",\"p\xc0,q\",\"{\"\"k\"\": \"\"\\udcfe\"\"}\"\r\n");
    StringSink sink;
    CsvExporter exporter(sink, {});
    exporter.export_item(item);
    EXPECT_EQ(exporter.escaped_strings(), 4u);  // the header, the value, the list's string, the object's
}

TEST(CsvExporterTest, NoItemsWritesNothing)
{
    EXPECT_EQ(run_exporter<CsvExporter>({}), "");
}

TEST(CsvExporterTest, HeaderNamesAreQuotedToo)
{
    FeedExporterOptions options;
    options.fields = test::fields({{"a", "price, $"}});
    EXPECT_EQ(run_exporter<CsvExporter>({item_from(R"({"a": 1})")}, options), "\"price, $\"\r\n1\r\n");
}

} // namespace
} // namespace trawl
