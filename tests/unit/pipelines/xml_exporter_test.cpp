#include "exporter_test_support.hpp"

#include "xml_exporter.hpp"

#include <gtest/gtest.h>

namespace trawl {
namespace {

namespace json = boost::json;

using test::item_from;
using test::run_exporter;
using test::sample_items;

// Scrapy 2.8's XmlItemExporter writes the same bytes except in <ctrl>,
// where it writes "a\x01b\x7f\tc\r" (U+0001 is not allowed in XML; a raw
// \r would be read back as \n).
const std::string declaration = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";
const std::string first_fields =
    "<text>He said \"hi\", then\nleft</text><n>3</n><f>1.5</f><b>True</b><none>None</none>"
    "<tags><value>a</value><value>b,c</value></tags>"
    "<nested><k><value>1</value><value><x>y</x></value></k><e></e><o></o></nested>"
    "<uni>caf\xc3\xa9 \xe2\x80\x93 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x8e\x89</uni><ctrl>ab\x7f\tc&#13;</ctrl>";
const std::string second_fields =
    "<n>-2</n><text>second</text><extra>1e+16</extra><small>1e-05</small><big>12345678901234567890</big>";

TEST(XmlExporterTest, OneItemPerLineByDefaultAsScrapy)
{
    const std::string expected = declaration + "<items>\n<item>" + first_fields + "</item>\n<item>" + second_fields +
                                 "</item>\n</items>";
    EXPECT_EQ(run_exporter<XmlExporter>(sample_items()), expected);
    EXPECT_EQ(run_exporter<XmlExporter>(sample_items(), test::utf8()), expected);
}

TEST(XmlExporterTest, NoIndentWritesOneLine)
{
    EXPECT_EQ(run_exporter<XmlExporter>(sample_items(), test::indented(std::nullopt)),
              declaration + "<items><item>" + first_fields + "</item><item>" + second_fields + "</item></items>");
}

TEST(XmlExporterTest, PositiveIndentPutsEveryElementOnItsLine)
{
    EXPECT_EQ(run_exporter<XmlExporter>(sample_items(), test::indented(2)),
              declaration +
                  "<items>\n  <item>\n    <text>He said \"hi\", then\nleft</text>\n    <n>3</n>\n    <f>1.5</f>\n"
                  "    <b>True</b>\n    <none>None</none>\n"
                  "    <tags>\n      <value>a</value>\n      <value>b,c</value>\n    </tags>\n"
                  "    <nested>\n      <k>\n        <value>1</value>\n        <value>\n          <x>y</x>\n"
                  "        </value>\n      </k>\n      <e>\n      </e>\n      <o>\n      </o>\n    </nested>\n"
                  "    <uni>caf\xc3\xa9 \xe2\x80\x93 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x8e\x89</uni>\n"
                  "    <ctrl>ab\x7f\tc&#13;</ctrl>\n  </item>\n"
                  "  <item>\n    <n>-2</n>\n    <text>second</text>\n    <extra>1e+16</extra>\n"
                  "    <small>1e-05</small>\n    <big>12345678901234567890</big>\n  </item>\n</items>");
}

TEST(XmlExporterTest, EscapesMarkupButNotQuotes)
{
    EXPECT_EQ(run_exporter<XmlExporter>({item_from(R"({"a": "x < y && z > \"w\" 'v' ]]>"})")}),
              declaration + "<items>\n<item><a>x &lt; y &amp;&amp; z &gt; \"w\" 'v' ]]&gt;</a></item>\n</items>");
}

TEST(XmlExporterTest, RemovesCharactersXmlForbids)
{
    Item item{"thing"};
    constexpr char text[] = "\x00\x01\x08\x0b\x0c\x1f ok \xef\xbf\xbe\xef\xbf\xbf \xef\xbf\xbd";
    item["a"] = std::string(text, sizeof text - 1);
    EXPECT_EQ(run_exporter<XmlExporter>({item}),
              declaration + "<items>\n<item><a> ok  \xef\xbf\xbd</a></item>\n</items>");
}

TEST(XmlExporterTest, InvalidUtf8IsWrittenInBase64AndMarked)
{
    Item item{"thing"};
    item["a"] = "ab\xff";
    item["b"] = json::array{"ok", "\xc3"};
    item["c"] = "<clean>";
    EXPECT_EQ(run_exporter<XmlExporter>({item}),
              declaration + "<items>\n<item><a encoding=\"base64\">YWL/</a><b><value>ok</value>"
                            "<value encoding=\"base64\">ww==</value></b><c>&lt;clean&gt;</c></item>\n</items>");
    StringSink sink;
    XmlExporter exporter(sink, {});
    exporter.export_item(item);
    EXPECT_EQ(exporter.escaped_strings(), 2u);
}

TEST(XmlExporterTest, InvalidFieldNamesAreMadeNames)
{
    EXPECT_EQ(XmlExporter::element_name("title"), "title");
    EXPECT_EQ(XmlExporter::element_name("price ($)"), "price____");
    EXPECT_EQ(XmlExporter::element_name("2nd"), "_2nd");
    EXPECT_EQ(XmlExporter::element_name("-x.y"), "_-x.y");
    EXPECT_EQ(XmlExporter::element_name("ns:tag"), "ns_tag");
    EXPECT_EQ(XmlExporter::element_name(""), "_");
    EXPECT_EQ(XmlExporter::element_name("<a>"), "_a_");
    EXPECT_EQ(XmlExporter::element_name("caf\xc3\xa9_\xe6\x97\xa5"), "caf\xc3\xa9_\xe6\x97\xa5");
    EXPECT_EQ(XmlExporter::element_name("a\xff"), "a_");
    EXPECT_EQ(run_exporter<XmlExporter>({item_from(R"j({"price ($)": 1, "2nd": {"a b": [true]}})j")}),
              declaration +
                  "<items>\n<item><price____>1</price____><_2nd><a_b><value>True</value></a_b></_2nd></item>\n"
                  "</items>");
}

TEST(XmlExporterTest, MissingFieldsWithExportEmptyFieldsAreEmptyElements)
{
    // Scrapy: fields_to_export=["n", "missing"], export_empty_fields=True, indent=None.
    FeedExporterOptions options = test::indented(std::nullopt);
    options.fields = test::fields({{"n", "n"}, {"missing", "missing"}});
    options.export_empty_fields = true;
    EXPECT_EQ(run_exporter<XmlExporter>(sample_items(), options),
              declaration +
                  "<items><item><n>3</n><missing></missing></item><item><n>-2</n><missing></missing></item></items>");
}

TEST(XmlExporterTest, ElementOptions)
{
    FeedExporterOptions options;
    options.kwargs["item_element"] = "quote";
    options.kwargs["root_element"] = "quotes";
    EXPECT_EQ(run_exporter<XmlExporter>({item_from(R"({"a": 1})")}, options),
              declaration + "<quotes>\n<quote><a>1</a></quote>\n</quotes>");
    EXPECT_EQ(run_exporter<XmlExporter>({}, options), declaration + "<quotes>\n</quotes>");
}

} // namespace
} // namespace trawl
