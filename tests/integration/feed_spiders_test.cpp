// XMLFeedSpider and CSVFeedSpider through a real Crawler against the test
// server, which serves the feeds as files: an RSS feed with namespaces read
// by the streaming "iternodes" iterator and by the "xml" one (same items),
// a parse_node that awaits a sub-request, process_results, an Atom feed
// with a prefixed itertag, the "html" iterator, and CSV feeds with quoted
// multi-line fields, bad rows, adapt_response and explicit headers. The
// iterators (XmlNodeIterator, CsvReader) are also checked on their own.

#include "support/collect_pipeline.hpp"
#include "support/test_server.hpp"
#include "support/warning_capture.hpp"

#include <trawl/components.hpp>
#include <trawl/crawler.hpp>
#include <trawl/feed_spiders.hpp>

#include <boost/json/serialize.hpp>

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

namespace trawl::testing {
namespace {

namespace json = boost::json;

constexpr const char* dc_uri = "http://purl.org/dc/elements/1.1/";
constexpr const char* media_uri = "http://search.yahoo.com/mrss/";

std::map<std::string, TestFile> feed_files()
{
    std::map<std::string, TestFile> files;
    // The third item rebinds the dc prefix to another namespace: its
    // creator is not a Dublin Core one, for XPath as for the spider.
    files["/feed.rss"] = TestFile{"application/rss+xml", R"(<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/">
  <channel>
    <title>Test feed</title>
    <item>
      <title>First &amp; best</title>
      <link>{base_url}/page/1</link>
      <dc:creator>Ann</dc:creator>
      <media:content url="{base_url}/img/1.jpg" medium="image"/>
    </item>
    <item>
      <title><![CDATA[Second <b>bold</b>]]></title>
      <link>{base_url}/page/2</link>
      <dc:creator>Bob</dc:creator>
    </item>
    <item xmlns:dc="http://example.com/not-dc">
      <title>Third</title>
      <link>{base_url}/page/3</link>
      <dc:creator>Not Dublin Core</dc:creator>
    </item>
  </channel>
</rss>
)",
                                  std::nullopt, false};
    files["/atom.xml"] = TestFile{"application/atom+xml", R"(<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Atom</title>
  <entry><title>A1</title></entry>
  <entry><title>A2</title></entry>
</feed>
)",
                                  std::nullopt, false};
    // Latin-1 bytes, the encoding named by the Content-Type only, then by
    // the XML declaration only.
    files["/latin1.xml"] = TestFile{"application/xml; charset=ISO-8859-1", "<r><item>caf\xe9</item></r>",
                                    std::nullopt, false};
    files["/declared.xml"] = TestFile{"application/xml",
                                      "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<r><item>na\xefve</item></r>",
                                      std::nullopt, false};
    files["/list.html"] = TestFile{"text/html", "<html><body><ul><li>H1<li>H2</ul></body></html>", std::nullopt,
                                   false};
    files["/data.csv"] = TestFile{"text/csv; charset=utf-8",
                                  "# exported by a tool that adds a comment line\n"
                                  "id,name,notes\n"
                                  "1,Apple,\"red, round\"\n"
                                  "2,\"Banana\",\"long\nand yellow\"\n"
                                  "3,Cherry\n"
                                  "4,\"Dragon \"\"fruit\"\"\",exotic\n"
                                  "\n"
                                  "5,Elder,x",
                                  std::nullopt, false};
    files["/semicolons.csv"] = TestFile{"text/csv", "a;'b;c'\r\n'multi\r\nline';x\r\n", std::nullopt, false};
    return files;
}

/// The RSS feed's items, with a sub-request awaited inside parse_node and
/// a request to a second callback.
class NewsSpider final : public XMLFeedSpider {
public:
    NewsSpider(std::string url, std::string node_iterator)
    {
        name = "news";
        start_urls = {std::move(url)};
        iterator = std::move(node_iterator);
        namespaces = {{"dc", dc_uri}, {"m", media_uri}};
        callback("linked", &NewsSpider::linked);
    }

    Callback parse_node(Response response, Selector node) override
    {
        Item item{"story"};
        item["title"] = node.xpath("title/text()").get().value_or("?");
        const auto creator = node.xpath("dc:creator/text()").get();
        item["creator"] = creator ? json::value(*creator) : json::value(nullptr);
        const auto image = node.xpath("m:content/@url").get();
        item["image"] = image ? json::value(*image) : json::value(nullptr);
        const std::string link = node.xpath("link/text()").get().value_or("");
        // A sub-request: parse() awaits it on parse_node's behalf.
        auto fetched = co_await response.fetch(link);
        item["page_title"] = fetched.has_value() ? fetched->css("title::text").get().value_or("") : "failed";
        co_yield std::move(item);
        Request next{link + "?from=feed"};
        next.callback = "linked";
        co_yield std::move(next);
    }

    std::vector<Output> process_results(const Response& response, std::vector<Output> results) override
    {
        for (auto& result : results) {
            if (auto* item = std::get_if<Item>(&result)) {
                (*item)["feed"] = response.url();
            }
        }
        return results;
    }

    Callback linked(Response response)
    {
        Item item{"linked"};
        item["url"] = response.url();
        co_yield std::move(item);
    }
};

/// One item per node: the string value of `value_xpath` in it.
class NodeTextSpider final : public XMLFeedSpider {
public:
    NodeTextSpider(std::string url, std::string node_iterator, std::string tag, std::string value_xpath)
        : value_xpath_(std::move(value_xpath))
    {
        name = "nodes";
        start_urls = {std::move(url)};
        iterator = std::move(node_iterator);
        itertag = std::move(tag);
    }
    Callback parse_node(Response, Selector node) override
    {
        Item item{"node"};
        item["value"] = node.xpath(value_xpath_).get().value_or("?");
        co_yield std::move(item);
    }

private:
    std::string value_xpath_;
};

class RowsSpider final : public CSVFeedSpider {
public:
    explicit RowsSpider(std::string url)
    {
        name = "rows";
        start_urls = {std::move(url)};
    }

    // Drops a leading "#" comment line, as a real feed may need.
    Response adapt_response(Response response) override
    {
        const auto body = response.body();
        if (!body.starts_with("#")) {
            return response;
        }
        Response::Data data;
        data.url = response.url();
        data.status = response.status();
        data.headers = response.headers();
        data.body = std::string(body.substr(body.find('\n') + 1));
        data.request = response.request();
        return Response{std::move(data)};
    }

    Callback parse_row(Response, std::map<std::string, std::string> row) override
    {
        Item item{"row"};
        for (const auto& [column, value] : row) {
            item[column] = value;
        }
        co_yield std::move(item);
    }
};

class FeedSpiderCrawl : public ::testing::Test {
protected:
    std::string run(std::unique_ptr<Spider> spider)
    {
        collected_.items.clear();
        Settings settings;
        settings.set("LOG_LEVEL", "WARNING", SettingPriority::project);
        crawler_ = std::make_unique<Crawler>(std::move(spider), std::move(settings));
        crawler_->components().add_pipeline(
            "collect", [this](Crawler&) { return std::make_unique<CollectPipeline>(collected_); });
        crawler_->settings().set("ITEM_PIPELINES", json::object{{"collect", 100}}, SettingPriority::project);
        return crawler_->crawl();
    }

    /// The items of `kind`, sorted by their JSON text (the crawl's order is
    /// not fixed).
    std::vector<json::object> items(const std::string& kind)
    {
        std::vector<json::object> out;
        for (const auto& item : collected_.items) {
            if (item.kind() == kind) {
                out.push_back(item.fields());
            }
        }
        std::sort(out.begin(), out.end(),
                  [](const json::object& a, const json::object& b) { return json::serialize(a) < json::serialize(b); });
        return out;
    }

    std::vector<std::string> values()
    {
        std::vector<std::string> out;
        for (const auto& fields : items("node")) {
            out.emplace_back(fields.at("value").as_string());
        }
        return out;
    }

    TestServer server_{TestServerOptions{.files = feed_files()}};
    Collected collected_;
    std::unique_ptr<Crawler> crawler_;
};

TEST_F(FeedSpiderCrawl, RssFeedWithNamespacesGivesTheSameItemsWithIternodesAndXml)
{
    const auto feed = server_.url("/feed.rss");
    EXPECT_EQ(run(std::make_unique<NewsSpider>(feed, "iternodes")), "finished");
    const auto streamed = items("story");
    ASSERT_EQ(streamed.size(), 3u);
    const auto story = [&](const char* title, json::value creator, json::value image, int page) {
        json::object o;
        o["title"] = title;
        o["creator"] = std::move(creator);
        o["image"] = std::move(image);
        o["page_title"] = "Page " + std::to_string(page);
        o["feed"] = feed;
        return o;
    };
    const std::vector<json::object> expected_stories{
        story("First & best", "Ann", json::value(server_.url("/img/1.jpg")), 1),
        story("Second <b>bold</b>", "Bob", nullptr, 2),
        story("Third", nullptr, nullptr, 3),
    };
    auto sorted = expected_stories;
    std::sort(sorted.begin(), sorted.end(),
              [](const json::object& a, const json::object& b) { return json::serialize(a) < json::serialize(b); });
    EXPECT_EQ(streamed, sorted);
    // The requests parse_node yielded reached their own callback (whose
    // items process_results does not see: it is for parse_node's output).
    const auto linked = items("linked");
    ASSERT_EQ(linked.size(), 3u);
    EXPECT_EQ(linked[0], (json::object{{"url", server_.url("/page/1?from=feed")}}));

    EXPECT_EQ(run(std::make_unique<NewsSpider>(feed, "xml")), "finished");
    EXPECT_EQ(items("story"), streamed);
    EXPECT_EQ(items("linked").size(), 3u);
}

TEST_F(FeedSpiderCrawl, PrefixedItertagFindsNamespacedNodes)
{
    for (const char* iterator : {"iternodes", "xml"}) {
        auto spider = std::make_unique<NodeTextSpider>(server_.url("/atom.xml"), iterator, "a:entry", "a:title/text()");
        spider->namespaces = {{"a", "http://www.w3.org/2005/Atom"}};
        EXPECT_EQ(run(std::move(spider)), "finished");
        EXPECT_EQ(values(), (std::vector<std::string>{"A1", "A2"})) << iterator;
        // Without a prefix, itertag means "in no namespace", as //entry does.
        EXPECT_EQ(run(std::make_unique<NodeTextSpider>(server_.url("/atom.xml"), iterator, "entry", "string()")),
                  "finished");
        EXPECT_TRUE(values().empty()) << iterator;
    }
}

TEST_F(FeedSpiderCrawl, IteratorsAgreeOnTheEncoding)
{
    for (const char* iterator : {"iternodes", "xml"}) {
        EXPECT_EQ(run(std::make_unique<NodeTextSpider>(server_.url("/latin1.xml"), iterator, "item", "string()")),
                  "finished");
        EXPECT_EQ(values(), std::vector<std::string>{"caf\u00e9"}) << iterator;
        EXPECT_EQ(run(std::make_unique<NodeTextSpider>(server_.url("/declared.xml"), iterator, "item", "string()")),
                  "finished");
        EXPECT_EQ(values(), std::vector<std::string>{"na\u00efve"}) << iterator;
    }
}

TEST_F(FeedSpiderCrawl, HtmlIteratorParsesAsHtml)
{
    EXPECT_EQ(run(std::make_unique<NodeTextSpider>(server_.url("/list.html"), "html", "li", "string()")), "finished");
    EXPECT_EQ(values(), (std::vector<std::string>{"H1", "H2"}));
}

TEST_F(FeedSpiderCrawl, UnknownIteratorFailsAtStartUp)
{
    EXPECT_THROW(run(std::make_unique<NodeTextSpider>(server_.url("/atom.xml"), "json", "entry", "string()")),
                 std::invalid_argument);
    EXPECT_EQ(server_.requests_served(), 0u);
}

TEST_F(FeedSpiderCrawl, CsvRowsWithQuotedMultilineFieldsAndBadRowsSkipped)
{
    WarningCapture warnings;
    EXPECT_EQ(run(std::make_unique<RowsSpider>(server_.url("/data.csv"))), "finished");
    const auto row = [](const char* id, const char* name, const char* notes) {
        return json::object{{"id", id}, {"name", name}, {"notes", notes}};
    };
    EXPECT_EQ(items("row"), (std::vector<json::object>{row("1", "Apple", "red, round"),
                                                        row("2", "Banana", "long\nand yellow"),
                                                        row("4", "Dragon \"fruit\"", "exotic"),
                                                        row("5", "Elder", "x")}));
    // Line numbers of the adapted text, as csv.reader counts them.
    const auto logged = warnings.lines();
    EXPECT_EQ(std::count(logged.begin(), logged.end(), "ignoring row 5 (length: 2, should be: 3)"), 1) << logged.size();
    EXPECT_EQ(std::count(logged.begin(), logged.end(), "ignoring row 7 (length: 0, should be: 3)"), 1);
}

TEST_F(FeedSpiderCrawl, CsvWithHeadersDelimiterAndQuotechar)
{
    auto spider = std::make_unique<RowsSpider>(server_.url("/semicolons.csv"));
    spider->headers = {"first", "second"};
    spider->delimiter = ';';
    spider->quotechar = '\'';
    EXPECT_EQ(run(std::move(spider)), "finished");
    EXPECT_EQ(items("row"), (std::vector<json::object>{{{"first", "a"}, {"second", "b;c"}},
                                                        {{"first", "multi\r\nline"}, {"second", "x"}}}));
}

// --- the iterators on their own --------------------------------------------

std::vector<std::string> texts(XmlNodeIterator nodes)
{
    std::vector<std::string> out;
    while (auto node = nodes.next()) {
        out.push_back(node->text_content());
    }
    return out;
}

TEST(XmlNodeIterator, MatchesByNamespaceNotByPrefix)
{
    const std::string xml = R"(<root xmlns:p="urn:p" xmlns:q="urn:q">
  <p:thing>1</p:thing><thing>2</thing><q:thing>3</q:thing>
  <x xmlns:p="urn:other"><p:thing>4</p:thing></x>
  <y xmlns="urn:p"><thing>5</thing></y>
</root>)";
    EXPECT_EQ(texts(XmlNodeIterator(xml, "thing")), (std::vector<std::string>{"2"}));
    // The namespace of the document's first declaration of p, whatever
    // prefix an element is written with.
    EXPECT_EQ(texts(XmlNodeIterator(xml, "p:thing")), (std::vector<std::string>{"1", "5"}));
    // A binding the spider registers wins over the document's prefixes.
    EXPECT_EQ(texts(XmlNodeIterator(xml, "p:thing", {{"p", "urn:q"}})), (std::vector<std::string>{"3"}));
    EXPECT_EQ(texts(XmlNodeIterator(xml, "n:thing", {{"n", "urn:p"}})), (std::vector<std::string>{"1", "5"}));
    EXPECT_TRUE(texts(XmlNodeIterator(xml, "z:thing")).empty());
}

TEST(XmlNodeIterator, NodesCarryTheNamespacesTheyUse)
{
    const std::string xml = R"(<rss xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>
<item a="1"><dc:creator>Ann</dc:creator></item></channel></rss>)";
    XmlNodeIterator nodes(xml, "item", {{"d", dc_uri}}, "http://feed.example/rss");
    auto node = nodes.next();
    ASSERT_TRUE(node);
    EXPECT_EQ(node->name(), "item");
    EXPECT_EQ(node->attrib("a"), "1");
    EXPECT_EQ(node->base_url(), "http://feed.example/rss");
    EXPECT_NE(node->get().find("xmlns:dc=\"http://purl.org/dc/elements/1.1/\""), std::string::npos) << node->get();
    EXPECT_EQ(node->xpath("d:creator/text()").get(), "Ann");
    EXPECT_FALSE(nodes.next());
    EXPECT_FALSE(nodes.next());
}

TEST(XmlNodeIterator, StreamsNodesBeforeAnErrorLaterInTheDocument)
{
    // Not well-formed at the end: a tree parser would give nothing; the
    // reader gives what comes before the error, then reports it.
    // (The reader parses in chunks: the error must be beyond the first.)
    const std::string xml =
        "<feed><item>1</item><item>2</item>" + std::string(64 * 1024, ' ') + "\n<item>3</itm></feed>";
    XmlNodeIterator nodes(xml, "item");
    EXPECT_EQ(nodes.next()->text_content(), "1");
    EXPECT_EQ(nodes.next()->text_content(), "2");
    try {
        nodes.next();
        FAIL() << "no error for a mismatched end tag";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("line 2"), std::string::npos) << e.what();
    }
    EXPECT_FALSE(nodes.next());
}

TEST(XmlNodeIterator, ManyNodesOneAtATime)
{
    std::string xml = "<?xml version=\"1.0\"?>\n<rss><channel>\n";
    constexpr int count = 5000;
    for (int i = 0; i < count; ++i) {
        xml += "<item><n>" + std::to_string(i) + "</n><pad>" + std::string(100, 'x') + "</pad></item>\n";
    }
    xml += "</channel></rss>\n";
    XmlNodeIterator nodes(xml, "item");
    int seen = 0;
    while (auto node = nodes.next()) {
        ASSERT_EQ(node->xpath("n/text()").get(), std::to_string(seen));
        ++seen;
    }
    EXPECT_EQ(seen, count);
}

TEST(XmlNodeIterator, NoEntityExpansionAndNoExternalEntities)
{
    std::string secret;
    {
        std::ifstream in("/etc/hostname");
        secret.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
        while (!secret.empty() && (secret.back() == '\n' || secret.back() == ' ')) {
            secret.pop_back();
        }
    }
    const std::string xml = R"(<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/hostname"><!ENTITY lol "lollollollollollollol">]>
<r><item>a&xxe;b&lol;c</item></r>)";
    std::vector<std::string> out;
    EXPECT_NO_THROW(out = texts(XmlNodeIterator(xml, "item")));
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].find("lollol"), std::string::npos) << out[0];
    if (!secret.empty()) {
        EXPECT_EQ(out[0].find(secret), std::string::npos) << out[0];
    }
}

std::vector<std::vector<std::string>> records(std::string_view text, char delimiter = ',', char quotechar = '"',
                                              std::vector<std::size_t>* lines = nullptr)
{
    CsvReader reader(text, delimiter, quotechar);
    std::vector<std::vector<std::string>> out;
    while (auto record = reader.next()) {
        out.push_back(std::move(*record));
        if (lines != nullptr) {
            lines->push_back(reader.line_num());
        }
    }
    return out;
}

using Records = std::vector<std::vector<std::string>>;

// Expected values are what Python 3's csv.reader gives for the same text.
TEST(CsvReader, ReadsAsPythonsCsvModule)
{
    std::vector<std::size_t> lines;
    EXPECT_EQ(records("a,b\n\"multi\nline\",2\n\n3,4", ',', '"', &lines),
              (Records{{"a", "b"}, {"multi\nline", "2"}, {}, {"3", "4"}}));
    EXPECT_EQ(lines, (std::vector<std::size_t>{1, 3, 4, 5}));
    EXPECT_EQ(records("a,b\r\n\"x, y\",\"he said \"\"hi\"\"\"\r\n"), (Records{{"a", "b"}, {"x, y", "he said \"hi\""}}));
    EXPECT_EQ(records("\"ab\"c,d\n"), (Records{{"abc", "d"}}));
    EXPECT_EQ(records("a,\"unterminated\nstill"), (Records{{"a", "unterminated\nstill"}}));
    EXPECT_EQ(records("x,,\n,\n"), (Records{{"x", "", ""}, {"", ""}}));
    EXPECT_EQ(records("\"\",\"\"\n"), (Records{{"", ""}}));
    EXPECT_EQ(records("a;b\n1;\"2;3\"\n"), (Records{{"a;b"}, {"1;\"2;3\""}}));
    EXPECT_EQ(records("a;b\n1;\"2;3\"\n", ';'), (Records{{"a", "b"}, {"1", "2;3"}}));
    EXPECT_EQ(records("a,b\n'x,y',z\n", ',', '\''), (Records{{"a", "b"}, {"x,y", "z"}}));
    EXPECT_EQ(records(" a , b \n"), (Records{{" a ", " b "}}));
    EXPECT_EQ(records(""), Records{});
    // Unlike Python, a lone CR ends a record (old Mac line ends).
    EXPECT_EQ(records("a,b\rc,d\r"), (Records{{"a", "b"}, {"c", "d"}}));
}

TEST(CsvReader, FieldSizeLimit)
{
    const std::string fits = "\"" + std::string(CsvReader::field_size_limit, 'x') + "\"\n";
    EXPECT_EQ(records(fits).at(0).at(0).size(), CsvReader::field_size_limit);
    const std::string over = "\"" + std::string(CsvReader::field_size_limit + 1, 'x') + "\"\n";
    EXPECT_THROW(records(over), std::runtime_error);
}

} // namespace
} // namespace trawl::testing
