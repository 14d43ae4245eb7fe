// scan_links: what an HTML5 tokenizer would find for links, <base> and
// <title>, one construct at a time.

#include <trawl/html_links.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace trawl {
namespace {

using Hrefs = std::vector<std::string>;

Hrefs hrefs(std::string_view html) { return scan_links(html).hrefs; }

TEST(ScanLinks, AnchorsAndAreasInDocumentOrder)
{
    EXPECT_EQ(hrefs(R"(<p><a href="/one">1</a> <area href="two"> <A HREF="three">3</A></p>)"),
              (Hrefs{"/one", "two", "three"}));
}

TEST(ScanLinks, OtherTagsAndAttributesAreNotLinks)
{
    EXPECT_EQ(hrefs(R"(<link href="/style.css"><img src="/x.png"><abbr href="/no"><ab href="/no2">)"
                    R"(<a name="top"><a data-href="/no3"><a hreflang="en">)"),
              Hrefs{});
}

TEST(ScanLinks, AllQuotingStyles)
{
    EXPECT_EQ(hrefs(R"(<a href="double"><a href='single'><a href=bare><a href=bare2>)"),
              (Hrefs{"double", "single", "bare", "bare2"}));
    // Quotes of the other kind are ordinary characters inside a value.
    EXPECT_EQ(hrefs(R"(<a href="it's"><a href='say "hi"'>)"), (Hrefs{"it's", "say \"hi\""}));
    // '>' inside a quoted value does not end the tag.
    EXPECT_EQ(hrefs(R"(<a title="a > b" href="/after">)"), Hrefs{"/after"});
    // An unquoted value runs to whitespace or '>'; quotes and '/' are part of it.
    EXPECT_EQ(hrefs(R"(<a href=/x/y/>)"), Hrefs{"/x/y/"});
    EXPECT_EQ(hrefs(R"(<a href=a"b>)"), Hrefs{"a\"b"});
}

TEST(ScanLinks, AttributeNamesAreCaseInsensitive)
{
    EXPECT_EQ(hrefs(R"(<a HREF="1"><a HrEf="2"><AREA hReF="3">)"), (Hrefs{"1", "2", "3"}));
}

TEST(ScanLinks, WhitespaceAroundEqualsAndBetweenAttributes)
{
    EXPECT_EQ(hrefs("<a href = \"1\"><a\nhref\n=\n'2'\n><a\thref\t=\t3\t><a  class=x\r\n  href=4>"),
              (Hrefs{"1", "2", "3", "4"}));
    EXPECT_EQ(hrefs("<a\fhref=5>"), Hrefs{"5"});
}

TEST(ScanLinks, TheFirstOfDuplicateAttributesWins)
{
    EXPECT_EQ(hrefs(R"(<a href="first" href="second">)"), Hrefs{"first"});
    EXPECT_EQ(hrefs(R"(<a HREF=first href=second>)"), Hrefs{"first"});
    // A bare `href` is an empty value, and still the first.
    EXPECT_EQ(hrefs(R"(<a href href="second">)"), Hrefs{""});
}

TEST(ScanLinks, ValuelessAndEmptyHrefs)
{
    EXPECT_EQ(hrefs(R"(<a href><a href=""><a href=>)"), (Hrefs{"", "", ""}));
    EXPECT_EQ(hrefs(R"(<a href/>)"), Hrefs{""});
}

TEST(ScanLinks, SelfClosingTags)
{
    EXPECT_EQ(hrefs(R"(<a href="x"/><area href='y' /><br/><a href=z />)"), (Hrefs{"x", "y", "z"}));
    EXPECT_EQ(hrefs(R"(<a/href="w">)"), Hrefs{"w"});
}

TEST(ScanLinks, HrefsAreTrimmedAsAUrlParserDoes)
{
    EXPECT_EQ(hrefs("<a href=\"  /x  \"><a href=\"\n\t/y\r\n\"><a href=' '>"), (Hrefs{"/x", "/y", ""}));
    // Inside the value whitespace stays: the URL parser deals with it.
    EXPECT_EQ(hrefs("<a href=\" /a b \">"), Hrefs{"/a b"});
    // Decoded references are trimmed too.
    EXPECT_EQ(hrefs("<a href=\"&#32;/z&#10;\">"), Hrefs{"/z"});
}

TEST(ScanLinks, CharacterReferencesInAttributes)
{
    EXPECT_EQ(hrefs(R"(<a href="/s?a=1&amp;b=2&lt;&gt;&quot;&#39;&apos;">)"), Hrefs{"/s?a=1&b=2<>\"''"});
    EXPECT_EQ(hrefs(R"(<a href="&#47;x&#x2F;y&#X2f;z">)"), Hrefs{"/x/y/z"});
    EXPECT_EQ(hrefs(R"(<a href="/&eacute;&nbsp;&copy;&hellip;&euro;">)"), Hrefs{"/\xC3\xA9\xC2\xA0\xC2\xA9\xE2\x80\xA6\xE2\x82\xAC"});
    // Numeric references need no ';'; C1 numbers are read as windows-1252;
    // 0, surrogates and out-of-range numbers become U+FFFD.
    EXPECT_EQ(hrefs(R"(<a href="&#65&#x42;&#150;">)"), Hrefs{"AB\xE2\x80\x93"});
    EXPECT_EQ(hrefs(R"(<a href="&#0;&#xD800;&#x110000;&#99999999999;">)"),
              Hrefs{"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"});
    EXPECT_EQ(hrefs("<a href='&#x1F600;'>"), Hrefs{"\xF0\x9F\x98\x80"});
}

TEST(ScanLinks, EveryHtml4NameDecodesWithItsSemicolon)
{
    EXPECT_EQ(hrefs(R"(<a href="/&alpha;&Omega;&notin;&thetasym;">)"), Hrefs{"/\xCE\xB1\xCE\xA9\xE2\x88\x89\xCF\x91"});
    EXPECT_EQ(scan_links("<title>&alpha; &amp; &Omega;</title>").title, "\xCE\xB1 & \xCE\xA9");
    // Without ';' they stay as written: only HTML5's legacy names may drop it.
    EXPECT_EQ(hrefs(R"(<a href="/&alpha&notin">)"), Hrefs{"/&alpha&notin"});
    EXPECT_EQ(scan_links("<title>&alpha &notin</title>").title, "&alpha \xC2\xACin");
}

TEST(ScanLinks, UnknownAndMalformedReferencesStayAsWritten)
{
    // &notinva; is an HTML5 name outside the table: kept, not read as &not;.
    EXPECT_EQ(hrefs(R"(<a href="&bogus;&#;&#x;&;& x&notinva;">)"), Hrefs{"&bogus;&#;&#x;&;& x&notinva;"});
    // A legacy name without ';' in an attribute, followed by '=' or an
    // alphanumeric, is a query string, not a reference (as browsers read it).
    EXPECT_EQ(hrefs(R"(<a href="?a=1&copy=2&amp=3&ampx&lang=en">)"), Hrefs{"?a=1&copy=2&amp=3&ampx&lang=en"});
    // Otherwise a legacy name works without ';'.
    EXPECT_EQ(hrefs(R"(<a href="?a=1&amp b&lt">)"), Hrefs{"?a=1& b<"});
    // A non-legacy name needs its ';'.
    EXPECT_EQ(hrefs(R"(<a href="&apos&hellip">)"), Hrefs{"&apos&hellip"});
}

TEST(ScanLinks, CommentsHideLinks)
{
    EXPECT_EQ(hrefs(R"(<!-- <a href="no"> --><a href="yes">)"), Hrefs{"yes"});
    EXPECT_EQ(hrefs(R"(<!-- a -- b <a href="no"> ---><a href="yes">)"), Hrefs{"yes"});
    EXPECT_EQ(hrefs(R"(<!-- x --!><a href="yes">)"), Hrefs{"yes"});
    // "<!-->" and "<!--->" are complete (empty) comments.
    EXPECT_EQ(hrefs(R"(<!--><a href="1"><!---><a href="2">)"), (Hrefs{"1", "2"}));
    // A '>' alone does not end a comment.
    EXPECT_EQ(hrefs(R"(<!-- > <a href="no"> --><a href="yes">)"), Hrefs{"yes"});
    // An unterminated comment runs to the end.
    EXPECT_EQ(hrefs(R"(<a href="before"><!-- <a href="no">)"), Hrefs{"before"});
}

TEST(ScanLinks, RawTextElementsHaveNoTags)
{
    EXPECT_EQ(hrefs(R"(<script>var s = '<a href="no">';</script><a href="yes">)"), Hrefs{"yes"});
    EXPECT_EQ(hrefs(R"(<style>a::after { content: "<a href='no'>" }</style><a href="yes">)"), Hrefs{"yes"});
    EXPECT_EQ(hrefs(R"(<textarea><a href="no"></textarea><a href="yes">)"), Hrefs{"yes"});
    EXPECT_EQ(hrefs(R"(<title><a href="no"></title><a href="yes">)"), Hrefs{"yes"});
    EXPECT_EQ(hrefs(R"(<xmp><a href="no"></xmp><iframe><a href="no"></iframe><a href="yes">)"), Hrefs{"yes"});
    // The end tag is matched in any case, and only as a whole name.
    EXPECT_EQ(hrefs(R"(<SCRIPT></scriptx><a href="no"></ScRiPt ><a href="yes">)"), Hrefs{"yes"});
    EXPECT_EQ(hrefs(R"(<script type="x"></script/><a href="yes">)"), Hrefs{"yes"});
    // An unterminated raw text element runs to the end.
    EXPECT_EQ(hrefs(R"(<a href="before"><script><a href="no">)"), Hrefs{"before"});
    EXPECT_EQ(hrefs(R"(<script><a href="no"></script)"), Hrefs{});
    // Nothing after <plaintext> is markup.
    EXPECT_EQ(hrefs(R"(<a href="before"><plaintext></plaintext><a href="no">)"), Hrefs{"before"});
}

TEST(ScanLinks, CdataDoctypeAndProcessingInstructions)
{
    EXPECT_EQ(hrefs(R"(<!DOCTYPE html><?xml version="1.0"?><a href="1">)"), Hrefs{"1"});
    EXPECT_EQ(hrefs(R"(<![CDATA[ x > <a href="no"> ]]><a href="yes">)"), Hrefs{"yes"});
    EXPECT_EQ(hrefs(R"(<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN" "x.dtd"><a href="2">)"), Hrefs{"2"});
    EXPECT_EQ(hrefs(R"(<!ELEMENT x><a href="3">)"), Hrefs{"3"});
}

TEST(ScanLinks, EndTagsAndStrayLessThanSigns)
{
    EXPECT_EQ(hrefs(R"(</a href="no"><a href="1"></a title=">"><a href="2">)"), (Hrefs{"1", "2"}));
    EXPECT_EQ(hrefs(R"(1 < 2 <3 <=4 < a href="no"></><a href="yes">)"), Hrefs{"yes"});
    EXPECT_EQ(hrefs(R"(</ bogus <a href="no">><a href="yes">)"), Hrefs{"yes"});
}

TEST(ScanLinks, TruncatedTagsAreDropped)
{
    EXPECT_EQ(hrefs(R"(<a href="ok"><a href="cut)"), Hrefs{"ok"});
    EXPECT_EQ(hrefs(R"(<a href="ok"><a href="cut")"), Hrefs{"ok"});
    EXPECT_EQ(hrefs(R"(<a href="ok"><a href=cut)"), Hrefs{"ok"});
    EXPECT_EQ(hrefs(R"(<a href="ok"><a href=)"), Hrefs{"ok"});
    EXPECT_EQ(hrefs(R"(<a href="ok"><a href)"), Hrefs{"ok"});
    EXPECT_EQ(hrefs(R"(<a href="ok"><a)"), Hrefs{"ok"});
    EXPECT_EQ(hrefs(R"(<a href="ok"><)"), Hrefs{"ok"});
    EXPECT_EQ(hrefs(""), Hrefs{});
}

TEST(ScanLinks, BaseHrefFirstWithAnHrefWins)
{
    auto page = scan_links(R"(<base target="_top"><base href=" /root/ "><base href="/other/"><a href="x">)");
    ASSERT_TRUE(page.base_href);
    EXPECT_EQ(*page.base_href, "/root/");
    EXPECT_EQ(page.hrefs, Hrefs{"x"});
    EXPECT_FALSE(scan_links("<base target=x><a href=y>").base_href);
    EXPECT_EQ(scan_links("<BASE HREF='http://e.com/?a=1&amp;b'>").base_href, "http://e.com/?a=1&b");
}

TEST(ScanLinks, TitleIsTheFirstOneDecodedAndCollapsed)
{
    EXPECT_EQ(scan_links("<title>Page 1</title>").title, "Page 1");
    EXPECT_EQ(scan_links("<TITLE>\n  Page \t\r\n 2 \f</TITLE>").title, "Page 2");
    EXPECT_EQ(scan_links("<title>Tom &amp; Jerry &lt;3 &copy 2024 &#8212; &eacute;t&eacute;</title>").title,
              "Tom & Jerry <3 \xC2\xA9 2024 \xE2\x80\x94 \xC3\xA9t\xC3\xA9");
    EXPECT_EQ(scan_links("<title>first</title><title>second</title>").title, "first");
    // Markup inside a title is text.
    EXPECT_EQ(scan_links("<title>a <b>bold</b> <!-- c --></title>").title, "a <b>bold</b> <!-- c -->");
    // Non-breaking spaces are not ASCII whitespace: kept.
    EXPECT_EQ(scan_links("<title>&nbsp;x</title>").title, "\xC2\xA0x");
    EXPECT_EQ(scan_links("<title></title><title>late</title>").title, "");
    EXPECT_EQ(scan_links("<p>no title</p>").title, "");
    // An unterminated title runs to the end.
    EXPECT_EQ(scan_links("<title>cut  off").title, "cut off");
    // A <title> in a comment or script is not one.
    EXPECT_EQ(scan_links("<!--<title>no</title>--><script><title>no</title></script><title>yes</title>").title,
              "yes");
}

TEST(ScanLinks, NonAsciiBytesPassThrough)
{
    EXPECT_EQ(hrefs("<a href=\"/caf\xC3\xA9\">\xFF\xFE<a href=\xE4\xB8\xAD>"),
              (Hrefs{"/caf\xC3\xA9", "\xE4\xB8\xAD"}));
    const std::string with_nul("<a href=\"a\0b\">", 14);
    EXPECT_EQ(hrefs(with_nul), Hrefs{std::string("a\0b", 3)});
}

TEST(ScanLinks, ARealisticPage)
{
    const std::string html = R"html(<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>
    Books &amp; more | Shop
  </title>
  <base href="https://shop.example/catalog/">
  <link rel="stylesheet" href="/s.css">
  <script>
    document.write('<a href="/js-only">');
    if (a < b && c > d) {}
  </script>
</head>
<body>
  <!-- <a href="/commented"> -->
  <nav><a class="nav" href="/">Home</a> | <a href='page-2.html'>Next</a></nav>
  <map><area shape=rect coords="0,0,1,1" href=map.html alt=""></map>
  <a href="#top">top</a> <a href="mailto:x@example.com">mail</a>
  <a href = "javascript:void(0)" onclick="go('<a href=x>')">js</a>
</body>
</html>)html";
    const auto page = scan_links(html);
    EXPECT_EQ(page.title, "Books & more | Shop");
    EXPECT_EQ(page.base_href, "https://shop.example/catalog/");
    EXPECT_EQ(page.hrefs, (Hrefs{"/", "page-2.html", "map.html", "#top", "mailto:x@example.com", "javascript:void(0)"}));
}

} // namespace
} // namespace trawl
