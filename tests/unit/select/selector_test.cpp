// Selector and SelectorList by hand: the parsel-style API on a quotes page,
// values, errors, limits, XML, regular expressions and threads.

#include <trawl/selector.hpp>


#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>
#include <thread>

namespace trawl {
namespace {

constexpr std::string_view quotes_page = R"(<!DOCTYPE html>
<html><head><title>Quotes to Scrape</title></head>
<body>
<div class="quote" itemscope>
  <span class="text">“The world as we have created it is a process of our thinking.”</span>
  <span>by <small class="author">Albert Einstein</small> <a href="/author/Albert-Einstein">(about)</a></span>
  <div class="tags">Tags: <a class="tag" href="/tag/change/">change</a> <a class="tag" href="/tag/deep-thoughts/">deep-thoughts</a></div>
</div>
<div class="quote">
  <span class="text">“It is our choices, Harry, that show what we truly are.”</span>
  <span>by <small class="author">J.K. Rowling</small></span>
  <div class="tags">Tags: <a class="tag" href="/tag/abilities/">abilities</a></div>
</div>
<nav><ul class="pager"><li class="next"><a href="/page/2/">Next <span aria-hidden="true">&rarr;</span></a></li></ul></nav>
</body></html>)";

TEST(Selector, ReadsLikeParsel)
{
    const auto page = Selector::from_html(quotes_page, "https://quotes.toscrape.com/");
    std::vector<std::string> authors;
    std::vector<std::vector<std::string>> tags;
    for (const auto& quote : page.css("div.quote")) {
        authors.push_back(quote.css("small.author::text").get().value_or(""));
        tags.push_back(quote.css("a.tag::text").getall());
        EXPECT_TRUE(quote.css("span.text::text").get().value().starts_with("“"));
    }
    EXPECT_EQ(authors, (std::vector<std::string>{"Albert Einstein", "J.K. Rowling"}));
    EXPECT_EQ(tags, (std::vector<std::vector<std::string>>{{"change", "deep-thoughts"}, {"abilities"}}));
    EXPECT_EQ(page.css("li.next a::attr(href)").get(), "/page/2/");
    EXPECT_EQ(page.xpath("//title/text()").get(), "Quotes to Scrape");
    EXPECT_EQ(page.css("li.next a").attrib("href"), "/page/2/");
    EXPECT_EQ(page.css("li.prev a::attr(href)").get(), std::nullopt);
    EXPECT_EQ(page.base_url(), "https://quotes.toscrape.com/");
    EXPECT_TRUE(page.is_html());
    // Entities are decoded by the parser.
    EXPECT_EQ(page.css("li.next span::text").get(), "→");
}

TEST(Selector, TextPseudoElementOwnTextVersusDescendantText)
{
    const auto s = Selector::from_html("<p>one <b>two</b> three</p>");
    EXPECT_EQ(s.css("p::text").getall(), (std::vector<std::string>{"one ", " three"}));
    EXPECT_EQ(s.css("p ::text").getall(), (std::vector<std::string>{"one ", "two", " three"}));
    EXPECT_EQ(s.css("p").front().text_content(), "one two three");
    EXPECT_EQ(s.css("p")[0].kind(), SelectorKind::element);
    EXPECT_EQ(s.css("p::text")[0].kind(), SelectorKind::text);
}

TEST(Selector, GetSerialisesElementsAsHtml)
{
    const auto s = Selector::from_html("<div><P CLASS=x>a &amp; b<br>c</P><img src=y alt=''></div>");
    EXPECT_EQ(s.css("p").get(), R"(<p class="x">a &amp; b<br>c</p>)");
    EXPECT_EQ(s.css("img").get(), R"(<img src="y" alt="">)");
    EXPECT_EQ(s.css("div").front().name(), "div");
    EXPECT_EQ(s.css("p").front().getall(), (std::vector<std::string>{R"(<p class="x">a &amp; b<br>c</p>)"}));
}

TEST(Selector, AttributesAndNames)
{
    const auto s = Selector::from_html(R"(<a HREF="/x" data-id=7 title="t">x</a>)");
    const auto a = s.css("a").front();
    EXPECT_EQ(a.attrib("href"), "/x");
    EXPECT_EQ(a.attrib("HREF"), "/x"); // HTML: case-insensitive
    EXPECT_EQ(a.attrib("missing"), std::nullopt);
    EXPECT_EQ(a.attributes(), (std::vector<std::pair<std::string, std::string>>{
                                  {"href", "/x"}, {"data-id", "7"}, {"title", "t"}}));
    const auto href = s.css("a::attr(href)");
    ASSERT_EQ(href.size(), 1u);
    EXPECT_EQ(href[0].kind(), SelectorKind::attribute);
    EXPECT_EQ(href[0].name(), "href");
    EXPECT_EQ(href[0].attrib("href"), std::nullopt); // not an element
    EXPECT_EQ(s.css("a ::attr(data-id)").getall(), (std::vector<std::string>{"7"}));
}

TEST(Selector, XPathValuesPrintAsParselDoes)
{
    const auto s = Selector::from_html("<ul><li>1</li><li>2</li></ul>");
    EXPECT_EQ(s.xpath("count(//li)").get(), "2.0");
    EXPECT_EQ(s.xpath("count(//li) div 4").get(), "0.5");
    EXPECT_EQ(s.xpath("1 div 3").get(), "0.3333333333333333");
    EXPECT_EQ(s.xpath("100000000000000000").get(), "1e+17");
    EXPECT_EQ(s.xpath("0 div 0").get(), "nan");
    EXPECT_EQ(s.xpath("-1 div 0").get(), "-inf");
    EXPECT_EQ(s.xpath("0.00001").get(), "1e-05");
    EXPECT_EQ(s.xpath("count(//li) = 2").get(), "1");
    EXPECT_EQ(s.xpath("count(//li) = 3").get(), "0");
    EXPECT_EQ(s.xpath("string(//li[2])").get(), "2");
    EXPECT_EQ(s.xpath("string(//li[2])")[0].kind(), SelectorKind::value);
    // A value has no nodes below it.
    EXPECT_TRUE(s.xpath("string(//li)")[0].css("li").empty());
    // The document node is not a result (lxml, and so parsel, skip it).
    EXPECT_TRUE(s.xpath("/").empty());
    EXPECT_EQ(s.xpath("/html/body/ul/li").size(), 2u);
}

TEST(Selector, XPathVariablesNeedNoQuoting)
{
    const auto s = Selector::from_html(R"(<a id="it's">1</a><a id='say "hi"'>2</a><a n="3">3</a>)");
    EXPECT_EQ(s.xpath("//a[@id=$id]/text()", {{"id", std::string("it's")}}).get(), "1");
    EXPECT_EQ(s.xpath("//a[@id=$id]/text()", {{"id", std::string("say \"hi\"")}}).get(), "2");
    EXPECT_EQ(s.xpath("//a[@n=$n]/text()", {{"n", 3.0}}).get(), "3");
    EXPECT_EQ(s.xpath("$flag", {{"flag", true}}).get(), "1");
    // Variables do not outlive the call.
    EXPECT_THROW(s.xpath("$flag"), SelectorError);
    // The CSS translation quotes attribute values itself.
    EXPECT_EQ(s.css(R"(a[id="say \"hi\""]::text)").get(), "2");
    EXPECT_EQ(s.css(R"(a[id='it\'s']::text)").get(), "1");
}

TEST(Selector, ListsChainAndConcatenate)
{
    const auto page = Selector::from_html(quotes_page);
    const auto quotes = page.css("div.quote");
    ASSERT_EQ(quotes.size(), 2u);
    EXPECT_EQ(quotes.css("a.tag::text").getall(),
              (std::vector<std::string>{"change", "deep-thoughts", "abilities"}));
    EXPECT_EQ(quotes.xpath(".//small/text()").getall(), (std::vector<std::string>{"Albert Einstein", "J.K. Rowling"}));
    EXPECT_EQ(quotes.attrib("class"), "quote");
    EXPECT_EQ(SelectorList{}.get(), std::nullopt);
    EXPECT_EQ(SelectorList{}.attrib("x"), std::nullopt);
    // Relative XPath from an element; absolute XPath still sees the whole document.
    EXPECT_EQ(quotes[1].xpath("//title/text()").get(), "Quotes to Scrape");
    EXPECT_EQ(quotes[1].xpath("..")[0].name(), "body");
}

TEST(Selector, InvalidQueriesThrowSelectorErrorWithPosition)
{
    const auto s = Selector::from_html("<p>x</p>");
    try {
        s.css("div[");
        FAIL() << "no exception";
    } catch (const SelectorError& e) {
        EXPECT_STREQ(e.what(), "invalid CSS selector 'div[': expected an attribute name, got end of selector at 4");
        EXPECT_EQ(e.query(), "div[");
        EXPECT_EQ(e.position(), 4u);
    }
    try {
        s.css("p > > a");
        FAIL() << "no exception";
    } catch (const SelectorError& e) {
        EXPECT_EQ(e.position(), 4u) << e.what();
    }
    try {
        s.xpath("//a[@href");
        FAIL() << "no exception";
    } catch (const SelectorError& e) {
        EXPECT_EQ(e.query(), "//a[@href");
        EXPECT_NE(std::string(e.what()).find("invalid XPath expression '//a[@href'"), std::string::npos) << e.what();
        EXPECT_LE(e.position(), 9u);
    }
    EXPECT_THROW(s.xpath("nosuchfunction()"), SelectorError);
    EXPECT_THROW(s.xpath("//x:a"), SelectorError); // prefix not bound
    EXPECT_THROW(s.css("p:nth-child(foo)"), SelectorError);
    EXPECT_THROW(s.css("*:first-of-type"), SelectorError);
    EXPECT_THROW(s.css("p::text a"), SelectorError);
    EXPECT_THROW(s.css(":not(:not(p))"), SelectorError);
    EXPECT_THROW(s.css(std::string("p\0a", 3)), SelectorError);
    EXPECT_THROW(s.xpath(std::string("//p\0", 4)), SelectorError);
    const std::string deep = std::string(40, ':') + "not(p)";
    EXPECT_THROW(s.css(deep), SelectorError);
    // std::invalid_argument, as the brief of SelectorError says.
    EXPECT_THROW(s.css("["), std::invalid_argument);
}

TEST(Selector, DeepNestingStillParses)
{
    // libxml2 returns an empty document past depth 256 without XML_PARSE_HUGE;
    // ours stops at 1024 (selector_limits_test.cpp).
    for (const int depth : {300, 1000}) {
        std::string html = "<html><body>";
        for (int i = 0; i < depth; ++i) {
            html += "<div>";
        }
        html += "<span id=deep>found</span>";
        for (int i = 0; i < depth; ++i) {
            html += "</div>";
        }
        html += "</body></html>";
        const auto s = Selector::from_html(html);
        EXPECT_EQ(s.css("#deep::text").get(), "found") << depth;
        EXPECT_EQ(s.xpath("count(//div)").get(), std::to_string(depth) + ".0");
        EXPECT_EQ(s.css("#deep").xpath("count(ancestor::div)").get(), std::to_string(depth) + ".0");
        EXPECT_NE(s.get().find(R"(<span id="deep">found</span>)"), std::string::npos);
    }
}

TEST(Selector, RefusesDocumentsOverTheLimit)
{
    std::string huge(Selector::max_document_size + 1, ' ');
    EXPECT_THROW(Selector::from_html(huge), std::length_error);
    EXPECT_THROW(Selector::from_xml(huge), std::length_error);
}

TEST(Selector, EmptyAndOddInput)
{
    for (const std::string_view text : {std::string_view{}, std::string_view("   \n "), std::string_view("\0\0", 2)}) {
        const auto s = Selector::from_html(text);
        EXPECT_EQ(s.name(), "html");
        EXPECT_TRUE(s.css("p").empty());
    }
    // NUL characters are dropped, as parsel does.
    EXPECT_EQ(Selector::from_html(std::string_view("<p>a\0b</p>", 10)).css("p::text").get(), "ab");
    EXPECT_EQ(Selector::from_xml("not xml at all").name(), "html");
    const Selector none;
    EXPECT_EQ(none.kind(), SelectorKind::value);
    EXPECT_EQ(none.get(), "");
    EXPECT_TRUE(none.css("p").empty());
    EXPECT_TRUE(none.xpath("//p").empty());
    EXPECT_EQ(none.base_url(), "");
}

TEST(Selector, InvalidUtf8BecomesReplacementCharacters)
{
    // As Python's bytes.decode("utf-8", "replace"): one U+FFFD per maximal
    // invalid subpart; the rest of the document is still read as UTF-8.
    const auto s = Selector::from_html("<p>a\xff b</p><p>\xed\xa0\x80</p><p>\xe2\x82</p><p>caf\xc3\xa9</p>");
    EXPECT_EQ(s.css("p::text").getall(),
              (std::vector<std::string>{"a\uFFFD b", "\uFFFD\uFFFD\uFFFD", "\uFFFD", "café"}));
    EXPECT_EQ(Selector::from_xml("<r>x\xc0\xafy</r>").css("r::text").get(), "x\uFFFD\uFFFDy");
}

TEST(Selector, XmlIsCaseSensitiveAndNamespaceAware)
{
    auto s = Selector::from_xml(R"(<?xml version="1.0"?>
<rss xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>
<item><title><![CDATA[One <b>1</b>]]></title><dc:creator>Ann</dc:creator><Link>u1</Link></item>
</channel></rss>)");
    EXPECT_FALSE(s.is_html());
    EXPECT_EQ(s.css("Link::text").get(), "u1");
    EXPECT_TRUE(s.css("link").empty());
    EXPECT_EQ(s.css("title::text").get(), "One <b>1</b>"); // CDATA is text
    EXPECT_THROW(s.xpath("//dc:creator"), SelectorError);
    auto bound = s;
    bound.register_namespace("dc", "http://purl.org/dc/elements/1.1/");
    EXPECT_EQ(bound.xpath("//dc:creator/text()").get(), "Ann");
    EXPECT_EQ(bound.css("dc|creator::text").get(), "Ann");
    // Children inherit the binding; the original handle is unchanged.
    EXPECT_EQ(bound.css("item").xpath("dc:creator/text()").get(), "Ann");
    EXPECT_THROW(s.xpath("//dc:creator"), SelectorError);
    // Serialised below the root, an element carries the declarations it inherits (as lxml).
    EXPECT_EQ(s.xpath("//*[local-name()='creator']").get(),
              R"(<dc:creator xmlns:dc="http://purl.org/dc/elements/1.1/">Ann</dc:creator>)");
}

TEST(Selector, XmlNeverLoadsExternalEntities)
{
    const std::string xxe = R"(<?xml version="1.0"?>
<!DOCTYPE r [
  <!ENTITY file SYSTEM "file:///etc/passwd">
  <!ENTITY % dtd SYSTEM "file:///etc/passwd">
  %dtd;
  <!ENTITY inner "inner text">
]>
<r><a>&file;</a><b>&inner;</b></r>)";
    const auto s = Selector::from_xml(xxe);
    EXPECT_EQ(s.name(), "r");
    ASSERT_EQ(s.css("a").size(), 1u);
    EXPECT_EQ(s.css("a").front().text_content().find("root:"), std::string::npos);
    // Internal entities stay references in the tree; the string-value expands them.
    EXPECT_EQ(s.css("b").front().text_content(), "inner text");
    EXPECT_TRUE(s.css("b::text").empty());
    EXPECT_EQ(s.xpath("string(/r)").get()->find("root:"), std::string::npos);
    EXPECT_EQ(s.get().find("root:"), std::string::npos);
}

TEST(Selector, XmlEntityExpansionBombIsStopped)
{
    std::string bomb = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n";
    bomb += "<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n";
    for (int i = 2; i <= 9; ++i) {
        bomb += "<!ENTITY lol" + std::to_string(i) + " \"";
        for (int j = 0; j < 10; ++j) {
            bomb += "&lol" + std::to_string(i - 1) + ";";
        }
        bomb += "\">\n";
    }
    bomb += "]>\n<lolz>&lol9;</lolz>";
    // Reading the text expands references: libxml2's amplification check
    // (kept on for XML) stops the parse, and the document is refused rather
    // than returned cut short (more in selector_limits_test.cpp).
    EXPECT_THROW(Selector::from_xml(bomb), std::length_error);
}

TEST(Selector, ReLikeParsel)
{
    const auto s = Selector::from_html(R"(<p>Price: 12.50 EUR, was 15.00 EUR</p>)"
                                       R"(<p>Name: Ann &amp; Bob &quot;x&quot;</p>)");
    const auto p = s.css("p::text");
    EXPECT_EQ(p.re(R"(\d+\.\d+)"), (std::vector<std::string>{"12.50", "15.00"}));
    EXPECT_EQ(p.re(R"((\d+)\.(\d+))"), (std::vector<std::string>{"12", "50", "15", "00"}));
    EXPECT_EQ(p.re(R"(was (?P<extract>\d+))"), (std::vector<std::string>{"15"}));
    // Only the first match counts, and its "extract" did not take part.
    EXPECT_EQ(p.re(R"(was (?P<extract>\d+)|(\d+))"), (std::vector<std::string>{}));
    EXPECT_EQ(p.re_first(R"(\d+)"), "12");
    EXPECT_EQ(p.re_first(R"(nothing)"), std::nullopt);
    EXPECT_EQ(p.re(R"(Name: (\w+))"), (std::vector<std::string>{"Ann"}));
    EXPECT_EQ(s.css("p").re(R"(\w*)").size(), 47u) << "empty matches are kept, as Python's findall";
    // Unicode classes, as Python's re.
    EXPECT_EQ(Selector::from_html("<p>café naïve</p>").css("p::text").re(R"(\w+)"),
              (std::vector<std::string>{"café", "naïve"}));
    // Entities in the markup: decoded except &lt; and &amp;.
    const auto second = s.css("p")[1];
    EXPECT_EQ(second.get(), R"(<p>Name: Ann &amp; Bob "x"</p>)");
    EXPECT_EQ(second.re(R"(Name: (.*)</p>)"), (std::vector<std::string>{R"(Ann &amp; Bob "x")"}));
    const auto refs =
        Selector::from_html("<p>&amp;copy; &amp;#65; &amp;#x42 &amp;foo; &amp;foo &amp;lt;</p>").css("p::text");
    EXPECT_EQ(refs.re(".+"), (std::vector<std::string>{"© A B  &foo &lt;"}));
    EXPECT_EQ(refs.re(".+", false), (std::vector<std::string>{"&copy; &#65; &#x42 &foo; &foo &lt;"}));
    EXPECT_THROW(p.re("(unclosed"), SelectorError);
}

TEST(Selector, CatastrophicRegexHitsTheMatchLimit)
{
    const auto s = Selector::from_html("<p>" + std::string(40, 'a') + "!</p>");
    const auto started = std::chrono::steady_clock::now();
    try {
        s.css("p::text").re("^(a+)+$");
        FAIL() << "no exception";
    } catch (const SelectorError& e) {
        EXPECT_NE(std::string(e.what()).find("backtracking limit"), std::string::npos) << e.what();
    }
    // 2^40 steps would take hours; the limit stops it in well under a minute
    // even under the sanitizers.
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(60));
    // The same pattern inside XPath (re:test) fails the query the same way.
    EXPECT_THROW(s.xpath("//p[re:test(text(), '^(a+)+$')]"), SelectorError);
}

TEST(Selector, ExsltRegexpTest)
{
    const auto s = Selector::from_html(R"(<a href="/item/12">x</a><a href="/about">y</a><a href="/ITEM/7">z</a>)");
    EXPECT_EQ(s.xpath(R"(//a[re:test(@href, '^/item/\d+$')]/text())").getall(), (std::vector<std::string>{"x"}));
    EXPECT_EQ(s.xpath(R"(//a[re:test(@href, '^/item/\d+$', 'i')]/text())").getall(),
              (std::vector<std::string>{"x", "z"}));
    EXPECT_THROW(s.xpath("//a[re:test(@href, '(')]"), SelectorError);
    EXPECT_THROW(s.xpath("//a[re:test(@href)]"), SelectorError);
}

TEST(Selector, SharedDocumentAcrossThreads)
{
    const auto page = Selector::from_html(quotes_page);
    const auto expected = page.css("a.tag::text").getall();
    std::vector<std::thread> threads;
    std::vector<int> ok(4, 0);
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 200; ++i) {
                const bool same = page.css("a.tag::text").getall() == expected &&
                                  page.xpath("count(//div[@class='quote'])").get() == "2.0" &&
                                  page.css("div.quote").front().get().starts_with("<div class=\"quote\"");
                ok[t] += same ? 1 : 0;
            }
        });
    }
    for (auto& t : threads) {
        t.join();
    }
    EXPECT_EQ(ok, (std::vector<int>(4, 200)));
}

TEST(Selector, CompiledQueryCacheStaysBounded)
{
    const auto s = Selector::from_html("<p id=a>x</p>");
    // More distinct queries than the per-thread cache holds: results stay right.
    for (int i = 0; i < 600; ++i) {
        EXPECT_EQ(s.css("p:not(#n" + std::to_string(i) + ")::text").get(), "x");
    }
    EXPECT_EQ(s.css("p:not(#n1)::text").get(), "x");
}

} // namespace
} // namespace trawl
