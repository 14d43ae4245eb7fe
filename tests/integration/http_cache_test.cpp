// The HTTP cache in whole crawls: the built-in `links` spider crawls a test
// server's site with HTTPCACHE_ENABLED, the server is stopped, and the same
// crawl again gives the same items from the cache alone; with
// HTTPCACHE_IGNORE_MISSING a page the cache does not have is dropped
// without a connection attempt.

#include "support/collect_pipeline.hpp"
#include "support/test_server.hpp"

#include <builtin_spiders.hpp>

#include <trawl/components.hpp>
#include <trawl/crawler.hpp>
#include <trawl/spider.hpp>

#include <boost/json/serialize.hpp>

#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <map>

namespace trawl::testing {
namespace {

constexpr int site_pages = 30;

class HttpCacheCrawl : public ::testing::Test {
protected:
    void SetUp() override
    {
        std::string pattern = (std::filesystem::temp_directory_path() / "trawl-http-cache-XXXXXX").string();
        ASSERT_NE(::mkdtemp(pattern.data()), nullptr) << std::strerror(errno);
        dir_ = pattern;
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    struct Result {
        std::string reason;
        std::map<std::string, std::string> items;  // url -> the item as JSON
        boost::json::object stats;
    };

    Result crawl(std::string start_url, std::initializer_list<std::pair<std::string_view, boost::json::value>> more = {})
    {
        SpiderRegistry registry;
        register_builtin_spiders(registry);
        auto spider = registry.create("links");
        spider->arguments = {{"start_url", std::move(start_url)}};
        Settings settings;
        settings.set("LOG_LEVEL", "WARNING", SettingPriority::project);
        settings.set("HTTPCACHE_ENABLED", true, SettingPriority::project);
        settings.set("HTTPCACHE_DIR", boost::json::value(dir_.string()), SettingPriority::project);
        for (const auto& [name, value] : more) {
            settings.set(name, value, SettingPriority::project);
        }
        Collected collected;
        Crawler crawler(std::move(spider), std::move(settings));
        crawler.components().add_pipeline("collect",
                                          [&](Crawler&) { return std::make_unique<CollectPipeline>(collected); });
        crawler.settings().set("ITEM_PIPELINES", boost::json::object{{"collect", 100}}, SettingPriority::project);
        Result result;
        result.reason = crawler.crawl();
        for (const auto& item : collected.items) {
            result.items[std::string(item.fields().at("url").as_string())] = boost::json::serialize(item.fields());
        }
        result.stats = crawler.stats().snapshot();
        return result;
    }

    static double stat(const Result& result, std::string_view key)
    {
        auto it = result.stats.find(key);
        return it == result.stats.end() ? 0 : it->value().to_number<double>();
    }

    std::filesystem::path dir_;
};

TEST_F(HttpCacheCrawl, ASecondCrawlRunsFromTheCacheWithTheServerStopped)
{
    auto server = std::make_unique<TestServer>(TestServerOptions{.site_pages = site_pages});
    const auto start = server->url("/page/0");
    // Bodies compressed in the file: the replay reads them back.
    auto first = crawl(start, {{"HTTPCACHE_GZIP", true}});
    ASSERT_EQ(first.reason, "finished");
    ASSERT_EQ(first.items.size(), static_cast<std::size_t>(site_pages));
    EXPECT_EQ(stat(first, "httpcache/miss"), site_pages);
    EXPECT_EQ(stat(first, "httpcache/firsthand"), site_pages);
    EXPECT_EQ(stat(first, "httpcache/store"), site_pages);
    EXPECT_EQ(stat(first, "httpcache/hit"), 0);
    EXPECT_TRUE(std::filesystem::exists(dir_ / "links.sqlite"));
    const auto served = server->requests_served();
    server.reset();
    EXPECT_EQ(served, static_cast<std::uint64_t>(site_pages));

    auto second = crawl(start);
    EXPECT_EQ(second.reason, "finished");
    EXPECT_EQ(second.items, first.items);
    EXPECT_EQ(stat(second, "httpcache/hit"), site_pages);
    EXPECT_EQ(stat(second, "httpcache/miss"), 0);
    EXPECT_EQ(stat(second, "httpcache/store"), 0);
    EXPECT_EQ(stat(second, "downloader/exception_count"), 0);
    EXPECT_EQ(stat(second, "downloader/response_status_count/200"), site_pages);
}

TEST_F(HttpCacheCrawl, IgnoreMissingDropsWhatTheCacheDoesNotHave)
{
    auto server = std::make_unique<TestServer>(TestServerOptions{.site_pages = site_pages});
    // Only the start page: the links spider follows nothing from a page
    // past the site's end (404), so crawl one page the cache will not have.
    const auto cached_page = server->url("/bytes/10");
    const auto missing_page = server->url("/page/3");
    auto first = crawl(cached_page);
    ASSERT_EQ(first.reason, "finished");
    EXPECT_EQ(stat(first, "httpcache/store"), 1);
    server.reset();

    auto second = crawl(missing_page, {{"HTTPCACHE_IGNORE_MISSING", true}});
    EXPECT_EQ(second.reason, "finished");
    EXPECT_TRUE(second.items.empty());
    EXPECT_EQ(stat(second, "httpcache/miss"), 1);
    EXPECT_EQ(stat(second, "httpcache/ignore"), 1);
    EXPECT_EQ(stat(second, "downloader/exception_count"), 0);

    auto again = crawl(cached_page, {{"HTTPCACHE_IGNORE_MISSING", true}});
    EXPECT_EQ(again.reason, "finished");
    EXPECT_EQ(stat(again, "httpcache/hit"), 1);
    EXPECT_EQ(stat(again, "downloader/exception_count"), 0);
}

TEST_F(HttpCacheCrawl, ACorruptCacheFileStopsTheCrawlBeforeItStarts)
{
    TestServer server{TestServerOptions{.site_pages = site_pages}};
    std::ofstream(dir_ / "links.sqlite", std::ios::binary) << std::string(4096, 'x');
    try {
        crawl(server.url("/page/0"));
        FAIL() << "the crawl ran";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find((dir_ / "links.sqlite").string()), std::string::npos) << e.what();
    }
    EXPECT_EQ(server.requests_served(), 0u);
}

} // namespace
} // namespace trawl::testing
