// resolve_links: from scanned hrefs to URLs a crawler can request.

#include <trawl/html_links.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace trawl {
namespace {

using Urls = std::vector<std::string>;

Urls resolve(std::string_view html, std::string_view page_url) { return resolve_links(scan_links(html), page_url); }

TEST(ResolveLinks, RelativeFormsAgainstThePageUrl)
{
    EXPECT_EQ(resolve(R"(<a href="/a"><a href="b"><a href="../c"><a href="?q=1"><a href="//other.example/d">)"
                      R"(<a href="https://x.example">)",
                      "http://site.example/dir/page.html"),
              (Urls{"http://site.example/a", "http://site.example/dir/b", "http://site.example/c",
                    "http://site.example/dir/page.html?q=1", "http://other.example/d", "https://x.example/"}));
}

TEST(ResolveLinks, FragmentsAreDropped)
{
    EXPECT_EQ(resolve(R"(<a href="/a#x"><a href="#top"><a href="b#">)", "http://s.example/p#frag"),
              (Urls{"http://s.example/a", "http://s.example/p", "http://s.example/b"}));
}

TEST(ResolveLinks, OnlyHttpAndHttpsAreKept)
{
    EXPECT_EQ(resolve(R"x(<a href="mailto:a@b.c"><a href="javascript:void(0)"><a href="JavaScript:x()">)x"
                      R"(<a href="tel:+1"><a href="data:text/html,x"><a href="ftp://f.example/x">)"
                      R"(<a href="file:///etc/passwd"><a href="HTTPS://UP.example/X"><a href="http:rel">)",
                      "http://s.example/dir/"),
              (Urls{"https://up.example/X", "http://s.example/dir/rel"}));
    // Obfuscated schemes are read as a URL parser reads them.
    EXPECT_EQ(resolve("<a href=\"java\nscript:alert(1)\"><a href=\" javascript:x\">", "http://s.example/"), Urls{});
}

TEST(ResolveLinks, EmptyAndUnparsableHrefsAreDropped)
{
    EXPECT_EQ(resolve(R"(<a href=""><a href><a href="   "><a href="http://[bad/"><a href="http://exa mple.com/">)"
                      R"(<a href="/ok">)",
                      "http://s.example/"),
              Urls{"http://s.example/ok"});
}

TEST(ResolveLinks, EachUrlOnceInDocumentOrder)
{
    EXPECT_EQ(resolve(R"(<a href="/b"><a href="/a"><a href="/b#x"><a href="http://s.example/a"><a href="/b">)",
                      "http://s.example/"),
              (Urls{"http://s.example/b", "http://s.example/a"}));
}

TEST(ResolveLinks, BaseHrefIsResolvedAgainstThePage)
{
    EXPECT_EQ(resolve(R"(<base href="/root/sub/"><a href="x"><a href="../y"><a href="/z">)", "http://s.example/p/q"),
              (Urls{"http://s.example/root/sub/x", "http://s.example/root/y", "http://s.example/z"}));
    EXPECT_EQ(resolve(R"(<base href="https://cdn.example/b/"><a href="x">)", "http://s.example/"),
              Urls{"https://cdn.example/b/x"});
    // Only the first <base href> counts.
    EXPECT_EQ(resolve(R"(<base href="/one/"><base href="/two/"><a href="x">)", "http://s.example/"),
              Urls{"http://s.example/one/x"});
}

TEST(ResolveLinks, AnUnusableBaseFallsBackToThePage)
{
    EXPECT_EQ(resolve(R"(<base href="javascript:x"><a href="y">)", "http://s.example/d/"), Urls{"http://s.example/d/y"});
    EXPECT_EQ(resolve(R"(<base href="http://[bad"><a href="y">)", "http://s.example/d/"), Urls{"http://s.example/d/y"});
    EXPECT_EQ(resolve(R"(<base href=""><a href="y">)", "http://s.example/d/"), Urls{"http://s.example/d/y"});
}

TEST(ResolveLinks, ResultsAreSafeToRequest)
{
    EXPECT_EQ(resolve("<a href=\"/caf\xC3\xA9 x?q=\xC3\xA9\">", "http://s.example/"),
              Urls{"http://s.example/caf%C3%A9%20x?q=%C3%A9"});
    EXPECT_EQ(resolve("<a href=\"http://B\xC3\xBC" "cher.example/\">", "http://s.example/"),
              Urls{"http://xn--bcher-kva.example/"});
}

TEST(ResolveLinks, NothingWithoutAnAbsolutePageUrl)
{
    EXPECT_EQ(resolve(R"(<a href="/a"><a href="http://s.example/b">)", "relative/page"), Urls{});
    EXPECT_EQ(resolve(R"(<a href="/a">)", ""), Urls{});
}

} // namespace
} // namespace trawl
