// The HTTP cache middleware's hooks, built through from_crawler, with a
// cache in a temporary directory and a fixed wall clock.

#include "downloader/http_cache.hpp"

#include "middleware_test_support.hpp"

#include <builtin_middlewares.hpp>

#include <trawl/components.hpp>

#include <trawl/error.hpp>
#include <trawl/settings.hpp>

#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace trawl::test {
namespace {

using namespace std::chrono;
using middlewares::CacheStorageError;
using middlewares::HttpCacheMiddleware;
using middlewares::detail::format_http_date;

const system_clock::time_point t0 = sys_days{year{2024} / 5 / 1} + hours{12};

class HttpCacheTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        std::string pattern = (std::filesystem::temp_directory_path() / "trawl-http-cache-XXXXXX").string();
        ASSERT_NE(::mkdtemp(pattern.data()), nullptr) << std::strerror(errno);
        dir_ = pattern;
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    // A crawler with the cache on in the temporary directory, and `more`.
    std::unique_ptr<Crawler> crawler(SettingList more = {})
    {
        auto c = make_crawler({{"HTTPCACHE_ENABLED", true}, {"HTTPCACHE_DIR", boost::json::value(dir_.string())}});
        for (const auto& [name, value] : more) {
            c->settings().set(name, value);
        }
        return c;
    }

    std::unique_ptr<HttpCacheMiddleware> middleware(Crawler& c)
    {
        auto mw = HttpCacheMiddleware::from_crawler(c);
        mw->set_wall_clock_for_test([this] { return now_; });
        return mw;
    }

    std::filesystem::path dir_;
    system_clock::time_point now_ = t0;
};

bool is_continue(const RequestAction& action) { return std::holds_alternative<Continue>(action); }

TEST_F(HttpCacheTest, DisabledByDefault)
{
    auto c = make_crawler();
    EXPECT_THROW(HttpCacheMiddleware::from_crawler(*c), NotConfigured);
}

TEST_F(HttpCacheTest, RegisteredAsHttpCache)
{
    auto c = crawler({{"DOWNLOADER_MIDDLEWARES_BASE", boost::json::object{{"httpcache", 900}}}});
    Components components;
    register_builtin_middlewares(components);
    auto built = components.build_downloader_middlewares(*c);
    ASSERT_EQ(built.size(), 1u);
    EXPECT_EQ(built[0].name, "httpcache");
    EXPECT_NE(dynamic_cast<HttpCacheMiddleware*>(built[0].component.get()), nullptr);
}

TEST_F(HttpCacheTest, TheCacheFileIsPerSpiderUnderHttpCacheDir)
{
    Settings settings;
    EXPECT_EQ(HttpCacheMiddleware::cache_file(settings, "quotes"),
              std::filesystem::path(".trawl/httpcache/quotes.sqlite"));
    settings.set("HTTPCACHE_DIR", "/var/cache/x");
    EXPECT_EQ(HttpCacheMiddleware::cache_file(settings, "a/b"), std::filesystem::path("/var/cache/x/a_b.sqlite"));
    EXPECT_EQ(HttpCacheMiddleware::cache_file(settings, ".."), std::filesystem::path("/var/cache/x/spider...sqlite"));
}

TEST_F(HttpCacheTest, StoresFirstHandResponsesThenServesThemFlaggedCached)
{
    auto c = crawler();
    auto mw = middleware(*c);
    Request request{"http://example.com/page"};
    EXPECT_TRUE(is_continue(run(mw->process_request(request))));
    EXPECT_EQ(stat(*c, "httpcache/miss"), 1);
    auto response = respond(request, 200, {{"Content-Type", "text/html"}}, "<p>hello</p>");
    auto passed = run(mw->process_response(request, response));
    ASSERT_TRUE(std::holds_alternative<Response>(passed));
    EXPECT_FALSE(std::get<Response>(passed).has_flag("cached"));
    EXPECT_EQ(stat(*c, "httpcache/firsthand"), 1);
    EXPECT_EQ(stat(*c, "httpcache/store"), 1);

    Request again{"http://example.com/page"};
    again.meta["note"] = "second";
    auto action = run(mw->process_request(again));
    ASSERT_TRUE(std::holds_alternative<Response>(action));
    const auto& cached = std::get<Response>(action);
    EXPECT_TRUE(cached.has_flag("cached"));
    EXPECT_EQ(cached.status(), 200);
    EXPECT_EQ(cached.body(), "<p>hello</p>");
    EXPECT_EQ(cached.headers().get("Content-Type"), "text/html");
    EXPECT_EQ(cached.request().meta.at("note"), "second");
    EXPECT_EQ(stat(*c, "httpcache/hit"), 1);
    // On its way back it is not stored again.
    run(mw->process_response(again, cached));
    EXPECT_EQ(stat(*c, "httpcache/store"), 1);
    EXPECT_EQ(stat(*c, "httpcache/firsthand"), 1);
}

TEST_F(HttpCacheTest, IgnoredCodesAreUncacheable)
{
    auto c = crawler({{"HTTPCACHE_IGNORE_HTTP_CODES", boost::json::array{404}}});
    auto mw = middleware(*c);
    Request request{"http://example.com/missing"};
    run(mw->process_request(request));
    run(mw->process_response(request, respond(request, 404)));
    EXPECT_EQ(stat(*c, "httpcache/uncacheable"), 1);
    EXPECT_FALSE(has_stat(*c, "httpcache/store"));
    Request again{"http://example.com/missing"};
    EXPECT_TRUE(is_continue(run(mw->process_request(again))));
    EXPECT_EQ(stat(*c, "httpcache/miss"), 2);
}

TEST_F(HttpCacheTest, IgnoreMissingDropsRequestsNotInTheCache)
{
    auto c = crawler({{"HTTPCACHE_IGNORE_MISSING", true}});
    auto mw = middleware(*c);
    Request request{"http://example.com/new"};
    auto action = run(mw->process_request(request));
    ASSERT_TRUE(std::holds_alternative<Ignore>(action));
    EXPECT_EQ(std::get<Ignore>(action).reason, "Ignored request not in cache: <GET http://example.com/new>");
    EXPECT_EQ(stat(*c, "httpcache/miss"), 1);
    EXPECT_EQ(stat(*c, "httpcache/ignore"), 1);
}

TEST_F(HttpCacheTest, DontCacheAndIgnoredSchemesBypassTheCache)
{
    auto c = crawler({{"HTTPCACHE_IGNORE_MISSING", true}});
    auto mw = middleware(*c);
    Request opted_out{"http://example.com/"};
    opted_out.meta["dont_cache"] = true;
    EXPECT_TRUE(is_continue(run(mw->process_request(opted_out))));
    run(mw->process_response(opted_out, respond(opted_out, 200)));
    Request file{"file:///tmp/x.html"};
    EXPECT_TRUE(is_continue(run(mw->process_request(file))));
    run(mw->process_response(file, respond(file, 200)));
    EXPECT_FALSE(has_stat(*c, "httpcache/miss"));
    EXPECT_FALSE(has_stat(*c, "httpcache/store"));
    EXPECT_FALSE(has_stat(*c, "httpcache/firsthand"));

    // A copy of the uncacheable request for a cacheable URL (as a redirect
    // makes) is looked up again.
    Request redirected = file;
    redirected.url = "http://example.com/moved";
    EXPECT_FALSE(is_continue(run(mw->process_request(redirected))));
    EXPECT_EQ(stat(*c, "httpcache/ignore"), 1);
}

class Rfc2616CacheTest : public HttpCacheTest {
protected:
    // Stores a response to GET /doc that is fresh for 10 s from t0.
    void store_fresh_for_ten_seconds(HttpCacheMiddleware& mw)
    {
        Request request{"http://example.com/doc"};
        run(mw.process_request(request));
        auto first = respond(request, 200,
                             {{"Date", format_http_date(t0)}, {"Cache-Control", "max-age=10"}, {"ETag", "\"v1\""}},
                             "version 1");
        run(mw.process_response(request, first));
    }
};

TEST_F(Rfc2616CacheTest, AStaleEntryIsRevalidatedAndA304ServesIt)
{
    auto c = crawler({{"HTTPCACHE_POLICY", "rfc2616"}});
    auto mw = middleware(*c);
    store_fresh_for_ten_seconds(*mw);
    EXPECT_EQ(stat(*c, "httpcache/store"), 1);

    now_ = t0 + seconds{5};
    Request fresh{"http://example.com/doc"};
    EXPECT_TRUE(std::holds_alternative<Response>(run(mw->process_request(fresh))));
    EXPECT_EQ(stat(*c, "httpcache/hit"), 1);

    now_ = t0 + seconds{20};
    Request stale{"http://example.com/doc"};
    EXPECT_TRUE(is_continue(run(mw->process_request(stale))));
    EXPECT_EQ(stale.headers.get("If-None-Match"), "\"v1\"");
    auto action = run(mw->process_response(stale, respond(stale, 304)));
    ASSERT_TRUE(std::holds_alternative<Response>(action));
    const auto& served = std::get<Response>(action);
    EXPECT_EQ(served.status(), 200);
    EXPECT_EQ(served.body(), "version 1");
    EXPECT_TRUE(served.has_flag("cached"));
    EXPECT_EQ(stat(*c, "httpcache/revalidate"), 1);
    EXPECT_EQ(stat(*c, "httpcache/store"), 1);
}

TEST_F(Rfc2616CacheTest, AChangedResponseReplacesTheEntry)
{
    auto c = crawler({{"HTTPCACHE_POLICY", "rfc2616"}});
    auto mw = middleware(*c);
    store_fresh_for_ten_seconds(*mw);
    now_ = t0 + seconds{20};
    Request stale{"http://example.com/doc"};
    run(mw->process_request(stale));
    auto changed = respond(stale, 200,
                           {{"Date", format_http_date(now_)}, {"Cache-Control", "max-age=100"}, {"ETag", "\"v2\""}},
                           "version 2");
    auto action = run(mw->process_response(stale, changed));
    EXPECT_EQ(std::get<Response>(action).body(), "version 2");
    EXPECT_EQ(stat(*c, "httpcache/invalidate"), 1);
    EXPECT_EQ(stat(*c, "httpcache/store"), 2);

    Request next{"http://example.com/doc"};
    auto hit = run(mw->process_request(next));
    ASSERT_TRUE(std::holds_alternative<Response>(hit));
    EXPECT_EQ(std::get<Response>(hit).body(), "version 2");
}

TEST_F(Rfc2616CacheTest, AFailedRevalidationServesTheStaleEntry)
{
    auto c = crawler({{"HTTPCACHE_POLICY", "rfc2616"}});
    auto mw = middleware(*c);
    store_fresh_for_ten_seconds(*mw);
    now_ = t0 + seconds{20};
    Request stale{"http://example.com/doc"};
    run(mw->process_request(stale));
    DownloadError refused{make_error_code(errc::connection_refused), "connection refused", stale.url};
    auto action = run(mw->process_exception(stale, refused));
    ASSERT_TRUE(std::holds_alternative<Response>(action));
    EXPECT_EQ(std::get<Response>(action).body(), "version 1");
    EXPECT_EQ(stat(*c, "httpcache/errorrecovery"), 1);

    // Not for a failure that is not the network's, nor twice.
    Request other{"http://example.com/doc"};
    run(mw->process_request(other));
    DownloadError bad{make_error_code(errc::invalid_url), "bad", other.url};
    EXPECT_TRUE(std::holds_alternative<Continue>(run(mw->process_exception(other, bad))));
    EXPECT_TRUE(std::holds_alternative<Continue>(run(mw->process_exception(other, refused))));
    EXPECT_EQ(stat(*c, "httpcache/errorrecovery"), 1);
}

TEST_F(HttpCacheTest, StorageSettings)
{
    auto unknown = crawler({{"HTTPCACHE_STORAGE", "redis"}});
    EXPECT_THROW(HttpCacheMiddleware::from_crawler(*unknown), SettingsError);
    LogCapture log;
    auto scrapy = crawler({{"HTTPCACHE_STORAGE", "scrapy.extensions.httpcache.FilesystemCacheStorage"}});
    EXPECT_NO_THROW(HttpCacheMiddleware::from_crawler(*scrapy));
    EXPECT_EQ(log.count("SQLite only", spdlog::level::warn), 1u);
}

TEST_F(HttpCacheTest, ACorruptCacheFileFailsAtStartUp)
{
    std::ofstream(dir_ / "test.sqlite", std::ios::binary) << std::string(4096, '\x01');
    auto c = crawler();
    EXPECT_THROW(HttpCacheMiddleware::from_crawler(*c), CacheStorageError);
}

} // namespace
} // namespace trawl::test
