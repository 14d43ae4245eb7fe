// Throttling in whole crawls against the test server: a host that answers
// 429 with Retry-After slows the crawl down and it recovers (adaptive
// concurrency with the retry middleware); AutoThrottle's delay follows the
// server's latency; and delay floors (DOWNLOAD_DELAY, Crawl-delay) hold
// under AutoThrottle.

#include "support/test_server.hpp"

#include <trawl/crawler.hpp>
#include <trawl/downloader_middleware.hpp>
#include <trawl/slots.hpp>
#include <trawl/spider.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <future>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace trawl::testing {
namespace {

using SteadyClock = std::chrono::steady_clock;

class ListSpider final : public Spider {
public:
    explicit ListSpider(std::vector<std::string> urls)
    {
        name = "list";
        start_urls = std::move(urls);
    }
    Callback parse(Response response) override
    {
        seen_.with([&](std::set<std::string>& urls) { urls.insert(response.url()); });
        co_return;
    }
    std::set<std::string> urls()
    {
        return seen_.with([](std::set<std::string>& urls) { return urls; });
    }

private:
    Guarded<std::set<std::string>> seen_;
};

struct Event {
    std::string url;
    SteadyClock::time_point at;
    int status = 0;               ///< 0 for a departure
    double slot_delay = 0;        ///< seconds, at a departure
    std::size_t concurrency = 0;  ///< the slot's limit, at a departure
    double latency = -1;          ///< meta["download_latency"], at an answer
};

// Last before the downloader and first after it (priority 999): when each
// request really leaves, what its slot allowed then, and when its answer
// came back.
class Timeline final : public DownloaderMiddleware {
public:
    Timeline(Crawler& crawler, Guarded<std::vector<Event>>& events) : crawler_(crawler), events_(events) {}
    HookSet hooks() const override { return Hook::request | Hook::response; }
    boost::asio::awaitable<RequestAction> process_request(Request& request) override
    {
        Event event{request.url, SteadyClock::now()};
        if (auto* slots = crawler_.slots()) {
            const auto key = slot_key(request);
            event.slot_delay = std::chrono::duration<double>(slots->delay(key)).count();
            event.concurrency = slots->concurrency(key);
        }
        events_.with([&](std::vector<Event>& events) { events.push_back(event); });
        RequestAction pass = Continue{};
        co_return pass;
    }
    boost::asio::awaitable<ResponseAction> process_response(const Request& request, Response response) override
    {
        Event event{request.url, SteadyClock::now(), response.status()};
        if (const auto* latency = request.meta.if_contains("download_latency"); latency && latency->is_number()) {
            event.latency = latency->to_number<double>();
        }
        events_.with([&](std::vector<Event>& events) { events.push_back(event); });
        co_return response;
    }

private:
    Crawler& crawler_;
    Guarded<std::vector<Event>>& events_;
};

Settings base_settings(std::initializer_list<std::pair<std::string_view, boost::json::value>> values)
{
    Settings settings;
    settings.set("LOG_LEVEL", "WARNING", SettingPriority::project);
    settings.set("RANDOMIZE_DOWNLOAD_DELAY", false, SettingPriority::project);
    settings.set("DOWNLOADER_MIDDLEWARES", boost::json::object{{"test.timeline", 999}}, SettingPriority::project);
    for (const auto& [name, value] : values) {
        settings.set(name, value, SettingPriority::project);
    }
    return settings;
}

void add_timeline(Crawler& crawler, Guarded<std::vector<Event>>& events)
{
    crawler.components().add_downloader_middleware(
        "test.timeline", [&events](Crawler& c) { return std::make_unique<Timeline>(c, events); });
}

// crawl(), forced closed with reason "stuck" after `limit`.
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

double seconds_between(SteadyClock::time_point from, SteadyClock::time_point to)
{
    return std::chrono::duration<double>(to - from).count();
}

double stat(Crawler& crawler, std::string_view key) { return crawler.stats().get_number(key, -1); }

std::vector<Event> departures(const std::vector<Event>& events)
{
    std::vector<Event> out;
    std::copy_if(events.begin(), events.end(), std::back_inserter(out), [](const Event& e) { return e.status == 0; });
    return out;
}

TEST(Throttle, TooManyRequestsWithRetryAfterSlowsTheHostThenItRecovers)
{
    TestServer server;
    std::vector<std::string> urls;
    for (int i = 0; i < 12; ++i) {
        urls.push_back(server.url("/throttle/site/page" + std::to_string(i) + "?n=3&retry_after=1"));
    }
    auto spider = std::make_unique<ListSpider>(urls);
    auto* list = spider.get();
    Crawler crawler{std::move(spider), base_settings({{"CONCURRENT_REQUESTS_PER_DOMAIN", 4},
                                                      {"ADAPTIVE_CONCURRENCY_RECOVERY_RESPONSES", 2}})};
    Guarded<std::vector<Event>> timeline;
    add_timeline(crawler, timeline);
    const auto start = SteadyClock::now();
    ASSERT_EQ(crawl_within(crawler, std::chrono::seconds{30}), "finished");
    const double elapsed = seconds_between(start, SteadyClock::now());

    EXPECT_EQ(list->urls(), std::set<std::string>(urls.begin(), urls.end())) << "every page in the end";
    EXPECT_EQ(server.requests_served(), 15U) << "12 pages, 3 refused once";
    EXPECT_EQ(stat(crawler, "retry/count"), 3);

    const auto events = timeline.with([](std::vector<Event>& e) { return e; });
    auto first_refusal = std::find_if(events.begin(), events.end(), [](const Event& e) { return e.status == 429; });
    ASSERT_NE(first_refusal, events.end());
    // The first round (4 at once) left before any answer; everything after
    // the first 429 waited out its Retry-After.
    std::size_t later = 0;
    for (const Event& e : departures(events)) {
        if (e.at > first_refusal->at) {
            ++later;
            EXPECT_GE(seconds_between(first_refusal->at, e.at), 0.98) << e.url;
        }
    }
    EXPECT_EQ(later, 11U);
    EXPECT_LT(elapsed, 15.0);

    // One back-off for the one burst of refusals, then back up to 4.
    EXPECT_EQ(stat(crawler, "throttle/backoffs"), 1);
    EXPECT_EQ(stat(crawler, "throttle/127.0.0.1/backoffs"), 1);
    EXPECT_EQ(stat(crawler, "throttle/127.0.0.1/retry_after_ms"), 1000);
    EXPECT_EQ(stat(crawler, "throttle/127.0.0.1/concurrency"), 4);
    EXPECT_EQ(stat(crawler, "throttle/recoveries"), 1);
    std::size_t lowest = 4;
    for (const Event& e : departures(events)) {
        lowest = std::min(lowest, e.concurrency);
    }
    EXPECT_EQ(lowest, 2U) << "halved while the host was refusing";
}

TEST(Throttle, AutoThrottleDelayFollowsTheLatency)
{
    TestServer server;
    std::vector<std::string> urls;
    for (int i = 0; i < 8; ++i) {
        urls.push_back(server.url("/delay/300?i=" + std::to_string(i)));
    }
    auto spider = std::make_unique<ListSpider>(urls);
    auto* list = spider.get();
    Crawler crawler{std::move(spider), base_settings({{"AUTOTHROTTLE_ENABLED", true},
                                                      {"AUTOTHROTTLE_START_DELAY", 0.1},
                                                      {"ADAPTIVE_CONCURRENCY_ENABLED", false}})};
    Guarded<std::vector<Event>> timeline;
    add_timeline(crawler, timeline);
    ASSERT_EQ(crawl_within(crawler, std::chrono::seconds{30}), "finished");
    EXPECT_EQ(list->urls().size(), 8U);

    const auto events = timeline.with([](std::vector<Event>& e) { return e; });
    const auto first_answer = std::find_if(events.begin(), events.end(), [](const Event& e) { return e.status; });
    ASSERT_NE(first_answer, events.end());
    const auto left = departures(events);
    ASSERT_EQ(left.size(), 8U);
    // Before any answer the slot runs at the start delay, not DOWNLOAD_DELAY
    // (0) nor 300 ms.
    EXPECT_DOUBLE_EQ(left[0].slot_delay, 0.1);
    // Once answers come in, the delay is about the latency (target
    // concurrency 1): a request every 300 ms or more.
    const Event& last = left.back();
    EXPECT_GE(last.slot_delay, 0.29);
    EXPECT_LT(last.slot_delay, 2.0);
    for (std::size_t i = 1; i < left.size(); ++i) {
        if (left[i - 1].at > first_answer->at) {
            EXPECT_GE(seconds_between(left[i - 1].at, left[i].at), 0.29) << i;
        }
    }
}

// meta["download_latency"], which AutoThrottle follows, stops at the
// response head as in Scrapy: a slow or big body does not count.
TEST(Throttle, DownloadLatencyStopsAtTheResponseHead)
{
    TestServer server;
    // The head at once, then 4 chunks 150 ms apart.
    Crawler crawler{std::make_unique<ListSpider>(std::vector<std::string>{server.url("/slow?chunks=4&interval=150")}),
                    base_settings({})};
    Guarded<std::vector<Event>> timeline;
    add_timeline(crawler, timeline);
    ASSERT_EQ(crawl_within(crawler, std::chrono::seconds{30}), "finished");
    const auto events = timeline.with([](std::vector<Event>& e) { return e; });
    ASSERT_EQ(events.size(), 2U);
    const Event& left = events[0];
    const Event& answer = events[1];
    ASSERT_EQ(answer.status, 200);
    EXPECT_GE(seconds_between(left.at, answer.at), 0.45);  // the whole body
    EXPECT_GE(answer.latency, 0.0);
    EXPECT_LT(answer.latency, 0.3);
}

TEST(Throttle, DelayFloorsHoldUnderAutoThrottle)
{
    // Fast pages would take AutoThrottle's delay to zero; DOWNLOAD_DELAY and
    // robots.txt's Crawl-delay stay floors under it.
    TestServerOptions options;
    options.files["/robots.txt"] = TestFile{"text/plain", "User-agent: *\nCrawl-delay: 1\n", std::nullopt, false};
    TestServer server{options};
    std::vector<std::string> urls;
    for (int i = 1; i <= 3; ++i) {
        urls.push_back(server.url("/bytes/" + std::to_string(i)));
    }
    auto spider = std::make_unique<ListSpider>(urls);
    auto* list = spider.get();
    Crawler crawler{std::move(spider), base_settings({{"AUTOTHROTTLE_ENABLED", true},
                                                      {"AUTOTHROTTLE_START_DELAY", 0.0},
                                                      {"DOWNLOAD_DELAY", 0.3},
                                                      {"ROBOTSTXT_OBEY", true}})};
    Guarded<std::vector<Event>> timeline;
    add_timeline(crawler, timeline);
    ASSERT_EQ(crawl_within(crawler, std::chrono::seconds{30}), "finished");
    EXPECT_EQ(list->urls().size(), 3U);

    std::vector<SteadyClock::time_point> pages;
    for (const Event& e : departures(timeline.with([](std::vector<Event>& e) { return e; }))) {
        if (e.url.find("/robots.txt") == std::string::npos) {
            pages.push_back(e.at);
            EXPECT_GE(e.slot_delay, 0.3) << e.url;
        }
    }
    ASSERT_EQ(pages.size(), 3U);
    std::sort(pages.begin(), pages.end());
    for (std::size_t i = 1; i < pages.size(); ++i) {
        EXPECT_GE(seconds_between(pages[i - 1], pages[i]), 0.98) << i;
    }
}

} // namespace
} // namespace trawl::testing
