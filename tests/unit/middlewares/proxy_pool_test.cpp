#include "downloader/proxy_pool.hpp"
#include "middleware_test_support.hpp"

#include <trawl/error.hpp>
#include <trawl/settings.hpp>

#include <boost/json/array.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>

namespace trawl::test {
namespace {

using middlewares::ProxyPoolMiddleware;
using SteadyClock = std::chrono::steady_clock;

boost::json::array list(std::initializer_list<const char*> values)
{
    boost::json::array out;
    for (const char* v : values) {
        out.emplace_back(v);
    }
    return out;
}

std::unique_ptr<ProxyPoolMiddleware> make_pool(Crawler& crawler) { return ProxyPoolMiddleware::from_crawler(crawler); }

// The pool's choice for a new request.
Request assign(ProxyPoolMiddleware& pool, std::string url = "http://example.com/")
{
    Request request{std::move(url)};
    auto action = run(pool.process_request(request));
    EXPECT_TRUE(std::holds_alternative<Continue>(action));
    return request;
}

std::string pool_name(const Request& request)
{
    auto it = request.meta.find("_proxy_pool");
    return it == request.meta.end() ? "<none>" : std::string(it->value().as_string());
}

TEST(ProxyPoolTest, NotConfiguredWithoutProxies)
{
    auto crawler = make_crawler();
    EXPECT_THROW(make_pool(*crawler), NotConfigured);
    auto missing = make_crawler({{"PROXY_POOL_FILE", "/nonexistent/proxies.txt"}});
    EXPECT_THROW(make_pool(*missing), SettingsError);
}

TEST(ProxyPoolTest, ReadsTheFileSkippingCommentsAndBlankLines)
{
    EXPECT_EQ(ProxyPoolMiddleware::parse_proxy_list("# pool\nhttp://a:1\n\n  b:2  # second\r\n#c:3\n"),
              (std::vector<std::string>{"http://a:1", "b:2"}));
    const auto path = std::filesystem::temp_directory_path() / "trawl-proxy-pool-test.txt";
    std::ofstream(path) << "# proxies\nhttp://u:secret@p1.example:8080\np2.example:3128\n";
    auto crawler = make_crawler({{"PROXY_POOL_FILE", boost::json::string(path.string())}, {"PROXY_POOL", list({"p3:1"})}});
    auto pool = make_pool(*crawler);
    std::filesystem::remove(path);
    EXPECT_EQ(pool->proxy_names(), (std::vector<std::string>{"p3:1", "p1.example:8080", "p2.example:3128"}));
}

TEST(ProxyPoolTest, RoundRobinWithStatsThatNeverShowCredentials)
{
    auto crawler = make_crawler({{"PROXY_POOL", list({"http://u:secret@a:1", "http://b:2", "http://u:other@a:1"})}});
    auto pool = make_pool(*crawler);
    EXPECT_EQ(pool->proxy_names(), (std::vector<std::string>{"a:1", "b:2", "a:1#2"}));
    std::vector<std::string> chosen;
    for (int i = 0; i < 6; ++i) {
        auto request = assign(*pool);
        chosen.push_back(pool_name(request));
        if (i == 0) {
            EXPECT_EQ(request.meta.at("proxy"), "http://u:secret@a:1");  // for httpproxy to split
        }
    }
    EXPECT_EQ(chosen, (std::vector<std::string>{"a:1", "b:2", "a:1#2", "a:1", "b:2", "a:1#2"}));
    EXPECT_EQ(stat(*crawler, "proxy_pool/requests"), 6);
    EXPECT_EQ(stat(*crawler, "proxy_pool/a:1/requests"), 2);
    EXPECT_EQ(stat(*crawler, "proxy_pool/a:1#2/requests"), 2);
    for (const auto& [key, value] : crawler->stats().snapshot()) {
        EXPECT_EQ(std::string(key).find("secret"), std::string::npos) << key;
    }
}

TEST(ProxyPoolTest, LeavesTheSpidersChoiceAlone)
{
    auto crawler = make_crawler({{"PROXY_POOL", list({"http://a:1"})}});
    auto pool = make_pool(*crawler);
    Request mine{"http://example.com/"};
    mine.meta["proxy"] = "http://mine:9";
    ASSERT_TRUE(std::holds_alternative<Continue>(run(pool->process_request(mine))));
    EXPECT_EQ(mine.meta.at("proxy"), "http://mine:9");
    EXPECT_EQ(pool_name(mine), "<none>");
    Request none{"http://example.com/"};
    none.meta["proxy"] = nullptr;
    ASSERT_TRUE(std::holds_alternative<Continue>(run(pool->process_request(none))));
    EXPECT_TRUE(none.meta.at("proxy").is_null());
    // A response to a request the pool did not route is not its business.
    auto passed = run(pool->process_response(mine, respond(mine, 403)));
    EXPECT_TRUE(std::holds_alternative<Response>(passed));
}

TEST(ProxyPoolTest, BanStatusBenchesTheProxyAndRetriesThroughAnother)
{
    auto crawler = make_crawler({{"PROXY_POOL", list({"http://a:1", "http://b:2"})}});
    auto pool = make_pool(*crawler);
    auto request = assign(*pool);
    ASSERT_EQ(pool_name(request), "a:1");
    request.headers.set("Proxy-Authorization", "Basic eDp5");  // as httpproxy leaves it
    request.meta["_auth_proxy"] = "http://a:1";

    auto action = run(pool->process_response(request, respond(request, 403)));
    ASSERT_TRUE(std::holds_alternative<Reschedule>(action));
    const auto& again = std::get<Reschedule>(action).request;
    EXPECT_FALSE(again.meta.contains("proxy"));
    EXPECT_FALSE(again.meta.contains("_proxy_pool"));
    EXPECT_FALSE(again.headers.contains("Proxy-Authorization"));
    EXPECT_EQ(again.meta.at("proxy_pool_retries").to_number<int>(), 1);
    EXPECT_TRUE(again.dont_filter);
    EXPECT_TRUE(pool->benched("a:1"));
    EXPECT_EQ(stat(*crawler, "proxy_pool/a:1/bans"), 1);
    EXPECT_EQ(stat(*crawler, "proxy_pool/bans"), 1);

    // While a:1 rests, every request goes through b:2.
    auto retried = again;
    ASSERT_TRUE(std::holds_alternative<Continue>(run(pool->process_request(retried))));
    EXPECT_EQ(pool_name(retried), "b:2");
    EXPECT_EQ(pool_name(assign(*pool)), "b:2");
    // A good answer passes.
    auto ok = run(pool->process_response(retried, respond(retried, 200)));
    EXPECT_TRUE(std::holds_alternative<Response>(ok));
}

TEST(ProxyPoolTest, BanMarkersInTheBody)
{
    auto crawler = make_crawler(
        {{"PROXY_POOL", list({"http://a:1", "http://b:2"})}, {"PROXY_POOL_BAN_MARKERS", list({"captcha"})}});
    auto pool = make_pool(*crawler);
    auto request = assign(*pool);
    auto action = run(pool->process_response(request, respond(request, 200, {}, "<p>solve this captcha</p>")));
    EXPECT_TRUE(std::holds_alternative<Reschedule>(action));
    EXPECT_TRUE(pool->benched("a:1"));
}

TEST(ProxyPoolTest, ConnectionFailuresBenchOtherFailuresDoNot)
{
    auto crawler = make_crawler({{"PROXY_POOL", list({"http://a:1", "http://b:2"})}});
    auto pool = make_pool(*crawler);
    auto request = assign(*pool);
    auto refused = run(pool->process_exception(
        request, DownloadError{make_error_code(errc::connection_refused), "connect to 127.0.0.1:1", request.url}));
    EXPECT_TRUE(std::holds_alternative<Reschedule>(refused));
    EXPECT_TRUE(pool->benched("a:1"));

    auto other = assign(*pool);
    auto too_large = run(pool->process_exception(
        other, DownloadError{make_error_code(errc::body_too_large), "too large", other.url}));
    EXPECT_TRUE(std::holds_alternative<Continue>(too_large));
    EXPECT_FALSE(pool->benched("b:2"));
}

TEST(ProxyPoolTest, RetriesAreBounded)
{
    auto crawler = make_crawler({{"PROXY_POOL", list({"http://a:1", "http://b:2"})}, {"PROXY_POOL_MAX_RETRIES", 1},
                                 {"PROXY_POOL_BENCH_SECS", 0}});
    auto pool = make_pool(*crawler);
    auto request = assign(*pool);
    auto first = run(pool->process_response(request, respond(request, 429)));
    ASSERT_TRUE(std::holds_alternative<Reschedule>(first));
    auto again = std::get<Reschedule>(first).request;
    ASSERT_TRUE(std::holds_alternative<Continue>(run(pool->process_request(again))));
    auto second = run(pool->process_response(again, respond(again, 429)));
    ASSERT_TRUE(std::holds_alternative<Response>(second));
    EXPECT_EQ(std::get<Response>(second).status(), 429);
    EXPECT_EQ(stat(*crawler, "proxy_pool/max_retries_reached"), 1);
}

TEST(ProxyPoolTest, WaitsForABenchedProxyToComeBack)
{
    auto crawler = make_crawler({{"PROXY_POOL", list({"http://a:1"})}, {"PROXY_POOL_BENCH_SECS", 0.3},
                                 {"PROXY_POOL_MAX_WAIT_SECS", 30}});
    auto pool = make_pool(*crawler);
    auto request = assign(*pool);
    run(pool->process_response(request, respond(request, 403)));
    ASSERT_TRUE(pool->benched("a:1"));
    const auto start = SteadyClock::now();
    auto waited = assign(*pool);
    EXPECT_EQ(pool_name(waited), "a:1");
    EXPECT_GE(SteadyClock::now() - start, std::chrono::milliseconds{250});
    EXPECT_EQ(stat(*crawler, "proxy_pool/waits"), 1);
    EXPECT_EQ(crawler->close_reason(), "");
}

TEST(ProxyPoolTest, ClosesTheCrawlWhenNoProxyComesBackInTime)
{
    LogCapture log;
    auto crawler = make_crawler({{"PROXY_POOL", list({"http://u:secret@a:1", "http://b:2"})},
                                 {"PROXY_POOL_BENCH_SECS", 60}, {"PROXY_POOL_MAX_WAIT_SECS", 0.3}});
    auto pool = make_pool(*crawler);
    auto first = assign(*pool);
    run(pool->process_response(first, respond(first, 403)));
    auto second = assign(*pool);
    run(pool->process_exception(
        second, DownloadError{make_error_code(errc::connection_reset), "read from 127.0.0.1:2: reset", second.url}));

    const auto start = SteadyClock::now();
    Request request{"http://example.com/"};
    auto action = run(pool->process_request(request));
    EXPECT_TRUE(std::holds_alternative<Ignore>(action));
    EXPECT_LT(SteadyClock::now() - start, std::chrono::seconds{5});
    EXPECT_EQ(crawler->close_reason(), "proxy_pool_exhausted");
    const auto error = crawler->stats().get_value("proxy_pool/error");
    ASSERT_TRUE(error.has_value());
    const std::string message(error->as_string());
    EXPECT_NE(message.find("all 2 proxies benched for"), std::string::npos) << message;
    EXPECT_NE(message.find("a:1: status 403"), std::string::npos) << message;
    EXPECT_NE(message.find("b:2: read from 127.0.0.1:2: reset"), std::string::npos) << message;
    EXPECT_EQ(message.find("secret"), std::string::npos) << message;
    EXPECT_EQ(log.count("all 2 proxies benched", spdlog::level::err), 1u);
    EXPECT_EQ(log.count("secret"), 0u);

    // Later requests are dropped at once.
    Request later{"http://example.com/later"};
    EXPECT_TRUE(std::holds_alternative<Ignore>(run(pool->process_request(later))));
}

} // namespace
} // namespace trawl::test
