// SitemapSpider through a real Crawler against the test server, which
// serves the sitemaps as files: a sitemap index leading to a gzip sitemap
// (served as bytes, without Content-Encoding) and a plain one, robots.txt
// Sitemap: lines, rules routing pages to callbacks, sitemap_follow,
// alternate links, sitemap_filter, an invalid sitemap and a gzip bomb; then
// the built-in `sitemap` spider, created by name from the registry.

#include "support/collect_pipeline.hpp"
#include "support/test_server.hpp"
#include "support/warning_capture.hpp"

#include <builtin_spiders.hpp>

#include <trawl/components.hpp>
#include <trawl/crawler.hpp>
#include <trawl/regex.hpp>
#include <trawl/sitemap_spider.hpp>

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace trawl::testing {
namespace {

constexpr const char* urlset_open = R"(<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">
)";

TestFile xml_file(std::string body) { return TestFile{"application/xml", std::move(body), std::nullopt, false}; }

std::map<std::string, TestFile> sitemap_files()
{
    std::map<std::string, TestFile> files;
    files["/sitemap_index.xml"] = xml_file(R"(<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>{base_url}/sitemap-a.xml.gz</loc><lastmod>2024-02-01</lastmod></sitemap>
  <sitemap><loc>{base_url}/sitemap-b.xml</loc></sitemap>
</sitemapindex>
)");
    // A .xml.gz file as servers send one: gzip bytes, no Content-Encoding.
    files["/sitemap-a.xml.gz"] = TestFile{"application/x-gzip",
                                          std::string(urlset_open) +
                                              "<url><loc>{base_url}/page/1</loc><lastmod>2024-01-15</lastmod></url>\n"
                                              "<url><loc>{base_url}/page/2</loc><lastmod>2019-03-01</lastmod></url>\n"
                                              "</urlset>\n",
                                          std::nullopt, true};
    files["/sitemap-b.xml"] = xml_file(std::string(urlset_open) + R"(
  <url><loc>{base_url}/page/3</loc>
    <xhtml:link rel="alternate" hreflang="de" href="{base_url}/page/5"/></url>
  <url><loc> {base_url}/page/4 </loc><lastmod>2024-05-01</lastmod>
    <xhtml:link rel="alternate" hreflang="de" href="{base_url}/page/5"/></url>
</urlset>
)");
    files["/sitemap-c.xml"] = TestFile{"text/plain", std::string(urlset_open) +
                                                         "<url><loc>{base_url}/page/6</loc></url></urlset>\n",
                                       std::nullopt, false};
    files["/robots.txt"] = TestFile{"text/plain",
                                    "User-agent: *\nDisallow: /private/\n\n"
                                    "Sitemap: {base_url}/sitemap-b.xml\n"
                                    "sitemap: /sitemap-c.xml # relative, resolved against robots.txt\n",
                                    std::nullopt, false};
    files["/broken-sitemap"] = TestFile{"text/html; charset=utf-8",
                                        "<html><head><title>Oops</title></head><body>Not a sitemap</body></html>",
                                        std::nullopt, false};
    // 3 MiB once gunzipped (the padding is whitespace inside the urlset).
    files["/bomb.xml.gz"] = TestFile{"application/octet-stream",
                                     std::string(urlset_open) + "<url><loc>{base_url}/page/7</loc></url>" +
                                         std::string(3u << 20, ' ') + "</urlset>",
                                     std::nullopt, true};
    return files;
}

/// Two callbacks: parse (kind "page") and parse_other (kind "other").
class PagesSpider final : public SitemapSpider {
public:
    PagesSpider()
    {
        name = "pages";
        callback("parse_other", &PagesSpider::parse_other);
    }

    Callback parse(Response response) override
    {
        Item item{"page"};
        item["url"] = response.url();
        co_yield std::move(item);
    }
    Callback parse_other(Response response)
    {
        Item item{"other"};
        item["url"] = response.url();
        co_yield std::move(item);
    }

    bool sitemap_filter(const SitemapEntry& entry) override { return !filter || filter(entry); }
    std::function<bool(const SitemapEntry&)> filter;
};

class SitemapSpiderCrawl : public ::testing::Test {
protected:
    std::unique_ptr<PagesSpider> spider(std::vector<std::string> paths)
    {
        auto s = std::make_unique<PagesSpider>();
        for (const auto& path : paths) {
            s->sitemap_urls.push_back(server_.url(path));
        }
        return s;
    }

    std::string run(std::unique_ptr<Spider> spider, std::int64_t max_size = 0)
    {
        Settings settings;
        settings.set("LOG_LEVEL", "WARNING", SettingPriority::project);
        if (max_size > 0) {
            settings.set("DOWNLOAD_MAXSIZE", max_size, SettingPriority::project);
        }
        crawler_ = std::make_unique<Crawler>(std::move(spider), std::move(settings));
        crawler_->components().add_pipeline(
            "collect", [this](Crawler&) { return std::make_unique<CollectPipeline>(collected_); });
        crawler_->settings().set("ITEM_PIPELINES", boost::json::object{{"collect", 100}}, SettingPriority::project);
        return crawler_->crawl();
    }

    /// url -> kind of every item; each URL must appear once.
    std::map<std::string, std::string> kinds()
    {
        std::map<std::string, std::string> out;
        for (const auto& item : collected_.items) {
            const std::string url(item.fields().at("url").as_string());
            EXPECT_TRUE(out.emplace(url, item.kind()).second) << "two items for " << url;
        }
        return out;
    }

    std::map<std::string, std::string> pages(std::initializer_list<int> numbers, const std::string& kind = "page")
    {
        std::map<std::string, std::string> out;
        for (const int n : numbers) {
            out[server_.url("/page/" + std::to_string(n))] = kind;
        }
        return out;
    }

    TestServer server_{TestServerOptions{.files = sitemap_files()}};
    Collected collected_;
    std::unique_ptr<Crawler> crawler_;
};

TEST_F(SitemapSpiderCrawl, IndexLeadsThroughGzipAndPlainSitemapsToPages)
{
    EXPECT_EQ(run(spider({"/sitemap_index.xml"})), "finished");
    EXPECT_EQ(kinds(), pages({1, 2, 3, 4}));
    // The index, its two sitemaps and four pages; no alternates by default.
    EXPECT_EQ(server_.requests_served(), 7u);
}

TEST_F(SitemapSpiderCrawl, RobotsTxtSitemapLinesAreRead)
{
    EXPECT_EQ(run(spider({"/robots.txt"})), "finished");
    EXPECT_EQ(kinds(), pages({3, 4, 6}));
}

TEST_F(SitemapSpiderCrawl, RulesRouteEachPageToTheFirstMatchingCallback)
{
    auto s = spider({"/sitemap_index.xml"});
    s->sitemap_rules = {{"/page/[13]$", "parse_other"}, {"/page/", "parse"}, {"/page/2", "parse_other"}};
    EXPECT_EQ(run(std::move(s)), "finished");
    auto expected = pages({2, 4});
    expected.merge(pages({1, 3}, "other"));
    EXPECT_EQ(kinds(), expected);
}

TEST_F(SitemapSpiderCrawl, PagesNoRuleMatchesAreNotRequested)
{
    auto s = spider({"/sitemap_index.xml"});
    s->sitemap_rules = {{"/page/4", ""}};
    EXPECT_EQ(run(std::move(s)), "finished");
    EXPECT_EQ(kinds(), pages({4}));
    EXPECT_EQ(server_.requests_served(), 4u);
}

TEST_F(SitemapSpiderCrawl, FollowChoosesTheSitemapsOfAnIndex)
{
    auto s = spider({"/sitemap_index.xml"});
    s->sitemap_follow = {"sitemap-b"};
    EXPECT_EQ(run(std::move(s)), "finished");
    EXPECT_EQ(kinds(), pages({3, 4}));
    EXPECT_EQ(server_.requests_served(), 4u);  // sitemap-a.xml.gz was never fetched
}

TEST_F(SitemapSpiderCrawl, EmptyFollowListFollowsNothing)
{
    auto s = spider({"/sitemap_index.xml", "/sitemap-c.xml"});
    s->sitemap_follow.clear();
    EXPECT_EQ(run(std::move(s)), "finished");
    EXPECT_EQ(kinds(), pages({6}));
}

TEST_F(SitemapSpiderCrawl, AlternateLinksAreRequestedWhenAsked)
{
    auto s = spider({"/sitemap-b.xml"});
    s->sitemap_alternate_links = true;
    EXPECT_EQ(run(std::move(s)), "finished");
    // /page/5 is the alternate of both entries: the dupefilter keeps one.
    EXPECT_EQ(kinds(), pages({3, 4, 5}));
}

TEST_F(SitemapSpiderCrawl, FilterSeesEntryFieldsSuchAsLastmod)
{
    auto s = spider({"/sitemap_index.xml"});
    std::mutex mutex;
    std::set<std::string> seen;
    // Index entries go through the filter too: keep the sitemaps, and of
    // the pages those modified in 2024.
    s->filter = [&](const SitemapEntry& entry) {
        {
            std::lock_guard lock{mutex};
            seen.insert(entry.loc);
        }
        if (entry.loc.find("sitemap-") != std::string::npos) {
            return true;
        }
        const auto lastmod = entry.fields.find("lastmod");
        return lastmod != entry.fields.end() && lastmod->second >= "2024";
    };
    EXPECT_EQ(run(std::move(s)), "finished");
    EXPECT_EQ(kinds(), pages({1, 4}));
    EXPECT_EQ(seen.size(), 6u);  // two sitemaps, four pages (locs trimmed)
    EXPECT_TRUE(seen.contains(server_.url("/page/4")));
}

TEST_F(SitemapSpiderCrawl, InvalidSitemapIsLoggedAndSkipped)
{
    WarningCapture warnings;
    EXPECT_EQ(run(spider({"/broken-sitemap", "/sitemap-b.xml"})), "finished");
    EXPECT_EQ(kinds(), pages({3, 4}));
    EXPECT_EQ(warnings.count("Ignoring invalid sitemap: <200 " + server_.url("/broken-sitemap") + ">"), 1u);
    EXPECT_EQ(warnings.count("Ignoring invalid sitemap"), 1u);
}

TEST_F(SitemapSpiderCrawl, GzipSitemapOverDownloadMaxsizeIsDropped)
{
    {
        WarningCapture warnings;
        EXPECT_EQ(run(spider({"/bomb.xml.gz", "/sitemap-c.xml"}), 1 << 20), "finished");
        EXPECT_EQ(kinds(), pages({6}));
        EXPECT_EQ(warnings.count("Ignoring invalid sitemap: <200 " + server_.url("/bomb.xml.gz") + ">"), 1u);
    }
    // The same file under a limit it fits in is a sitemap like any other.
    collected_.items.clear();
    EXPECT_EQ(run(spider({"/bomb.xml.gz"}), 8 << 20), "finished");
    EXPECT_EQ(kinds(), pages({7}));
}

TEST_F(SitemapSpiderCrawl, InvalidExpressionsFailAtStartUpNamingThem)
{
    auto s = spider({"/sitemap_index.xml"});
    s->sitemap_rules = {{"/page/(", "parse"}};
    try {
        run(std::move(s));
        FAIL() << "the crawl started with an invalid rule";
    } catch (const RegexError& e) {
        EXPECT_NE(std::string(e.what()).find("sitemap_rules"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("'/page/('"), std::string::npos) << e.what();
        EXPECT_EQ(e.pattern(), "/page/(");
    }
    s = spider({"/sitemap_index.xml"});
    s->sitemap_follow = {"[a-"};
    EXPECT_THROW(run(std::move(s)), RegexError);
    s = spider({"/sitemap_index.xml"});
    s->sitemap_rules = {{"", "parse_nothing"}};
    try {
        run(std::move(s));
        FAIL() << "the crawl started with a rule naming an unknown callback";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("parse_nothing"), std::string::npos) << e.what();
    }
    EXPECT_EQ(server_.requests_served(), 0u);
}

// --- the built-in `sitemap` spider -----------------------------------------

std::unique_ptr<Spider> builtin_sitemap_spider(std::map<std::string, std::string> arguments)
{
    SpiderRegistry registry;
    register_builtin_spiders(registry);
    auto spider = registry.create("sitemap");
    spider->arguments = std::move(arguments);
    return spider;
}

TEST_F(SitemapSpiderCrawl, BuiltinSpiderYieldsOneItemPerPage)
{
    EXPECT_EQ(run(builtin_sitemap_spider({{"url", server_.url("/sitemap_index.xml")}})), "finished");
    std::map<std::string, boost::json::object> by_url;
    for (const auto& item : collected_.items) {
        EXPECT_EQ(item.kind(), "page");
        by_url[std::string(item.fields().at("url").as_string())] = item.fields();
    }
    ASSERT_EQ(by_url.size(), 4u);
    const auto a = server_.url("/sitemap-a.xml.gz");
    const auto b = server_.url("/sitemap-b.xml");
    const std::map<int, std::pair<std::string, std::string>> expected{
        {1, {a, "2024-01-15"}}, {2, {a, "2019-03-01"}}, {3, {b, ""}}, {4, {b, "2024-05-01"}}};
    for (const auto& [n, source] : expected) {
        const auto& fields = by_url.at(server_.url("/page/" + std::to_string(n)));
        EXPECT_EQ(fields.at("status"), 200);
        EXPECT_EQ(fields.at("title"), boost::json::value("Page " + std::to_string(n)));
        EXPECT_EQ(fields.at("referer"), boost::json::value(source.first));
        if (source.second.empty()) {
            EXPECT_FALSE(fields.contains("lastmod")) << n;
        } else {
            EXPECT_EQ(fields.at("lastmod"), boost::json::value(source.second)) << n;
        }
    }
}

TEST_F(SitemapSpiderCrawl, BuiltinSpiderFollowAndRulesArguments)
{
    EXPECT_EQ(run(builtin_sitemap_spider(
                  {{"url", server_.url("/robots.txt")}, {"follow", "never-used"}, {"rules", "/page/[36]$"}})),
              "finished");
    EXPECT_EQ(kinds(), pages({3, 6}));
    collected_.items.clear();
    EXPECT_EQ(run(builtin_sitemap_spider({{"url", server_.url("/sitemap_index.xml")}, {"follow", "-a\\.xml"}})),
              "finished");
    EXPECT_EQ(kinds(), pages({1, 2}));
}

TEST_F(SitemapSpiderCrawl, BuiltinSpiderRefusesBadArguments)
{
    try {
        run(builtin_sitemap_spider({}));
        FAIL() << "the crawl started without a URL";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("-a url="), std::string::npos) << e.what();
    }
    EXPECT_THROW(run(builtin_sitemap_spider({{"url", "/sitemap.xml"}})), std::invalid_argument);
    EXPECT_THROW(run(builtin_sitemap_spider({{"url", "ftp://127.0.0.1/sitemap.xml"}})), std::invalid_argument);
    EXPECT_THROW(run(builtin_sitemap_spider({{"url", server_.url("/sitemap_index.xml")}, {"rules", "("}})),
                 std::invalid_argument);
    EXPECT_EQ(server_.requests_served(), 0u);
}

} // namespace
} // namespace trawl::testing
