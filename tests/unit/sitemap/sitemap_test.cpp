#include <trawl/sitemap.hpp>

#include <gtest/gtest.h>
#include <zlib.h>

#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace trawl {
namespace {

using namespace std::string_literals;

/// gzip of `piece` concatenated `repeat` times, without holding the whole
/// input in memory (for compression bombs).
std::string gzip(std::string_view piece, std::size_t repeat = 1)
{
    z_stream z{};
    if (deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK) {
        throw std::runtime_error("deflateInit2");
    }
    std::string out;
    char buffer[64 * 1024];
    for (std::size_t i = 0; i <= repeat; ++i) {
        const bool last = i == repeat;
        z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(piece.data()));
        z.avail_in = last ? 0 : static_cast<uInt>(piece.size());
        do {
            z.next_out = reinterpret_cast<Bytef*>(buffer);
            z.avail_out = sizeof buffer;
            deflate(&z, last ? Z_FINISH : Z_NO_FLUSH);
            out.append(buffer, sizeof buffer - z.avail_out);
        } while (z.avail_out == 0);
    }
    deflateEnd(&z);
    return out;
}

std::string urlset_element(std::string_view urls)
{
    return R"(<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">)" +
           std::string(urls) + "</urlset>";
}

std::string urlset(std::string_view urls)
{
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + urlset_element(urls);
}

std::string repeat(std::string_view s, std::size_t n)
{
    std::string out;
    out.reserve(s.size() * n);
    for (std::size_t i = 0; i < n; ++i) {
        out.append(s);
    }
    return out;
}

// ---------------------------------------------------------------- parse_sitemap

TEST(ParseSitemap, ReadsAUrlset)
{
    const Sitemap s = parse_sitemap(urlset(R"(
  <url><loc> https://a.example/one </loc><lastmod>2024-01-02</lastmod><priority>0.5</priority>
    <xhtml:link rel="alternate" hreflang="de" href="https://a.example/de/one"/>
    <image:image xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
      <image:loc>https://a.example/i.png</image:loc></image:image>
  </url>
  <url><changefreq>daily</changefreq></url>
  <url><loc>https://a.example/two</loc></url>)"));
    ASSERT_EQ(s.type, SitemapType::urlset);
    ASSERT_EQ(s.entries.size(), 2u); // the entry without <loc> is skipped
    EXPECT_EQ(s.entries[0].loc, "https://a.example/one");
    EXPECT_EQ(s.entries[0].fields.at("lastmod"), "2024-01-02");
    EXPECT_EQ(s.entries[0].fields.at("priority"), "0.5");
    EXPECT_EQ(s.entries[0].fields.at("image"), ""); // its text before its first child element
    EXPECT_EQ(s.entries[0].fields.count("loc"), 0u);
    EXPECT_EQ(s.entries[0].alternates, std::vector<std::string>{"https://a.example/de/one"});
    EXPECT_EQ(s.entries[1].loc, "https://a.example/two");
    EXPECT_TRUE(s.entries[1].fields.empty());
}

TEST(ParseSitemap, ReadsAnIndexWithPrefixedNames)
{
    const Sitemap s = parse_sitemap(R"(<sm:sitemapindex xmlns:sm="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sm:sitemap><sm:loc>https://a.example/s1.xml.gz</sm:loc><sm:lastmod>2005-01-01</sm:lastmod></sm:sitemap>
</sm:sitemapindex>)");
    ASSERT_EQ(s.type, SitemapType::sitemapindex);
    ASSERT_EQ(s.entries.size(), 1u);
    EXPECT_EQ(s.entries[0].loc, "https://a.example/s1.xml.gz");
    EXPECT_EQ(s.entries[0].fields.at("lastmod"), "2005-01-01");
}

TEST(ParseSitemap, DecodesReferencesAndCdata)
{
    const Sitemap s = parse_sitemap(urlset(R"(
  <url><loc>https://a.example/?a=1&amp;b=2&#38;c=&#x33;&#233;</loc><link href="x?a&amp;b&#65;&lt;"/></url>
  <url><loc><![CDATA[ https://a.example/&amp;raw ]]></loc></url>
  <url><loc>https://a.example/?a=1&b=2&amp</loc></url>)"));
    ASSERT_EQ(s.entries.size(), 3u);
    EXPECT_EQ(s.entries[0].loc, "https://a.example/?a=1&b=2&c=3\xc3\xa9");
    EXPECT_EQ(s.entries[0].alternates, std::vector<std::string>{"x?a&bA<"});
    EXPECT_EQ(s.entries[1].loc, "https://a.example/&amp;raw"); // CDATA is not unescaped
    // A bare '&' (invalid XML that real sitemaps contain) stays as written.
    EXPECT_EQ(s.entries[2].loc, "https://a.example/?a=1&b=2&amp");
}

TEST(ParseSitemap, TextIsLxmlElementText)
{
    const Sitemap s = parse_sitemap(urlset("<url><loc>https://a.example/<!-- c -->x\r\n</loc>"
                                           "<lastmod>2020<b>bold</b>tail</lastmod><changefreq/>"
                                           "<priority>\xc2\xa0 1\xe3\x80\x80\t</priority><lastmod>2021</lastmod></url>"));
    ASSERT_EQ(s.entries.size(), 1u);
    EXPECT_EQ(s.entries[0].loc, "https://a.example/x"); // a comment does not split the text
    EXPECT_EQ(s.entries[0].fields.at("lastmod"), "2021"); // the last one wins, as in Scrapy's dict
    EXPECT_EQ(s.entries[0].fields.at("changefreq"), "");
    EXPECT_EQ(s.entries[0].fields.at("priority"), "1"); // NBSP and U+3000 stripped as Python does
    const Sitemap t = parse_sitemap(urlset("<url><loc>a</loc><lastmod>2020<b>bold</b>tail</lastmod></url>"));
    EXPECT_EQ(t.entries.at(0).fields.at("lastmod"), "2020");
}

TEST(ParseSitemap, UnknownEntitiesLeaveNoText)
{
    const Sitemap s = parse_sitemap(urlset("<url><loc>https://a.example/&undeclared;tail</loc></url>"));
    ASSERT_EQ(s.entries.size(), 1u);
    EXPECT_EQ(s.entries[0].loc, "https://a.example/tail");
}

TEST(ParseSitemap, InvalidInputGivesNothing)
{
    for (const std::string& xml : {""s, "not xml"s, "<url>&k;"s, "<urlset><url><loc>a</loc></url>"s,
                                  urlset("<url><loc>a</loc></url><url><loc>http://cut"),
                                  urlset("<url><loc>a < b</loc></url>"), "\x1f\x8b\x08\x00"s, "\0\0\0"s}) {
        const Sitemap s = parse_sitemap(xml);
        EXPECT_EQ(s.type, SitemapType::unknown) << xml;
        EXPECT_TRUE(s.entries.empty()) << xml;
    }
}

TEST(ParseSitemap, JunkAfterTheRootIsTolerated)
{
    const Sitemap s = parse_sitemap(urlset("<url><loc>a</loc></url>") + "\n<br />\n<b>Warning</b>: x in <b>y.php");
    EXPECT_EQ(s.type, SitemapType::urlset);
    ASSERT_EQ(s.entries.size(), 1u);
    EXPECT_EQ(s.entries[0].loc, "a");
}

TEST(ParseSitemap, OtherRootsAreUnknown)
{
    const Sitemap s = parse_sitemap("<rss><item><loc>a</loc></item></rss>");
    EXPECT_EQ(s.type, SitemapType::unknown);
    EXPECT_EQ(s.entries.size(), 1u); // Scrapy's Sitemap iterates any root
    EXPECT_EQ(parse_sitemap("<html><body><p>Not found</p></body></html>").type, SitemapType::unknown);
}

TEST(ParseSitemap, Encodings)
{
    const Sitemap bom = parse_sitemap("\xef\xbb\xbf" + urlset("<url><loc>https://a.example/\xc3\xa9</loc></url>"));
    ASSERT_EQ(bom.entries.size(), 1u);
    EXPECT_EQ(bom.entries[0].loc, "https://a.example/\xc3\xa9");

    const Sitemap latin1 = parse_sitemap("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>"
                                         "<urlset><url><loc>https://a.example/\xe9</loc></url></urlset>");
    ASSERT_EQ(latin1.entries.size(), 1u);
    EXPECT_EQ(latin1.entries[0].loc, "https://a.example/\xc3\xa9");

    std::string utf16 = "\xff\xfe";
    for (const char c : "<urlset><url><loc>https://a.example/16</loc></url></urlset>"s) {
        utf16 += c;
        utf16 += '\0';
    }
    const Sitemap u16 = parse_sitemap(utf16);
    EXPECT_EQ(u16.type, SitemapType::urlset);
    ASSERT_EQ(u16.entries.size(), 1u);
    EXPECT_EQ(u16.entries[0].loc, "https://a.example/16");
    EXPECT_EQ(sitemap_body(utf16, 0), utf16);
}

// ---------------------------------------------------------------- hostile documents

TEST(ParseSitemapSecurity, BillionLaughsIsNotExpanded)
{
    std::string xml = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol0 \"lol\">\n";
    for (int i = 1; i <= 9; ++i) {
        xml += "<!ENTITY lol" + std::to_string(i) + " \"" + repeat("&lol" + std::to_string(i - 1) + ";", 10) + "\">\n";
    }
    xml += "]>\n" + urlset_element("<url><loc>https://a.example/&lol9;</loc><lastmod>&lol9;&lol9;</lastmod>"
                                   "<xhtml:link href=\"&lol9;x\"/></url>");
    const auto start = std::chrono::steady_clock::now();
    const Sitemap s = parse_sitemap(xml);
    const auto elapsed = std::chrono::steady_clock::now() - start;
    ASSERT_EQ(s.type, SitemapType::urlset);
    ASSERT_EQ(s.entries.size(), 1u);
    EXPECT_EQ(s.entries[0].loc, "https://a.example/");
    EXPECT_EQ(s.entries[0].fields.at("lastmod"), "");
    EXPECT_EQ(s.entries[0].alternates, std::vector<std::string>{"x"});
    EXPECT_LT(elapsed, std::chrono::seconds(1));
}

TEST(ParseSitemapSecurity, ExternalEntitiesAreNotLoaded)
{
    const std::string xml = R"(<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE foo [
<!ELEMENT foo ANY >
<!ENTITY xxe SYSTEM "file:///etc/passwd" >
<!ENTITY % remote SYSTEM "http://127.0.0.1:1/evil.dtd" > %remote;
]>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>http://127.0.0.1:8000/&xxe;</loc><lastmod>&xxe;</lastmod><xhtml:link href="&xxe;"/></url>
</urlset>)";
    const Sitemap s = parse_sitemap(xml);
    ASSERT_EQ(s.type, SitemapType::urlset);
    ASSERT_EQ(s.entries.size(), 1u);
    EXPECT_EQ(s.entries[0].loc, "http://127.0.0.1:8000/");
    EXPECT_EQ(s.entries[0].fields.at("lastmod"), "");
    EXPECT_EQ(s.entries[0].alternates, std::vector<std::string>{""});
    for (const auto& [name, value] : s.entries[0].fields) {
        EXPECT_EQ(value.find("root:"), std::string::npos) << name;
    }
}

TEST(ParseSitemapSecurity, DeepNestingDoesNotRecurse)
{
    constexpr std::size_t depth = 100'000;
    const std::string closed = urlset("<url><loc>a</loc><deep>" + repeat("<a>", depth) + repeat("</a>", depth) +
                                      "</deep></url>");
    const Sitemap s = parse_sitemap(closed);
    ASSERT_EQ(s.type, SitemapType::urlset);
    ASSERT_EQ(s.entries.size(), 1u);
    EXPECT_EQ(s.entries[0].fields.at("deep"), "");

    const Sitemap open = parse_sitemap(urlset("<url><loc>a</loc>" + repeat("<a>x", depth)));
    EXPECT_EQ(open.type, SitemapType::unknown);
    EXPECT_TRUE(open.entries.empty());

    // Nested conditional sections and groups inside a DTD, which is skipped.
    const Sitemap dtd = parse_sitemap("<!DOCTYPE a [" + repeat("<![INCLUDE[", depth) + repeat("]]>", depth) + "]>" +
                                      "<urlset><url><loc>b</loc></url></urlset>");
    EXPECT_EQ(dtd.type, SitemapType::urlset);
    const Sitemap dtd_open = parse_sitemap("<!DOCTYPE a [" + repeat("<!ELEMENT ", depth));
    EXPECT_EQ(dtd_open.type, SitemapType::unknown);
}

TEST(ParseSitemapPerformance, FiftyThousandUrls)
{
    std::string urls;
    for (int i = 0; i < 50'000; ++i) {
        urls += "<url><loc>https://www.example.com/products/item-" + std::to_string(i) +
                ".html</loc><lastmod>2024-05-01</lastmod><priority>0.8</priority></url>\n";
    }
    const std::string xml = urlset(urls);
    const auto start = std::chrono::steady_clock::now();
    const Sitemap s = parse_sitemap(xml);
    const auto elapsed = std::chrono::steady_clock::now() - start;
    ASSERT_EQ(s.entries.size(), 50'000u);
    EXPECT_EQ(s.entries.back().loc, "https://www.example.com/products/item-49999.html");
    std::printf("parse_sitemap: %zu bytes, 50000 URLs in %.1f ms\n", xml.size(),
                std::chrono::duration<double, std::milli>(elapsed).count());
    // A bound against accidental quadratic work, loose enough for sanitizer
    // builds on a busy machine (a plain build takes tens of milliseconds).
    EXPECT_LT(elapsed, std::chrono::seconds(5));
}

// ---------------------------------------------------------------- sitemap_body

TEST(SitemapBody, GunzipsWhateverTheUrl)
{
    const std::string xml = urlset("<url><loc>https://a.example/</loc></url>");
    EXPECT_EQ(sitemap_body(gzip(xml), 0), xml);
    EXPECT_EQ(sitemap_body(gzip(xml), xml.size()), xml); // exactly the limit is allowed
    EXPECT_EQ(sitemap_body(gzip(xml), xml.size() - 1), std::nullopt);
    EXPECT_EQ(sitemap_body(gzip(xml) + gzip(xml), 0), xml + xml); // multi-member, as gzip(1) writes it
}

TEST(SitemapBody, GzipBombBeyondTheLimitIsDropped)
{
    const std::string bomb = gzip(std::string(1 << 20, '\0'), 256); // 256 MiB of zeros, ~250 KB compressed
    ASSERT_LT(bomb.size(), 1u << 20);
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(sitemap_body(bomb, 10u << 20), std::nullopt);
    // Cut off near the limit, not inflated in full.
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(SitemapBody, CorruptGzipIsDropped)
{
    const std::string xml = urlset(repeat("<url><loc>https://a.example/</loc></url>", 100));
    const std::string gz = gzip(xml);
    EXPECT_EQ(sitemap_body(gz.substr(0, gz.size() / 2), 0), std::nullopt); // truncated
    EXPECT_EQ(sitemap_body(gz.substr(0, gz.size() - 4), 0), std::nullopt); // length trailer missing
    std::string flipped = gz;
    flipped[gz.size() / 2] = static_cast<char>(flipped[gz.size() / 2] ^ 0x55);
    EXPECT_EQ(sitemap_body(flipped, 0), std::nullopt);
    EXPECT_EQ(sitemap_body(gz + "garbage", 0), std::nullopt);
    EXPECT_EQ(sitemap_body("\x1f\x8b", 0), std::nullopt);
}

TEST(SitemapBody, PlainBodiesMustLookLikeXml)
{
    const std::string xml = urlset("<url><loc>https://a.example/</loc></url>");
    EXPECT_EQ(sitemap_body(xml, 0), xml);
    EXPECT_EQ(sitemap_body(xml, 1), xml); // the limit is for decompression only
    EXPECT_EQ(sitemap_body("\xef\xbb\xbf \r\n\t" + xml, 0), "\xef\xbb\xbf \r\n\t" + xml);
    EXPECT_EQ(sitemap_body("", 0), std::nullopt);
    EXPECT_EQ(sitemap_body("   \n", 0), std::nullopt);
    EXPECT_EQ(sitemap_body("{\"urls\": []}", 0), std::nullopt);
    EXPECT_EQ(sitemap_body("https://a.example/one\nhttps://a.example/two\n", 0), std::nullopt);
    EXPECT_EQ(sitemap_body("\xef\xbb\xbfhello", 0), std::nullopt);
    EXPECT_EQ(sitemap_body("\xfe\xff\0<"s, 0), "\xfe\xff\0<"s);   // UTF-16BE
    EXPECT_EQ(sitemap_body("\xff\xfe<\x01"s, 0), std::nullopt); // not '<' in UTF-16LE
}

// ---------------------------------------------------------------- robots_sitemap_urls

TEST(RobotsSitemapUrls, ReadsSitemapLines)
{
    const std::string robots = "\xef\xbb\xbfsitemap: /first.xml\r\n"
                               "User-agent: *\rDisallow: /private\r"
                               "  SITEMAP:https://b.example/second.xml # the news one\n"
                               "Sitemap: https://b.example/third.xml#part\n"
                               "Sitemap:\n"
                               "Sitemap : https://b.example/not-this-one.xml\n"
                               "# Sitemap: https://b.example/commented.xml\n"
                               "Sitemaps: https://b.example/typo.xml\n"
                               "Sitemap: https://b.example/\xff.xml\n"
                               "Sitemap: http://[bad/\n"
                               "Sitemap: HTTPS://b.example/last.xml";
    EXPECT_EQ(robots_sitemap_urls(robots, "https://a.example/robots.txt"),
              (std::vector<std::string>{"https://a.example/first.xml", "https://b.example/second.xml",
                                        "https://b.example/third.xml#part", "https://b.example/last.xml"}));
}

TEST(RobotsSitemapUrls, WithoutAUsableBaseOnlyAbsoluteValues)
{
    EXPECT_EQ(robots_sitemap_urls("Sitemap: /relative.xml\nSitemap: https://b.example/s.xml\n", ""),
              std::vector<std::string>{"https://b.example/s.xml"});
}

// ---------------------------------------------------------------- sitemap_links

TEST(SitemapLinks, RobotsTxtGivesSitemaps)
{
    const auto links = sitemap_links("https://a.example/robots.txt?x=1", "Sitemap: /s.xml\n", {}, 0);
    EXPECT_EQ(links.sitemaps, std::vector<std::string>{"https://a.example/s.xml"});
    EXPECT_TRUE(links.pages.empty());
    // Only the path counts.
    const auto not_robots = sitemap_links("https://a.example/x?next=/robots.txt", "Sitemap: /s.xml\n", {}, 0);
    EXPECT_TRUE(not_robots.sitemaps.empty());
    EXPECT_TRUE(not_robots.invalid);
}

TEST(SitemapLinks, IndexFollowAndFilter)
{
    const std::string index = R"(<sitemapindex>
  <sitemap><loc>https://a.example/news.xml</loc><lastmod>2024-01-01</lastmod></sitemap>
  <sitemap><loc>https://a.example/old.xml</loc><lastmod>2001-01-01</lastmod></sitemap>
  <sitemap><loc>https://a.example/products.xml</loc></sitemap>
</sitemapindex>)";
    SitemapRules rules;
    EXPECT_EQ(sitemap_links("https://a.example/sitemap.xml.gz", gzip(index), rules, 0).sitemaps.size(), 3u);
    rules.follow = [](std::string_view loc) { return loc.find("old") == std::string_view::npos; };
    rules.filter = [](const SitemapEntry& e) { return e.fields.count("lastmod") != 0; };
    const auto links = sitemap_links("https://a.example/sitemap.xml", index, rules, 0);
    EXPECT_EQ(links.sitemaps, std::vector<std::string>{"https://a.example/news.xml"});
    EXPECT_TRUE(links.pages.empty());
    EXPECT_FALSE(links.invalid);
}

TEST(SitemapLinks, UrlsetPagesWithAlternates)
{
    const std::string xml = urlset(R"(<url><loc>https://a.example/en</loc>
  <xhtml:link rel="alternate" hreflang="de" href="https://a.example/de"/></url>
<url><loc>https://a.example/fr</loc></url>)");
    SitemapRules rules;
    EXPECT_EQ(sitemap_links("https://a.example/s.xml", xml, rules, 0).pages,
              (std::vector<std::string>{"https://a.example/en", "https://a.example/fr"}));
    rules.alternate_links = true;
    rules.follow = [](std::string_view) { return false; }; // for indexes only
    const auto links = sitemap_links("https://a.example/s.xml", xml, rules, 0);
    EXPECT_EQ(links.pages,
              (std::vector<std::string>{"https://a.example/en", "https://a.example/de", "https://a.example/fr"}));
    EXPECT_TRUE(links.sitemaps.empty());
}

TEST(SitemapLinks, InvalidBodies)
{
    EXPECT_TRUE(sitemap_links("https://a.example/s.xml", "", {}, 0).invalid);
    EXPECT_TRUE(sitemap_links("https://a.example/s.xml", "Just text", {}, 0).invalid);
    const std::string big = gzip(urlset(repeat("<url><loc>https://a.example/</loc></url>", 1000)));
    EXPECT_TRUE(sitemap_links("https://a.example/s.xml.gz", big, {}, 1000).invalid);
    const auto html = sitemap_links("https://a.example/s.xml", "<html><p>404</p></html>", {}, 0);
    EXPECT_FALSE(html.invalid);
    EXPECT_TRUE(html.pages.empty() && html.sitemaps.empty());
}

} // namespace
} // namespace trawl
