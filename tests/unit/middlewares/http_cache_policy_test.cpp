// The HTTP cache policies (Scrapy's DummyPolicy and RFC2616Policy), judged
// at fixed wall-clock times.

#include "downloader/http_cache_policy.hpp"

#include "middleware_test_support.hpp"

#include <trawl/settings.hpp>

#include <gtest/gtest.h>

#include <chrono>

namespace trawl::test {
namespace {

using namespace std::chrono;
using middlewares::HttpCachePolicy;
using middlewares::make_http_cache_policy;
using middlewares::detail::format_http_date;
using middlewares::detail::parse_cache_control;

const system_clock::time_point t0 = sys_days{year{2024} / 5 / 1} + hours{12};

std::unique_ptr<HttpCachePolicy> policy(SettingList settings)
{
    Settings s;
    for (const auto& [name, value] : settings) {
        s.set(name, value);
    }
    return make_http_cache_policy(s);
}

Response response(int status, Headers headers, const Request& request = Request{"http://example.com/"})
{
    return make_response(request.url, status, request, std::move(headers));
}

std::string date(system_clock::time_point t) { return format_http_date(t); }

TEST(HttpCachePolicyTest, ParsesCacheControlAsScrapy)
{
    auto cc = parse_cache_control("public, Max-Age=60 ,no-cache,, private=\"x\"");
    EXPECT_EQ(cc.size(), 4u);
    EXPECT_EQ(cc.at("max-age"), "60");
    EXPECT_FALSE(cc.at("public").has_value());
    EXPECT_FALSE(cc.at("no-cache").has_value());
    EXPECT_EQ(cc.at("private"), "\"x\"");
    EXPECT_TRUE(parse_cache_control("").empty());
    EXPECT_EQ(date(t0), "Wed, 01 May 2024 12:00:00 GMT");
}

TEST(HttpCachePolicyTest, NamesAndScrapyClassPathsChooseThePolicy)
{
    EXPECT_NO_THROW(policy({{"HTTPCACHE_POLICY", "dummy"}}));
    EXPECT_NO_THROW(policy({{"HTTPCACHE_POLICY", "scrapy.extensions.httpcache.DummyPolicy"}}));
    EXPECT_NO_THROW(policy({{"HTTPCACHE_POLICY", "rfc2616"}}));
    EXPECT_NO_THROW(policy({{"HTTPCACHE_POLICY", "scrapy.extensions.httpcache.RFC2616Policy"}}));
    EXPECT_THROW(policy({{"HTTPCACHE_POLICY", "myproject.Policy"}}), SettingsError);
    EXPECT_THROW(policy({{"HTTPCACHE_IGNORE_HTTP_CODES", boost::json::array{"abc"}}}), SettingsError);
}

TEST(HttpCachePolicyTest, DummyCachesAllButIgnoredSchemesAndCodesAndIsAlwaysFresh)
{
    auto p = policy({{"HTTPCACHE_IGNORE_HTTP_CODES", boost::json::array{404, "500"}}});
    Request http{"http://example.com/a"};
    EXPECT_TRUE(p->should_cache_request(http));
    EXPECT_FALSE(p->should_cache_request(Request{"file:///tmp/x"}));
    EXPECT_FALSE(p->should_cache_request(Request{"FILE:///tmp/x"}));
    EXPECT_TRUE(p->should_cache_response(response(200, {{"Cache-Control", "no-store"}}), http));
    EXPECT_TRUE(p->should_cache_response(response(302, {}), http));
    EXPECT_FALSE(p->should_cache_response(response(404, {}), http));
    EXPECT_FALSE(p->should_cache_response(response(500, {}), http));
    Request request{"http://example.com/a"};
    auto cached = response(200, {{"Cache-Control", "no-cache, max-age=0"}, {"ETag", "\"v1\""}});
    EXPECT_TRUE(p->is_cached_response_fresh(cached, request, t0 + hours{24 * 365 * 10}));
    EXPECT_FALSE(request.headers.contains("If-None-Match"));
    EXPECT_TRUE(p->is_cached_response_valid(cached, response(500, {}), request));
}

TEST(HttpCachePolicyTest, Rfc2616StoresWhatCanExpireOrBeRevalidated)
{
    auto p = policy({{"HTTPCACHE_POLICY", "rfc2616"}});
    Request request{"http://example.com/"};
    EXPECT_TRUE(p->should_cache_request(request));
    Request no_store{"http://example.com/"};
    no_store.headers.set("Cache-Control", "no-store");
    EXPECT_FALSE(p->should_cache_request(no_store));
    EXPECT_FALSE(p->should_cache_request(Request{"file:///etc/hosts"}));

    EXPECT_FALSE(p->should_cache_response(response(200, {}), request));  // no expiry, no validator
    EXPECT_TRUE(p->should_cache_response(response(200, {{"Cache-Control", "max-age=10"}}), request));
    EXPECT_TRUE(p->should_cache_response(response(404, {{"Expires", date(t0)}}), request));
    EXPECT_TRUE(p->should_cache_response(response(200, {{"ETag", "\"a\""}}), request));
    EXPECT_TRUE(p->should_cache_response(response(203, {{"Last-Modified", date(t0)}}), request));
    EXPECT_FALSE(p->should_cache_response(response(404, {{"ETag", "\"a\""}}), request));
    EXPECT_TRUE(p->should_cache_response(response(301, {}), request));
    EXPECT_TRUE(p->should_cache_response(response(308, {}), request));
    EXPECT_FALSE(p->should_cache_response(response(302, {}), request));
    EXPECT_FALSE(p->should_cache_response(response(304, {{"Cache-Control", "max-age=10"}}), request));
    EXPECT_FALSE(p->should_cache_response(response(200, {{"Cache-Control", "max-age=10, no-store"}}), request));

    auto always = policy({{"HTTPCACHE_POLICY", "rfc2616"}, {"HTTPCACHE_ALWAYS_STORE", true}});
    EXPECT_TRUE(always->should_cache_response(response(200, {}), request));
    EXPECT_TRUE(always->should_cache_response(response(500, {}), request));
    EXPECT_FALSE(always->should_cache_response(response(200, {{"Cache-Control", "no-store"}}), request));
    EXPECT_FALSE(always->should_cache_response(response(304, {}), request));

    auto ignoring = policy({{"HTTPCACHE_POLICY", "rfc2616"},
                            {"HTTPCACHE_IGNORE_RESPONSE_CACHE_CONTROLS", boost::json::array{"No-Store"}}});
    EXPECT_TRUE(ignoring->should_cache_response(response(200, {{"Cache-Control", "no-store, max-age=5"}}), request));
}

TEST(HttpCachePolicyTest, Rfc2616FreshnessFromMaxAgeExpiresAndAge)
{
    auto p = policy({{"HTTPCACHE_POLICY", "rfc2616"}});
    Request request{"http://example.com/"};
    auto max_age = response(200, {{"Date", date(t0)}, {"Cache-Control", "max-age=60"}});
    EXPECT_TRUE(p->is_cached_response_fresh(max_age, request, t0 + seconds{59}));
    EXPECT_FALSE(p->is_cached_response_fresh(max_age, request, t0 + seconds{60}));

    // max-age wins over Expires.
    auto both = response(200, {{"Date", date(t0)}, {"Cache-Control", "max-age=10"}, {"Expires", date(t0 + hours{1})}});
    EXPECT_FALSE(p->is_cached_response_fresh(both, request, t0 + seconds{11}));

    auto expires = response(200, {{"Date", date(t0)}, {"Expires", date(t0 + seconds{100})}});
    EXPECT_TRUE(p->is_cached_response_fresh(expires, request, t0 + seconds{99}));
    EXPECT_FALSE(p->is_cached_response_fresh(expires, request, t0 + seconds{101}));
    // An Expires that does not parse is already expired.
    auto bad_expires = response(200, {{"Date", date(t0)}, {"Expires", "0"}});
    EXPECT_FALSE(p->is_cached_response_fresh(bad_expires, request, t0));

    // Age counts too: 50 s old when received.
    auto aged = response(200, {{"Date", date(t0)}, {"Cache-Control", "max-age=60"}, {"Age", "50"}});
    EXPECT_TRUE(p->is_cached_response_fresh(aged, request, t0 + seconds{5}));
    EXPECT_TRUE(p->is_cached_response_fresh(aged, request, t0 + seconds{20}));
    EXPECT_FALSE(p->is_cached_response_fresh(aged, request, t0 + seconds{61}));
    EXPECT_FALSE(p->is_cached_response_fresh(
        response(200, {{"Date", date(t0)}, {"Cache-Control", "max-age=60"}, {"Age", "61"}}), request, t0));

    // Without a Date, the response is taken as sent "now": fresh for max-age.
    auto undated = response(200, {{"Cache-Control", "max-age=1"}});
    EXPECT_TRUE(p->is_cached_response_fresh(undated, request, t0 + hours{1000}));
}

TEST(HttpCachePolicyTest, Rfc2616HeuristicLifetimes)
{
    auto p = policy({{"HTTPCACHE_POLICY", "rfc2616"}});
    Request request{"http://example.com/"};
    // Modified 1000 s before it was sent: fresh for 100 s.
    auto modified = response(200, {{"Date", date(t0)}, {"Last-Modified", date(t0 - seconds{1000})}});
    EXPECT_TRUE(p->is_cached_response_fresh(modified, request, t0 + seconds{99}));
    Request later{"http://example.com/"};
    EXPECT_FALSE(p->is_cached_response_fresh(modified, later, t0 + seconds{101}));
    // Permanent redirects keep for a year.
    auto moved = response(301, {{"Date", date(t0)}});
    EXPECT_TRUE(p->is_cached_response_fresh(moved, request, t0 + hours{24 * 364}));
    EXPECT_FALSE(p->is_cached_response_fresh(moved, request, t0 + hours{24 * 366}));
    // Nothing to go on: stale at once.
    EXPECT_FALSE(p->is_cached_response_fresh(response(200, {{"Date", date(t0)}}), request, t0));
}

TEST(HttpCachePolicyTest, Rfc2616RequestDirectives)
{
    auto p = policy({{"HTTPCACHE_POLICY", "rfc2616"}});
    auto cached = response(200, {{"Date", date(t0)}, {"Cache-Control", "max-age=100"}});
    Request plain{"http://example.com/"};
    EXPECT_TRUE(p->is_cached_response_fresh(cached, plain, t0 + seconds{50}));

    Request no_cache{"http://example.com/"};
    no_cache.headers.set("Cache-Control", "no-cache");
    EXPECT_FALSE(p->is_cached_response_fresh(cached, no_cache, t0));
    EXPECT_FALSE(p->is_cached_response_fresh(
        response(200, {{"Date", date(t0)}, {"Cache-Control", "max-age=100, no-cache"}}), plain, t0));

    Request short_max_age{"http://example.com/"};
    short_max_age.headers.set("Cache-Control", "max-age=10");
    EXPECT_FALSE(p->is_cached_response_fresh(cached, short_max_age, t0 + seconds{50}));

    Request max_stale{"http://example.com/"};
    max_stale.headers.set("Cache-Control", "max-stale=30");
    EXPECT_TRUE(p->is_cached_response_fresh(cached, max_stale, t0 + seconds{120}));
    EXPECT_FALSE(p->is_cached_response_fresh(cached, max_stale, t0 + seconds{131}));
    Request any_stale{"http://example.com/"};
    any_stale.headers.set("Cache-Control", "max-stale");
    EXPECT_TRUE(p->is_cached_response_fresh(cached, any_stale, t0 + hours{1000}));
    auto must = response(200, {{"Date", date(t0)}, {"Cache-Control", "max-age=100, must-revalidate"}});
    EXPECT_FALSE(p->is_cached_response_fresh(must, any_stale, t0 + seconds{101}));
}

TEST(HttpCachePolicyTest, Rfc2616StaleResponsesAreRevalidated)
{
    auto p = policy({{"HTTPCACHE_POLICY", "rfc2616"}});
    const auto modified = date(t0 - hours{1});
    auto cached = response(200, {{"Date", date(t0)}, {"Cache-Control", "max-age=10"}, {"ETag", "\"v1\""},
                                 {"Last-Modified", modified}});
    Request request{"http://example.com/"};
    ASSERT_FALSE(p->is_cached_response_fresh(cached, request, t0 + seconds{11}));
    EXPECT_EQ(request.headers.get("If-None-Match"), "\"v1\"");
    EXPECT_EQ(request.headers.get("If-Modified-Since"), modified);

    EXPECT_TRUE(p->is_cached_response_valid(cached, response(304, {}), request));
    EXPECT_FALSE(p->is_cached_response_valid(cached, response(200, {}), request));
    // A server error keeps the cached copy, unless it must be revalidated.
    EXPECT_TRUE(p->is_cached_response_valid(cached, response(503, {}), request));
    auto must = response(200, {{"Cache-Control", "max-age=10, must-revalidate"}});
    EXPECT_FALSE(p->is_cached_response_valid(must, response(503, {}), request));
}

} // namespace
} // namespace trawl::test
