// Response::selector()/css()/xpath(): the body is parsed lazily, once per
// response whatever the number of copies, queries or threads, as HTML or
// XML according to the Content-Type, and with its charset.

#include <trawl/response.hpp>
#include <trawl/selector.hpp>

#include "select/parse_stats.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace trawl {
namespace {

Response make_response(std::string body, std::string content_type = "text/html; charset=utf-8")
{
    Response::Data data;
    data.url = "https://example.com/page";
    data.body = std::move(body);
    if (!content_type.empty()) {
        data.headers.add("Content-Type", content_type);
    }
    return Response(std::move(data));
}

TEST(ResponseSelector, CssAndXpathOnTheBody)
{
    const auto response = make_response(R"(<html><head><title>T</title></head><body>
        <div class="quote"><span class="text">A</span><a class="tag">x</a><a class="tag">y</a></div>
        <div class="quote"><span class="text">B</span></div>
        <li class="next"><a href="/page/2/">Next</a></li></body></html>)");
    std::vector<std::string> texts;
    for (const auto& quote : response.css("div.quote")) {
        texts.push_back(quote.css("span.text::text").get().value_or(""));
    }
    EXPECT_EQ(texts, (std::vector<std::string>{"A", "B"}));
    EXPECT_EQ(response.css("a.tag::text").getall(), (std::vector<std::string>{"x", "y"}));
    EXPECT_EQ(response.css("li.next a::attr(href)").get(), "/page/2/");
    EXPECT_EQ(response.xpath("//title/text()").get(), "T");
    EXPECT_EQ(response.selector().base_url(), "https://example.com/page");
}

TEST(ResponseSelector, ParsesOncePerResponse)
{
    const auto response = make_response("<p>one</p><p>two</p>");
    const auto before = detail::document_parse_count();
    const Response copy = response; // copies share the parsed document
    for (int i = 0; i < 5; ++i) {
        EXPECT_EQ(response.css("p").size(), 2u);
        EXPECT_EQ(copy.xpath("//p/text()").get(), "one");
    }
    const Selector a = response.selector();
    const Selector b = copy.selector();
    EXPECT_EQ(a.get(), b.get());
    EXPECT_EQ(detail::document_parse_count() - before, 1u);

    // A response built from a copy of the data is another response.
    Response::Data data;
    data.body = "<p>three</p>";
    const Response other(std::move(data));
    EXPECT_EQ(other.css("p::text").get(), "three");
    EXPECT_EQ(detail::document_parse_count() - before, 2u);
}

TEST(ResponseSelector, NothingIsParsedUntilAsked)
{
    const auto before = detail::document_parse_count();
    const auto response = make_response("<p>x</p>");
    EXPECT_EQ(response.body(), "<p>x</p>");
    EXPECT_EQ(detail::document_parse_count(), before);
}

TEST(ResponseSelector, ConcurrentFirstUseParsesOnce)
{
    std::string body;
    for (int i = 0; i < 2000; ++i) {
        body += "<div class=item><a href='/i/" + std::to_string(i) + "'>item</a></div>";
    }
    const auto response = make_response(body);
    const auto before = detail::document_parse_count();
    std::vector<std::thread> threads;
    std::vector<std::size_t> counts(4);
    for (std::size_t t = 0; t < counts.size(); ++t) {
        threads.emplace_back([&, t] { counts[t] = response.css("div.item a::attr(href)").size(); });
    }
    for (auto& t : threads) {
        t.join();
    }
    EXPECT_EQ(counts, (std::vector<std::size_t>(4, 2000)));
    EXPECT_EQ(detail::document_parse_count() - before, 1u);
}

TEST(ResponseSelector, XmlContentTypeGivesAnXmlDocument)
{
    const auto feed = make_response(R"(<?xml version="1.0"?><rss><channel><Item>a</Item></channel></rss>)",
                                    "application/rss+xml");
    EXPECT_FALSE(feed.selector().is_html());
    EXPECT_EQ(feed.css("Item::text").get(), "a");
    EXPECT_TRUE(feed.css("item").empty()); // XML names are case-sensitive

    const auto xhtml = make_response("<html><body><P>x</P></body></html>", "application/xhtml+xml");
    EXPECT_TRUE(xhtml.selector().is_html());

    const auto sniffed = make_response(R"(<?xml version="1.0"?><urlset><url><loc>u</loc></url></urlset>)", "");
    EXPECT_FALSE(sniffed.selector().is_html());
    EXPECT_EQ(sniffed.xpath("//loc/text()").get(), "u");

    const auto plain = make_response("<p>x</p>", "");
    EXPECT_TRUE(plain.selector().is_html());
}

TEST(ResponseSelector, DecodesTheDeclaredCharset)
{
    // "café" in ISO-8859-1 (read as windows-1252, as browsers do).
    const auto latin1 = make_response("<p>caf\xe9 \x80</p>", "text/html; charset=ISO-8859-1");
    EXPECT_EQ(latin1.css("p::text").get(), "café €");
    const auto quoted = make_response("<p>caf\xe9</p>", "text/html; Charset=\"latin1\"");
    EXPECT_EQ(quoted.css("p::text").get(), "café");
    // Without a charset in the header, a <meta> decides (as in Scrapy,
    // and as for text()): these UTF-8 bytes are read as windows-1252.
    const auto meta = make_response("<meta charset=iso-8859-1><p>caf\xc3\xa9</p>", "text/html");
    EXPECT_EQ(meta.css("p::text").get(), "caf\xc3\x83\xc2\xa9");
    // With no declaration anywhere, UTF-8.
    const auto utf8 = make_response("<p>caf\xc3\xa9</p>", "text/html");
    EXPECT_EQ(utf8.css("p::text").get(), "café");
    // XML without a charset in the header: its declaration decides.
    const auto feed = make_response(R"(<?xml version="1.0" encoding="ISO-8859-1"?><r>caf)" "\xe9</r>", "text/xml");
    EXPECT_EQ(feed.css("r::text").get(), "café");
    // An unknown charset falls back to UTF-8.
    const auto unknown = make_response("<p>caf\xc3\xa9</p>", "text/html; charset=x-no-such-charset");
    EXPECT_EQ(unknown.css("p::text").get(), "café");
}

TEST(ResponseSelector, DefaultResponseHasAnEmptyDocument)
{
    const Response empty;
    EXPECT_EQ(empty.selector().name(), "html");
    EXPECT_TRUE(empty.css("p").empty());
}

TEST(ResponseSelector, OversizedBodyThrowsAndStaysRetryable)
{
    const auto response = make_response(std::string(Selector::max_document_size + 1, 'x'));
    EXPECT_THROW(response.selector(), std::length_error);
    EXPECT_THROW(response.css("p"), std::length_error);
}

} // namespace
} // namespace trawl
