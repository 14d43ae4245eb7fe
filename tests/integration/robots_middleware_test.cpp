// The robots.txt middleware in whole crawls against the test server: rules
// obeyed across a crawl with one fetch per origin, an unreachable robots.txt
// (disallow all, fetched again after ROBOTSTXT_RETRY_INTERVAL), Crawl-delay
// spacing the requests to a host, and robots.txt bodies that are not
// robots.txt files (binary, HTML, huge).

#include "support/test_server.hpp"

#include <trawl/crawler.hpp>
#include <trawl/downloader_middleware.hpp>
#include <trawl/spider.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <future>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace trawl::testing {
namespace {

using SteadyClock = std::chrono::steady_clock;

// Follows every href of the pages it gets and records their URLs; a page
// URL in `then` makes it request the mapped URL next.
class FollowingSpider final : public Spider {
public:
    FollowingSpider(std::vector<std::string> urls, std::map<std::string, std::string> then = {})
        : then_(std::move(then))
    {
        name = "following";
        start_urls = std::move(urls);
    }
    Callback parse(Response response) override
    {
        seen_.with([&](std::vector<std::string>& urls) { urls.push_back(response.url()); });
        if (auto next = then_.find(response.url()); next != then_.end()) {
            Request request{next->second};
            co_yield std::move(request);
        }
        std::string_view body = response.body();
        for (auto at = body.find("href=\""); at != std::string_view::npos; at = body.find("href=\"", at)) {
            at += 6;
            auto end = body.find('"', at);
            co_yield response.follow(body.substr(at, end - at));
        }
    }
    std::set<std::string> urls()
    {
        return seen_.with(
            [](std::vector<std::string>& urls) { return std::set<std::string>(urls.begin(), urls.end()); });
    }

private:
    std::map<std::string, std::string> then_;
    Guarded<std::vector<std::string>> seen_;
};

// Last before the downloader: when each request (robots.txt's included)
// really leaves.
class DepartureLog final : public DownloaderMiddleware {
public:
    explicit DepartureLog(Guarded<std::vector<std::pair<std::string, SteadyClock::time_point>>>& log) : log_(log) {}
    HookSet hooks() const override { return static_cast<HookSet>(Hook::request); }
    boost::asio::awaitable<RequestAction> process_request(Request& request) override
    {
        const auto now = SteadyClock::now();
        log_.with([&](auto& entries) { entries.emplace_back(request.url, now); });
        RequestAction pass = Continue{};
        co_return pass;
    }

private:
    Guarded<std::vector<std::pair<std::string, SteadyClock::time_point>>>& log_;
};

Settings obeying(std::initializer_list<std::pair<std::string_view, boost::json::value>> values = {})
{
    Settings settings;
    settings.set("LOG_LEVEL", "WARNING", SettingPriority::project);
    settings.set("ROBOTSTXT_OBEY", true, SettingPriority::project);
    for (const auto& [name, value] : values) {
        settings.set(name, value, SettingPriority::project);
    }
    return settings;
}

TestFile html(std::string body) { return TestFile{"text/html", std::move(body), std::nullopt, false}; }

double stat(Crawler& crawler, std::string_view key) { return crawler.stats().get_number(key, 0); }

// crawl(), forced closed with reason "stuck" if it has not finished after
// `limit` (a crawl that deadlocks would not close gracefully either).
std::string crawl_within(Crawler& crawler, std::chrono::seconds limit)
{
    std::promise<std::string> reason;
    auto finished = reason.get_future();
    std::thread runner([&] { reason.set_value(crawler.crawl()); });
    if (finished.wait_for(limit) != std::future_status::ready) {
        crawler.close_spider("stuck");
        crawler.close_spider("stuck");
    }
    runner.join();
    return finished.get();
}

// The server's own /robots.txt disallows /private/ and /disallowed.
TestServerOptions private_site()
{
    TestServerOptions options;
    options.files["/start"] = html(R"(<a href="/public/1">1</a> <a href="/private/a">a</a> <a href="/disallowed">d</a>
        <a href="/private/b">b</a> <a href="/public/2">2</a>)");
    options.files["/public/1"] = html(R"(<a href="/private/c">c</a> <a href="/public/2">2</a> <a href="/start">s</a>)");
    options.files["/public/2"] = html(R"(<a href="/start">s</a> <a href="/private/a">a</a>)");
    return options;
}

TEST(RobotsMiddleware, DisallowedPathsAreNeverFetchedAcrossACrawl)
{
    TestServer server{private_site()};
    auto spider = std::make_unique<FollowingSpider>(std::vector<std::string>{server.url("/start")});
    auto* following = spider.get();
    Crawler crawler{std::move(spider), obeying()};
    EXPECT_EQ(crawler.crawl(), "finished");
    EXPECT_EQ(following->urls(),
              (std::set<std::string>{server.url("/start"), server.url("/public/1"), server.url("/public/2")}));
    EXPECT_EQ(stat(crawler, "robotstxt/forbidden"), 4);  // private/a, /disallowed, private/b, private/c
    EXPECT_EQ(stat(crawler, "robotstxt/request_count"), 1);
    EXPECT_EQ(stat(crawler, "robotstxt/response_count"), 1);
    EXPECT_EQ(stat(crawler, "robotstxt/response_status_count/200"), 1);
    EXPECT_EQ(server.requests_served(), 4U);  // robots.txt and the three public pages
}

TEST(RobotsMiddleware, ManyFirstRequestsWaitForOneFetchWithOnePlacePerHost)
{
    TestServer server{private_site()};
    std::vector<std::string> urls;
    for (const char* path : {"/start", "/public/1", "/public/2", "/private/x", "/private/y", "/disallowed"}) {
        urls.push_back(server.url(path));
    }
    auto spider = std::make_unique<FollowingSpider>(urls);
    auto* following = spider.get();
    // One place for the host: robots.txt must not wait for it, since the
    // request that asked for robots.txt holds it.
    Crawler crawler{std::move(spider), obeying({{"CONCURRENT_REQUESTS_PER_DOMAIN", 1}})};
    EXPECT_EQ(crawl_within(crawler, std::chrono::seconds{20}), "finished");
    EXPECT_EQ(following->urls().size(), 3U);
    EXPECT_EQ(stat(crawler, "robotstxt/request_count"), 1);
    EXPECT_GE(stat(crawler, "robotstxt/forbidden"), 3);
}

TEST(RobotsMiddleware, MissingRobotsTxtAllowsEverything)
{
    // RFC 9309 2.3.1.3: a 4xx robots.txt is "unavailable": crawl freely.
    TestServerOptions options = private_site();
    options.files["/robots.txt"] = TestFile{"text/plain", "User-agent: *\nDisallow: /\n", std::nullopt, false, 404};
    TestServer server{options};
    auto spider = std::make_unique<FollowingSpider>(std::vector<std::string>{server.url("/start")});
    auto* following = spider.get();
    Crawler crawler{std::move(spider), obeying()};
    EXPECT_EQ(crawler.crawl(), "finished");
    EXPECT_EQ(following->urls().count(server.url("/public/1")), 1U);
    EXPECT_EQ(stat(crawler, "robotstxt/forbidden"), 0);
    EXPECT_EQ(stat(crawler, "robotstxt/response_status_count/404"), 1);
}

TEST(RobotsMiddleware, ServerErrorOnRobotsTxtDisallowsEverything)
{
    // RFC 9309 2.3.1.4: unreachable (5xx) means complete disallow, where
    // Scrapy fails open.
    TestServerOptions options = private_site();
    options.files["/robots.txt"] = TestFile{"text/plain", "oops", std::nullopt, false, 500};
    TestServer server{options};
    auto spider = std::make_unique<FollowingSpider>(std::vector<std::string>{server.url("/start")});
    auto* following = spider.get();
    Crawler crawler{std::move(spider), obeying({{"RETRY_ENABLED", false}})};
    EXPECT_EQ(crawler.crawl(), "finished");
    EXPECT_TRUE(following->urls().empty());
    EXPECT_EQ(stat(crawler, "robotstxt/forbidden"), 1);
    EXPECT_EQ(stat(crawler, "robotstxt/response_status_count/500"), 1);
    EXPECT_EQ(server.requests_served(), 1U) << "only robots.txt";
}

TEST(RobotsMiddleware, UnreachableRobotsTxtDisallowsAllUntilFetchedAgain)
{
    std::uint16_t dead_port = 0;
    {
        TestServer gone;  // a port where nobody listens any more
        dead_port = gone.port();
    }
    const std::string dead = "http://127.0.0.1:" + std::to_string(dead_port);
    TestServer server;
    // The dead origin is asked at once and again after the live page,
    // which takes 0.4 s: past the 0.2 s retry interval.
    auto spider = std::make_unique<FollowingSpider>(
        std::vector<std::string>{dead + "/a", server.url("/delay/400")},
        std::map<std::string, std::string>{{server.url("/delay/400"), dead + "/b"}});
    auto* following = spider.get();
    Crawler crawler{std::move(spider), obeying({{"ROBOTSTXT_RETRY_INTERVAL", 0.2}, {"RETRY_ENABLED", false}})};
    EXPECT_EQ(crawler.crawl(), "finished");
    EXPECT_EQ(following->urls(), std::set<std::string>{server.url("/delay/400")});
    EXPECT_EQ(stat(crawler, "robotstxt/forbidden"), 2);
    EXPECT_EQ(stat(crawler, "robotstxt/request_count"), 3);  // the dead origin's twice, the live one's once
    EXPECT_EQ(stat(crawler, "robotstxt/retry_count"), 1);
    EXPECT_EQ(stat(crawler, "robotstxt/exception_count/connection_refused"), 2);
    EXPECT_EQ(stat(crawler, "robotstxt/response_count"), 1);
}

TEST(RobotsMiddleware, CrawlDelaySpacesTheRequestsToAHost)
{
    TestServerOptions options;
    options.files["/robots.txt"] = TestFile{"text/plain", "User-agent: *\nCrawl-delay: 1\n", std::nullopt, false};
    TestServer server{options};
    std::vector<std::string> urls;
    for (int i = 1; i <= 3; ++i) {
        urls.push_back(server.url("/bytes/" + std::to_string(i)));
    }
    auto spider = std::make_unique<FollowingSpider>(urls);
    auto* following = spider.get();
    Crawler crawler{std::move(spider),
                    obeying({{"DOWNLOADER_MIDDLEWARES", boost::json::object{{"test.departures", 990}}}})};
    Guarded<std::vector<std::pair<std::string, SteadyClock::time_point>>> departures;
    crawler.components().add_downloader_middleware(
        "test.departures", [&departures](Crawler&) { return std::make_unique<DepartureLog>(departures); });
    const auto start = SteadyClock::now();
    EXPECT_EQ(crawler.crawl(), "finished");
    const double elapsed = std::chrono::duration<double>(SteadyClock::now() - start).count();
    EXPECT_EQ(following->urls().size(), 3U);

    auto log = departures.with([](auto& entries) { return entries; });
    std::vector<SteadyClock::time_point> pages;
    for (const auto& [url, at] : log) {
        if (url.find("/robots.txt") == std::string::npos) {
            pages.push_back(at);
        }
    }
    ASSERT_EQ(pages.size(), 3U);  // each page left once: the reschedules happen before
    std::sort(pages.begin(), pages.end());
    for (std::size_t i = 1; i < pages.size(); ++i) {
        // The slot spaces starts by 1 s exactly; the log is a few
        // microseconds after each start.
        EXPECT_GE(std::chrono::duration<double>(pages[i] - pages[i - 1]).count(), 0.98) << i;
    }
    EXPECT_LT(elapsed, 10.0);
    EXPECT_EQ(stat(crawler, "robotstxt/request_count"), 1);
}

TEST(RobotsMiddleware, BinaryGarbageAsRobotsTxtAllowsEverything)
{
    std::string garbage;
    for (int i = 0; i < 20000; ++i) {
        garbage.push_back(static_cast<char>((i * 7919 + 13) % 256));
    }
    TestServerOptions options = private_site();
    options.files["/robots.txt"] = TestFile{"application/octet-stream", garbage, std::nullopt, false};
    TestServer server{options};
    auto spider = std::make_unique<FollowingSpider>(std::vector<std::string>{server.url("/start")});
    auto* following = spider.get();
    // The private pages are not there: 404, which httperror keeps from the
    // callback; they were requested all the same.
    Crawler crawler{std::move(spider), obeying()};
    EXPECT_EQ(crawler.crawl(), "finished");
    EXPECT_EQ(following->urls().size(), 3U);
    EXPECT_EQ(stat(crawler, "robotstxt/forbidden"), 0);
    EXPECT_EQ(stat(crawler, "downloader/response_status_count/404"), 4);
    EXPECT_EQ(stat(crawler, "robotstxt/request_count"), 1);
}

TEST(RobotsMiddleware, AnHtmlPageAsRobotsTxtAllowsEverything)
{
    TestServerOptions options = private_site();
    options.files["/robots.txt"] = html(
        "<!DOCTYPE html>\n<html><head><title>Page not found</title></head>\n<body><h1>Oops</h1>\n"
        "<p>Disallow: nothing here. User-agent: * is not a rule either.</p>\n<a href=\"/\">home</a></body></html>\n");
    TestServer server{options};
    auto spider = std::make_unique<FollowingSpider>(std::vector<std::string>{server.url("/start")});
    Crawler crawler{std::move(spider), obeying()};
    EXPECT_EQ(crawler.crawl(), "finished");
    EXPECT_EQ(stat(crawler, "robotstxt/forbidden"), 0);
    EXPECT_EQ(stat(crawler, "downloader/response_status_count/404"), 4);
}

// RFC 9309 2.5: a robots.txt past 500 KiB is read up to there, not failed
// (which would disallow the whole site), whatever DOWNLOAD_MAXSIZE says.
// The rules in the first 500 KiB apply; those after do not.
std::string huge_robots_txt()
{
    std::string body = "User-agent: *\nDisallow: /private/\nDisallow: /disallowed\n";
    const std::string filler = "# " + std::string(100, '-') + "\n";
    while (body.size() < 1200 * 1024) {
        body += filler;
    }
    return body + "Disallow: /public/\n";
}

TEST(RobotsMiddleware, HugeRobotsTxtIsReadUpTo500KiB)
{
    for (const bool gzip : {false, true}) {
        TestServerOptions options = private_site();
        options.files["/robots.txt"] = TestFile{"text/plain", huge_robots_txt(),
                                                gzip ? std::optional<std::string>("gzip") : std::nullopt, gzip};
        TestServer server{options};
        auto spider = std::make_unique<FollowingSpider>(std::vector<std::string>{server.url("/start")});
        auto* following = spider.get();
        Crawler crawler{std::move(spider), obeying({{"DOWNLOAD_MAXSIZE", 100000}})};
        EXPECT_EQ(crawler.crawl(), "finished") << gzip;
        EXPECT_EQ(following->urls(),
                  (std::set<std::string>{server.url("/start"), server.url("/public/1"), server.url("/public/2")}))
            << gzip;
        EXPECT_EQ(stat(crawler, "robotstxt/forbidden"), 4) << gzip;
        EXPECT_EQ(stat(crawler, "robotstxt/response_status_count/200"), 1) << gzip;
        EXPECT_EQ(stat(crawler, "robotstxt/request_count"), 1) << gzip;
    }
}

// Rules before the garbage (a file cut by a broken upload, say) still apply.
TEST(RobotsMiddleware, RulesBeforeBinaryGarbageApply)
{
    std::string body = "User-agent: *\nDisallow: /private/\n";
    for (int i = 0; i < 20000; ++i) {
        body.push_back(static_cast<char>((i * 7919 + 13) % 256));
    }
    TestServerOptions options = private_site();
    options.files["/robots.txt"] = TestFile{"text/plain", body, std::nullopt, false};
    TestServer server{options};
    auto spider = std::make_unique<FollowingSpider>(std::vector<std::string>{server.url("/start")});
    auto* following = spider.get();
    Crawler crawler{std::move(spider), obeying()};
    EXPECT_EQ(crawler.crawl(), "finished");
    EXPECT_EQ(following->urls().count(server.url("/public/2")), 1U);
    EXPECT_EQ(stat(crawler, "robotstxt/forbidden"), 3);  // private/a, private/b, private/c
    EXPECT_EQ(stat(crawler, "downloader/response_status_count/404"), 1);  // /disallowed
}

// A soft 404: the site answers 200 with its login page for any path.
TEST(RobotsMiddleware, ALoginPageAnswered200AsRobotsTxtAllowsEverything)
{
    TestServerOptions options = private_site();
    options.files["/robots.txt"] =
        html("\n<html><head><title>Sign in</title></head><body>\n<form method=\"post\" action=\"/login\">\n"
             "<input name=\"user\"> <input type=\"password\" name=\"password\">\n"
             "<button>Sign in</button></form>\n</body></html>\n");
    TestServer server{options};
    auto spider = std::make_unique<FollowingSpider>(std::vector<std::string>{server.url("/start")});
    Crawler crawler{std::move(spider), obeying()};
    EXPECT_EQ(crawler.crawl(), "finished");
    EXPECT_EQ(stat(crawler, "robotstxt/forbidden"), 0);
    EXPECT_EQ(stat(crawler, "downloader/response_status_count/404"), 4);
}

TEST(RobotsMiddleware, GzippedRobotsTxtIsDecoded)
{
    TestServerOptions options = private_site();
    options.files["/robots.txt"] =
        TestFile{"text/plain", "User-agent: *\nDisallow: /public/2\n", std::string("gzip"), true};
    TestServer server{options};
    auto spider = std::make_unique<FollowingSpider>(std::vector<std::string>{server.url("/start")});
    auto* following = spider.get();
    Crawler crawler{std::move(spider), obeying()};
    EXPECT_EQ(crawler.crawl(), "finished");
    EXPECT_EQ(following->urls().count(server.url("/public/2")), 0U);
    EXPECT_EQ(stat(crawler, "robotstxt/forbidden"), 1);  // the link in /public/1 is a duplicate
}

// The request that asks for robots.txt holds the only CONCURRENT_REQUESTS
// place while it waits: Crawler::download() must not wait for that cap
// (Scrapy's engine.download does not either). Bounded: a stuck crawl is
// forced closed after 10 s.
TEST(RobotsMiddleware, OneConcurrentRequestInAllDoesNotDeadlock)
{
    TestServer server{private_site()};
    auto spider =
        std::make_unique<FollowingSpider>(std::vector<std::string>{server.url("/start"), server.url("/public/1")});
    Crawler crawler{std::move(spider), obeying({{"CONCURRENT_REQUESTS", 1}})};
    EXPECT_EQ(crawl_within(crawler, std::chrono::seconds{10}), "finished");
    EXPECT_EQ(stat(crawler, "robotstxt/request_count"), 1);
}

} // namespace
} // namespace trawl::testing
