// LinkExtractor: Scrapy's link extractor behaviours (the cases of Scrapy's
// test_linkextractors.py, on pages of our own; the expected links are what
// Scrapy 2.8 returns for them, with the fragment split off the URL), each
// option, both ways of finding links (scanner and tree), and hostile input.

#include <trawl/html_links.hpp>
#include <trawl/link_extractor.hpp>
#include <trawl/url.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <ostream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace trawl {

void PrintTo(const Link& link, std::ostream* os)
{
    *os << "Link{" << link.url << ", text=\"" << link.text << "\", fragment=\"" << link.fragment
        << "\", nofollow=" << link.nofollow << "}";
}

namespace {

using Links = std::vector<Link>;

Link link(std::string url, std::string text = {}, std::string fragment = {}, bool nofollow = false)
{
    return Link{std::move(url), std::move(text), std::move(fragment), nofollow};
}

Response html(std::string url, std::string body, std::string content_type = "text/html; charset=utf-8")
{
    Response::Data data;
    data.url = std::move(url);
    data.body = std::move(body);
    if (!content_type.empty()) {
        data.headers.add("Content-Type", content_type);
    }
    return Response{std::move(data)};
}

Links extract(const LinkExtractor::Options& options, const Response& response)
{
    return LinkExtractor{options}.extract_links(response);
}

// Our own page with the shapes of Scrapy's linkextractor.html: a <base>, an
// <area>, text around an <img>, repeats, a fragment, an empty link, text in
// an inner tag and a space in an href.
constexpr std::string_view catalog = R"(<!DOCTYPE html>
<html lang="en"><head>
<base href='http://shop.example/catalog/'>
<title>Catalog</title></head>
<body><div id="main">
  <div id="nav">
    <area href="item1.html" alt="one">
    <a href="item2.html">Item two<img src="item2.png" alt="two"></a>
  </div>
  <a href="http://shop.example/catalog/item3.html" title="three">Item three</a>
  <a href="item3.html">Item three again</a>
  <a href="item3.html">Item three again</a>
  <a href="item3.html#reviews">Item three reviews</a>
  <a href="http://partner.example/offer"></a>
  <a href="http://shop.example/catalog/nested.html"><em>nested</em> text</a>
  <a href="item 4.html">space in href</a>
</div></body></html>)";

class CatalogPage : public ::testing::Test {
protected:
    Response response_ = html("http://shop.example/index", std::string(catalog));
    const std::string c_ = "http://shop.example/catalog/";
};

TEST_F(CatalogPage, ExtractsEveryLinkAsScrapyDoes)
{
    EXPECT_EQ(LinkExtractor{}.extract_links(response_),
              (Links{link(c_ + "item1.html"), link(c_ + "item2.html", "Item two"), link(c_ + "item3.html", "Item three"),
                     link(c_ + "item3.html", "Item three reviews", "reviews"), link("http://partner.example/offer"),
                     link(c_ + "nested.html", "nested text"), link(c_ + "item%204.html", "space in href")}));
}

TEST_F(CatalogPage, Allow)
{
    EXPECT_EQ(extract({.allow = {"item"}}, response_),
              (Links{link(c_ + "item1.html"), link(c_ + "item2.html", "Item two"), link(c_ + "item3.html", "Item three"),
                     link(c_ + "item3.html", "Item three reviews", "reviews"), link(c_ + "item%204.html", "space in href")}));
    // Any of several patterns; search, not a full match.
    EXPECT_EQ(extract({.allow = {"partner", "nested"}}, response_),
              (Links{link("http://partner.example/offer"), link(c_ + "nested.html", "nested text")}));
}

TEST_F(CatalogPage, AllowWithDuplicates)
{
    EXPECT_EQ(extract({.allow = {"item"}, .unique = false}, response_),
              (Links{link(c_ + "item1.html"), link(c_ + "item2.html", "Item two"), link(c_ + "item3.html", "Item three"),
                     link(c_ + "item3.html", "Item three again"), link(c_ + "item3.html", "Item three again"),
                     link(c_ + "item3.html", "Item three reviews", "reviews"), link(c_ + "item%204.html", "space in href")}));
}

TEST_F(CatalogPage, CanonicalizeMakesFragmentsRepeats)
{
    const auto all = extract({.allow = {"item"}, .canonicalize = true, .unique = false}, response_);
    ASSERT_EQ(all.size(), 7u);
    EXPECT_EQ(all[5], link(c_ + "item3.html", "Item three reviews", "reviews"));
    EXPECT_EQ(extract({.allow = {"item"}, .canonicalize = true}, response_),
              (Links{link(c_ + "item1.html"), link(c_ + "item2.html", "Item two"), link(c_ + "item3.html", "Item three"),
                     link(c_ + "item%204.html", "space in href")}));
}

TEST_F(CatalogPage, AllowAndDeny)
{
    EXPECT_EQ(extract({.allow = {"item"}, .deny = {"3"}}, response_),
              (Links{link(c_ + "item1.html"), link(c_ + "item2.html", "Item two"), link(c_ + "item%204.html", "space in href")}));
}

TEST_F(CatalogPage, Domains)
{
    EXPECT_EQ(extract({.allow_domains = {"partner.example"}}, response_), Links{link("http://partner.example/offer")});
    EXPECT_EQ(extract({.deny_domains = {"shop.example"}}, response_), Links{link("http://partner.example/offer")});
    // Subdomains count, names compare in any case, a mere suffix does not.
    const auto page = html("http://a.example/", R"(<a href="http://www.Shop.example/1">1</a>
        <a href="http://shop.example:8080/2">2</a> <a href="http://myshop.example/3">3</a>)");
    EXPECT_EQ(extract({.allow_domains = {"SHOP.example"}}, page),
              (Links{link("http://www.shop.example/1", "1"), link("http://shop.example:8080/2", "2")}));
    EXPECT_EQ(extract({.deny_domains = {"shop.example"}}, page), Links{link("http://myshop.example/3", "3")});
}

TEST_F(CatalogPage, RestrictXpathsAndCss)
{
    EXPECT_EQ(extract({.restrict_xpaths = {R"(//div[@id="nav"])"}}, response_),
              (Links{link(c_ + "item1.html"), link(c_ + "item2.html", "Item two")}));
    EXPECT_EQ(extract({.restrict_css = {"#nav a"}}, response_), Links{link(c_ + "item2.html", "Item two")});
    EXPECT_EQ(extract({.restrict_xpaths = {R"(//div[@id="nav"])"}, .restrict_css = {"#nav + a"}}, response_),
              (Links{link(c_ + "item1.html"), link(c_ + "item2.html", "Item two"), link(c_ + "item3.html", "Item three")}));
    // Overlapping scopes give each link once; selections that are not
    // elements hold no links.
    EXPECT_EQ(extract({.restrict_xpaths = {R"(//div[@id="nav"])", "//div", "//a/@href", "count(//a)"}}, response_),
              LinkExtractor{}.extract_links(response_));
}

TEST_F(CatalogPage, TagsAndAttrs)
{
    EXPECT_EQ(extract({.tags = {"a", "area", "img"}, .attrs = {"href", "src"}, .deny_extensions = std::vector<std::string>{}},
                      response_),
              (Links{link(c_ + "item1.html"), link(c_ + "item2.html", "Item two"), link(c_ + "item2.png"),
                     link(c_ + "item3.html", "Item three"), link(c_ + "item3.html", "Item three reviews", "reviews"),
                     link("http://partner.example/offer"), link(c_ + "nested.html", "nested text"),
                     link(c_ + "item%204.html", "space in href")}));
    EXPECT_EQ(extract({.attrs = {}}, response_), Links{});
    EXPECT_EQ(extract({.tags = {}}, response_), Links{});
    EXPECT_EQ(extract({.tags = {"area"}}, response_), Links{link(c_ + "item1.html")});
    EXPECT_EQ(extract({.tags = {"A"}, .attrs = {"HREF"}}, response_).size(), 6u);
}

TEST(LinkExtractor, TagsAndAttrsOfOtherElements)
{
    const auto page = html("http://example.com/index.html", R"(<html><body>
        <div id="item1" data-url="get?id=1"><a href="#">Item 1</a></div>
        <div id="item2" data-url="get?id=2"><a href="#">Item 2</a></div></body></html>)");
    EXPECT_EQ(extract({.tags = {"div"}, .attrs = {"data-url"}}, page),
              (Links{link("http://example.com/get?id=1", "Item 1"), link("http://example.com/get?id=2", "Item 2")}));
    const auto tags = html("http://example.com/index.html",
                           R"(<html><area href="one.html"></area><a href="two.html">two</a><img src="two.jpg"/></html>)");
    EXPECT_EQ(extract({.tags = {"a", "img"}, .attrs = {"href", "src"}, .deny_extensions = std::vector<std::string>{}}, tags),
              (Links{link("http://example.com/two.html", "two"), link("http://example.com/two.jpg")}));
    EXPECT_EQ(extract({.tags = {"a"}}, tags), Links{link("http://example.com/two.html", "two")});
}

constexpr std::string_view rels = R"(<html><body>
<p><a href="/about.html">About us</a></p>
<p><a href="/nofollow.html" rel="nofollow">Not this</a></p>
<p><a href="/blah.html" rel="blah">Maybe</a></p>
<p><a href="http://other.example/x" rel="external nofollow">External</a></p>
<p><a href="/upper.html" rel="NoFollow">Upper</a></p>
<p><a href="/comma.html" rel="noopener,nofollow">Comma</a></p>
<p><a href="/part.html" rel="nofollowing">Part</a></p>
</body></html>)";

TEST(LinkExtractor, Nofollow)
{
    const auto page = html("http://example.org/somepage/index.html", std::string(rels));
    const Links expected{link("http://example.org/about.html", "About us"),
                         link("http://example.org/nofollow.html", "Not this", "", true),
                         link("http://example.org/blah.html", "Maybe"),
                         link("http://other.example/x", "External", "", true),
                         link("http://example.org/upper.html", "Upper", "", true),
                         link("http://example.org/comma.html", "Comma", "", true),
                         link("http://example.org/part.html", "Part")};
    EXPECT_EQ(LinkExtractor{}.extract_links(page), expected);
    EXPECT_EQ(extract({.restrict_css = {"body"}}, page), expected) << "the tree path";
}

TEST(LinkExtractor, Matches)
{
    const std::string url1 = "http://lotsofstuff.example/stuff1/index";
    const std::string url2 = "http://evenmorestuff.example/uglystuff/index";
    EXPECT_TRUE(LinkExtractor({.allow = {"stuff1"}}).matches(url1));
    EXPECT_FALSE(LinkExtractor({.allow = {"stuff1"}}).matches(url2));
    EXPECT_TRUE(LinkExtractor({.deny = {"uglystuff"}}).matches(url1));
    EXPECT_FALSE(LinkExtractor({.deny = {"uglystuff"}}).matches(url2));
    EXPECT_FALSE(LinkExtractor({.allow_domains = {"evenmorestuff.example"}}).matches(url1));
    EXPECT_TRUE(LinkExtractor({.allow_domains = {"evenmorestuff.example"}}).matches(url2));
    EXPECT_FALSE(LinkExtractor({.deny_domains = {"lotsofstuff.example"}}).matches(url1));
    EXPECT_TRUE(LinkExtractor({.deny_domains = {"lotsofstuff.example"}}).matches(url2));
    const LinkExtractor all{{.allow = {"blah1"}, .deny = {"blah2"}, .allow_domains = {"blah1.example"},
                             .deny_domains = {"blah2.example"}}};
    EXPECT_TRUE(all.matches("http://blah1.example/blah1"));
    EXPECT_FALSE(all.matches("http://blah1.example/blah2"));
    EXPECT_FALSE(all.matches("http://blah2.example/blah1"));
    EXPECT_FALSE(all.matches("http://blah2.example/blah2"));
}

TEST(LinkExtractor, PageEncodings)
{
    // A windows-1252 page: text decoded (0xA3 is the pound sign).
    const auto latin = html("http://example.org/somepage/index.html",
                            "<html><body><p><a href=\"item/12.html\">Item 12</a></p>"
                            "<div class='links'><p><a href=\"/about.html\">About us\xa3</a></p></div></body></html>",
                            "text/html; charset=windows-1252");
    EXPECT_EQ(extract({.restrict_xpaths = {"//div[@class='links']"}}, latin),
              Links{link("http://example.org/about.html", "About us\xc2\xa3")});
    EXPECT_EQ(LinkExtractor{}.extract_links(latin).back(), link("http://example.org/about.html", "About us\xc2\xa3"));

    // References in an href: the path in UTF-8, the query in the page's
    // encoding (the euro sign is 0xA4 in ISO-8859-15).
    const auto entities = html("http://example.org/somepage/index.html",
                               R"(<html><body><p><a href="/&hearts;/you?c=&euro;">text</a></p></body></html>)",
                               "text/html; charset=iso-8859-15");
    const Links expected{link("http://example.org/%E2%99%A5/you?c=%A4", "text")};
    EXPECT_EQ(LinkExtractor{}.extract_links(entities), expected);
    EXPECT_EQ(extract({.restrict_xpaths = {"//p"}}, entities), expected);

    // gb18030 text around references.
    const auto chinese = html("http://example.org", "<html><body><div><a href=\"/foo\">&gt;\xbe\xa9&lt;\xb6\xab</a></body></html>",
                              "text/html; charset=gb18030");
    EXPECT_EQ(extract({.restrict_xpaths = {"//div"}}, chinese),
              Links{link("http://example.org/foo", ">\xe4\xba\xac<\xe4\xb8\x9c")});
    EXPECT_EQ(LinkExtractor{}.extract_links(chinese), Links{link("http://example.org/foo", ">\xe4\xba\xac<\xe4\xb8\x9c")});

    // Invalid UTF-8 next to an <area> on a UTF-8 page.
    const auto area = html("http://example.org",
                           "<html><body>\xbe\xa9<map><area href=\"http://example.org/foo\" /></map></body></html>");
    EXPECT_EQ(LinkExtractor{}.extract_links(area), Links{link("http://example.org/foo")});
}

TEST(LinkExtractor, EscapesInTheResponseUrlStay)
{
    const auto page = html("http://known.example/AC%2FDC/", R"(<html><body><div><a href="?page=2">BinB</a></body></html>)");
    const Links expected{link("http://known.example/AC%2FDC/?page=2", "BinB")};
    EXPECT_EQ(LinkExtractor{}.extract_links(page), expected);
    EXPECT_EQ(extract({.restrict_xpaths = {"//div"}}, page), expected);
}

TEST(LinkExtractor, DenyExtensions)
{
    const auto page = html("http://example.org/", R"(<a href="page.html">asd</a> and <a href="photo.jpg">)"
                                                  R"(<a href="/PHOTO.JPG">big</a> <a href="/a.tar.gz">t</a>)"
                                                  R"(<a href="/doc.pdf;jsessionid=1">p</a> <a href="/doc.pdf?x=1#y">q</a>)"
                                                  R"(<a href="/file.pdf.html">h</a> <a href="/dir.pdf/">d</a>)");
    EXPECT_EQ(LinkExtractor{}.extract_links(page),
              (Links{link("http://example.org/page.html", "asd"), link("http://example.org/file.pdf.html", "h"),
                     link("http://example.org/dir.pdf/", "d")}));
    // The unclosed <a> before it has no text: the next <a> closes it.
    EXPECT_EQ(extract({.deny_extensions = std::vector<std::string>{"HTML"}}, page).front(),
              link("http://example.org/photo.jpg"));
    EXPECT_EQ(extract({.deny_extensions = std::vector<std::string>{}}, page).size(), 8u);
    EXPECT_EQ(ignored_extensions().size(), 70u);
}

TEST(LinkExtractor, ProcessValue)
{
    const auto page = html("http://example.org/somepage/index.html", R"(
<a href="javascript:goToPage('../other/page.html','photo','width=600,height=540,scrollbars'); return false">Text</a>
<a href="/about.html">About us</a>)",
                           "text/html; charset=windows-1252");
    const auto from_javascript = [](std::string_view value) -> std::optional<std::string> {
        const std::string_view prefix = "javascript:goToPage('";
        if (!value.starts_with(prefix)) {
            return std::nullopt;
        }
        value.remove_prefix(prefix.size());
        return std::string(value.substr(0, value.find('\'')));
    };
    EXPECT_EQ(extract({.process_value = from_javascript}, page), Links{link("http://example.org/other/page.html", "Text")});

    // It sees the value resolved against <base>; a relative result is
    // resolved against the response URL (as in Scrapy).
    const auto based = html("http://example.org/dir/index.html",
                            R"(<base href="http://other.example/base/"><a href="x.html">x</a>)");
    std::vector<std::string> seen;
    EXPECT_EQ(extract({.process_value =
                           [&](std::string_view value) -> std::optional<std::string> {
                               seen.emplace_back(value);
                               return std::string("y.html");
                           }},
                      based),
              Links{link("http://example.org/dir/y.html", "x")});
    EXPECT_EQ(seen, std::vector<std::string>{"http://other.example/base/x.html"});
}

TEST(LinkExtractor, BaseHref)
{
    EXPECT_EQ(extract({.restrict_xpaths = {"//p"}},
                      html("http://example.org/somepage/index.html",
                           R"(<html><head><title>Page title<title><base href="http://otherdomain.example/base/" />
                              <body><p><a href="item/12.html">Item 12</a></p></body></html>)")),
              Links{link("http://otherdomain.example/base/item/12.html", "Item 12")});
    const auto first = [](std::string body) { return LinkExtractor{}.extract_links(html("http://a.example/x/y", body)); };
    // Relative to the page; only the first counts, wherever it is.
    EXPECT_EQ(first(R"(<base href="../b/"><base href="/c/"><a href="z">z</a>)"), Links{link("http://a.example/b/z", "z")});
    EXPECT_EQ(first(std::string(5000, ' ') + R"(<base href="/far/"><a href="z">z</a>)"),
              Links{link("http://a.example/far/z", "z")});
    // A base that is no use leaves the page's URL in charge.
    EXPECT_EQ(first(R"html(<base href="javascript:void(0)"><a href="z">z</a>)html"), Links{link("http://a.example/x/z", "z")});
    EXPECT_EQ(first(R"(<base href="http://[bad/"><a href="z">z</a>)"), Links{link("http://a.example/x/z", "z")});
    EXPECT_EQ(first(R"(<base target="_top"><a href="z">z</a>)"), Links{link("http://a.example/x/z", "z")});
}

TEST(LinkExtractor, SchemesScrapyKeeps)
{
    const auto page = html("http://www.example.com/index.html", R"html(
        <a href="http://example.org/item1.html">Item 1</a>
        <a href="http://[example.org/item2.html">Item 2</a>
        <a href="ftp://www.external.example/">FTP</a>
        <a href="file:///etc/hosts">File</a>
        <a href="javascript:go()">JS</a> <a href="mailto:a@b.example">Mail</a>
        <a href="data:text/html,hi">Data</a> <a href="tel:123">Tel</a>
        <a href="HTTPS://Example.org/Up">Up</a>)html");
    EXPECT_EQ(LinkExtractor{}.extract_links(page),
              (Links{link("http://example.org/item1.html", "Item 1"), link("ftp://www.external.example/", "FTP"),
                     link("file:///etc/hosts", "File"), link("https://example.org/Up", "Up")}));
}

TEST(LinkExtractor, RestrictText)
{
    const auto page = html("http://example.org/index.html", R"(
        <a href="http://example.org/item1.html">Pic of a cat</a>
        <a href="http://example.org/item2.html">Pic of a dog</a>
        <a href="http://example.org/item3.html">Pic of a cow</a>)");
    EXPECT_EQ(extract({.restrict_text = {"dog"}}, page), Links{link("http://example.org/item2.html", "Pic of a dog")});
    EXPECT_EQ(extract({.restrict_text = {"of.*dog"}}, page), Links{link("http://example.org/item2.html", "Pic of a dog")});
    EXPECT_EQ(extract({.restrict_text = {"of.*dog", "of.*cat"}}, page),
              (Links{link("http://example.org/item1.html", "Pic of a cat"), link("http://example.org/item2.html", "Pic of a dog")}));
}

TEST(LinkExtractor, UniqueComparesCanonicalUrls)
{
    const auto page = html("http://example.org/", R"(<a href="/b?z=1&a=2">one</a> <a href="/b?a=2&z=1">two</a>
        <a href="/b?a=2&z=1#f">three</a> <a href="/b?a=2&z=1#f">four</a> <a href="/b?a=2&z=1#">five</a>)");
    // The URL stays as written; the repeats go.
    EXPECT_EQ(LinkExtractor{}.extract_links(page),
              (Links{link("http://example.org/b?z=1&a=2", "one"), link("http://example.org/b?a=2&z=1", "three", "f")}));
    EXPECT_EQ(extract({.canonicalize = true}, page), Links{link("http://example.org/b?a=2&z=1", "one")});
    EXPECT_EQ(extract({.unique = false}, page).size(), 5u);
}

// unique skips canonicalize_url for URLs with neither '?' nor '%': what
// urljoin writes is then canonical already.
TEST(LinkExtractor, JoinedUrlsWithoutQueryOrEscapesAreCanonical)
{
    for (const char* href : {"/a b/\xc3\xbc/~x/!$&'()*+,;=:@/", "HTTP://User:Pw@EXAMPLE.org:80/x", "//h.example",
                             "../../up/./down/../x.html", "/p;params", "\\back\\slash", "/x#frag", "/[]{}|^`\"<>",
                             "http://xn--fa-hia.example/", "http://fa\xc3\x9f.example/", "http://[::1]:8080/v6"}) {
        auto joined = urljoin("http://example.org/dir/page", href);
        ASSERT_TRUE(joined) << href;
        auto url = joined->substr(0, joined->find('#'));
        if (url.find_first_of("?%") == std::string::npos) {
            EXPECT_EQ(canonicalize_url(url), url) << href;
        }
    }
}

TEST(LinkExtractor, EmptyAndFragmentOnlyHrefsLinkToThePage)
{
    const auto page = html("http://example.org/p?q=1#top", R"(<a href="">self</a><a href="#part">part</a><a href>bare</a>)");
    EXPECT_EQ(extract({.unique = false}, page),
              (Links{link("http://example.org/p?q=1", "self"), link("http://example.org/p?q=1", "part", "part"),
                     link("http://example.org/p?q=1", "bare")}));
}

TEST(LinkExtractor, StripMakesNoDifferenceToUrls)
{
    const auto page = html("http://example.org/", "<a href=\" \n/x\t \">x</a><a href=\"\f/y\r\">y</a>");
    const Links expected{link("http://example.org/x", "x"), link("http://example.org/y", "y")};
    EXPECT_EQ(LinkExtractor{}.extract_links(page), expected);
    EXPECT_EQ(extract({.strip = false}, page), expected);
    EXPECT_EQ(extract({.restrict_css = {"*"}, .strip = false}, page), expected);
}

TEST(LinkExtractor, LinkText)
{
    const auto page = html("http://example.org/",
                           "<ul>\n<li><a href=\"/1\">  one <b>bold</b>\n &amp; more&nbsp;</a></li>\n"
                           "<li><a href=\"/2\"><img src=\"x.png\" alt=\"no text\"></a></li>\n"
                           "<li><a href=\"/3\">three<!-- not this --><span> span</span></a></li>\n"
                           "<li><a href=\"/4\">x<script>var a = \"<b>\";</script>y</a></li>\n"
                           "<li><a href=\"/5\"/>self-closed</a></li>\n"
                           "<li><a href=\"/6\">open<p>para<a href=\"/7\">in</a></p></a></li>\n</ul>");
    const auto links = LinkExtractor{}.extract_links(page);
    std::vector<std::string> texts;
    for (const auto& l : links) {
        texts.push_back(l.text);
    }
    EXPECT_EQ(texts, (std::vector<std::string>{"one bold\n & more\xc2\xa0", "", "three span",
                                               "xvar a = \"<b>\";y", "", "openparain", "in"}));
    // The tree path reads the text as lxml does.
    std::vector<std::string> tree_texts;
    for (const auto& l : extract({.restrict_css = {"ul"}}, page)) {
        tree_texts.push_back(l.text);
    }
    EXPECT_EQ(tree_texts, texts);
}

TEST(LinkExtractor, XhtmlAsHtmlAndAsXml)
{
    const std::string body = R"(<?xml version="1.0"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en" lang="en">
<head><title>XHTML document title</title></head>
<body><div class='links'><p><a href="/about.html">About us</a></p></div>
<div><p><a href="/nofollow.html" rel="nofollow">Dont follow this one</a></p></div></body></html>)";
    const Links expected{link("http://example.com/about.html", "About us"),
                         link("http://example.com/nofollow.html", "Dont follow this one", "", true)};
    for (const auto* type : {"text/html", "application/xhtml+xml", "application/xml"}) {
        const auto page = html("http://example.com/index.xhtml", body, type);
        EXPECT_EQ(LinkExtractor{}.extract_links(page), expected) << type;
        EXPECT_EQ(extract({.tags = {"a", "p"}}, page), expected) << type << ", the tree path";
    }
}

TEST(LinkExtractor, InvalidOptionsAreNamedErrors)
{
    const auto message = [](const LinkExtractor::Options& options) -> std::string {
        try {
            LinkExtractor extractor{options};
        } catch (const std::invalid_argument& e) {
            return e.what();
        }
        return "no error";
    };
    const auto expect_mentions = [](const std::string& text, std::string_view option, std::string_view expression) {
        EXPECT_NE(text.find(option), std::string::npos) << text;
        EXPECT_NE(text.find(expression), std::string::npos) << text;
    };
    expect_mentions(message({.allow = {"ok", "item(["}}), "allow", "item([");
    expect_mentions(message({.deny = {"*x"}}), "deny", "*x");
    expect_mentions(message({.restrict_text = {"a{2,1}"}}), "restrict_text", "a{2,1}");
    expect_mentions(message({.restrict_xpaths = {"//div[@id="}}), "restrict_xpaths", "//div[@id=");
    expect_mentions(message({.restrict_css = {"div["}}), "restrict_css", "div[");
    expect_mentions(message({.restrict_css = {"a:nosuchpseudo"}}), "restrict_css", "a:nosuchpseudo");
}

TEST(LinkExtractor, CopiesShareStateAndRunConcurrently)
{
    std::string body;
    for (int i = 0; i < 2000; ++i) {
        body += "<p><a href=\"/page/" + std::to_string(i) + "?b=2&a=1#s\" rel=nofollow>Page " + std::to_string(i) + "</a>";
    }
    const auto page = html("http://example.org/", body);
    const LinkExtractor extractor{{.allow = {R"(/page/\d+)"}, .restrict_text = {"Page"}}};
    const auto expected = extractor.extract_links(page);
    ASSERT_EQ(expected.size(), 2000u);
    std::vector<std::thread> threads;
    std::vector<bool> same(4, false);
    for (std::size_t t = 0; t < same.size(); ++t) {
        threads.emplace_back([&, t, copy = extractor] {
            bool all = true;
            for (int round = 0; round < 5; ++round) {
                all = all && copy.extract_links(page) == expected;
            }
            same[t] = all;
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    EXPECT_EQ(same, std::vector<bool>(4, true));
}

// --- hostile and large input ---------------------------------------------

TEST(LinkExtractorInput, HundredThousandLinks)
{
    std::string body = "<html><body>";
    for (int i = 0; i < 100000; ++i) {
        body += "<a href=\"/p/" + std::to_string(i) + "\">" + std::to_string(i) + "</a>\n";
    }
    const auto page = html("http://example.org/", body);
    const auto links = LinkExtractor{}.extract_links(page);
    ASSERT_EQ(links.size(), 100000u);
    EXPECT_EQ(links[99999], link("http://example.org/p/99999", "99999"));
    EXPECT_EQ(extract({.allow = {"/p/9999\\d$"}}, page).size(), 10u);
    EXPECT_EQ(extract({.restrict_css = {"body"}}, page).size(), 100000u);
}

TEST(LinkExtractorInput, TenMegabytePage)
{
    std::string body = "<html><head><title>big</title></head><body>";
    const std::string paragraph = "<p>" + std::string(1000, 'x') + " <a href=\"/same\">same</a></p>\n";
    int paragraphs = 0;
    while (body.size() < 10 * 1024 * 1024) {
        body += paragraph;
        ++paragraphs;
    }
    body += "<a href=\"/last\">last</a></body></html>";
    const auto page = html("http://example.org/", body);
    EXPECT_EQ(LinkExtractor{}.extract_links(page),
              (Links{link("http://example.org/same", "same"), link("http://example.org/last", "last")}));
    EXPECT_EQ(extract({.unique = false}, page).size(), static_cast<std::size_t>(paragraphs) + 1);
    EXPECT_EQ(extract({.restrict_xpaths = {"//body"}}, page).size(), 2u);
}

std::string garbage(std::size_t size, std::uint64_t seed)
{
    std::string out(size, '\0');
    for (auto& c : out) {
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        c = static_cast<char>(seed >> 56);
    }
    return out;
}

TEST(LinkExtractorInput, GarbageBytes)
{
    for (std::uint64_t seed = 1; seed <= 3; ++seed) {
        const auto page = html("http://example.org/", garbage(1 << 20, seed));
        EXPECT_NO_THROW((void)LinkExtractor{}.extract_links(page));
        EXPECT_NO_THROW((void)extract({.restrict_css = {"a, div"}, .canonicalize = true}, page));
    }
    // Garbage with markup mixed in: every piece of a link cut anywhere.
    const std::string pieces[] = {"<a href=\"", "<area href=", "</a>", "<base href='", "<!--", "-->", "\"", "'",
                                  ">", "<", "&amp", "&#x", "#", "%", "http://", "<script>", "</p>", "<a/", "\xff"};
    std::string mixed;
    auto state = garbage(50000, 9);
    for (std::size_t i = 0; i < state.size(); ++i) {
        mixed += pieces[static_cast<unsigned char>(state[i]) % std::size(pieces)];
        mixed += state[i];
    }
    const auto page = html("http://example.org/", mixed);
    std::vector<Link> links;
    EXPECT_NO_THROW(links = LinkExtractor{}.extract_links(page));
    for (const auto& l : links) {
        EXPECT_TRUE(l.url.starts_with("http://") || l.url.starts_with("https://") || l.url.starts_with("ftp://") ||
                    l.url.starts_with("file://"))
            << l.url;
        EXPECT_EQ(l.url.find('#'), std::string::npos) << l.url;
    }
    EXPECT_NO_THROW((void)extract({.restrict_xpaths = {"//*"}}, page));
}

TEST(LinkExtractorInput, NotHtmlAtAll)
{
    EXPECT_EQ(LinkExtractor{}.extract_links(html("http://example.org/a.json", R"({"a": "<a href=x>"})", "application/json")),
              Links{link("http://example.org/x", "\"}")})
        << "the extractor reads any body as HTML: callers decide which responses to give it";
    EXPECT_EQ(LinkExtractor{}.extract_links(html("http://example.org/", "")), Links{});
    EXPECT_EQ(LinkExtractor{}.extract_links(html("", "<a href='/x'>x</a>")), Links{}) << "no URL to resolve against";
}

// --- the scanner's link details ------------------------------------------

TEST(ScanLinkDetails, TagTextAndRelAsLibxml2SeesThem)
{
    const auto details = [](std::string_view body) {
        std::vector<std::string> out;
        for (const auto& d : scan_links(body, ScanOptions{.link_details = true}).details) {
            out.push_back(d.tag + ":" + d.text + (d.rel.empty() ? "" : "|" + d.rel));
        }
        return out;
    };
    using Texts = std::vector<std::string>;
    // These are what lxml's string() gives for each link.
    EXPECT_EQ(details("<p><a href=1>one<a href=2>two</a>three</p>"), (Texts{"a:one", "a:two"}));
    EXPECT_EQ(details("<p><a href=1>one</p>after<a href=2>two</a>"), (Texts{"a:one", "a:two"}));
    EXPECT_EQ(details("<ul><li><a href=1>one<li>more<li><a href=2>two</ul>"), (Texts{"a:onemoretwo", "a:two"}));
    EXPECT_EQ(details("<a href=1>one<div>in div</div>tail</a>after"), Texts{"a:onein divtail"});
    EXPECT_EQ(details("<div><a href=1>one</div>tail</a>after"), Texts{"a:one"});
    EXPECT_EQ(details("<a href=1>one<span>x</span></span>y</a>z"), Texts{"a:onexy"});
    EXPECT_EQ(details("<a href=1>one<b>bold</a>tail"), Texts{"a:onebold"});
    EXPECT_EQ(details("<a href=1/>text</a>"), Texts{"a:text"});
    EXPECT_EQ(details("<a href=\"1\"/>text</a>"), Texts{"a:"});
    EXPECT_EQ(details("<a href=1>a<br></br>b</a>"), Texts{"a:ab"});
    EXPECT_EQ(details("<table><tr><td><a href=1>x</td><td>y</td></tr></table>"), Texts{"a:x"});
    EXPECT_EQ(details("<a href=1>x<title>t&amp;</title>y<textarea>&lt;</textarea></a>"), Texts{"a:xt&y<"});
    EXPECT_EQ(details("<a href=1>one<img src=x>two</a>"), Texts{"a:onetwo"});
    EXPECT_EQ(details("<a name=top>no link<a href=1>link</a>"), Texts{"a:link"});
    EXPECT_EQ(details("<map><area href=1 rel='nofollow &amp; more'>x</map>"), Texts{"area:|nofollow & more"});
    EXPECT_EQ(details("<a href=1 REL=a rel=b>cut at the end"), Texts{"a:cut at the end|a"});
    EXPECT_EQ(details("<a href=1>x<plaintext><a href=2>y"), Texts{"a:x<a href=2>y"});
    // Without the option, nothing but hrefs.
    EXPECT_TRUE(scan_links("<a href=1>x</a>").details.empty());
    // Deep nesting inside a link is bounded, not an error.
    std::string deep = "<a href=1>";
    for (int i = 0; i < 10000; ++i) {
        deep += "<div>d";
    }
    EXPECT_EQ(scan_links(deep, ScanOptions{.link_details = true}).details.at(0).text.size(), 10000u);
}

} // namespace
} // namespace trawl
