// AutoThrottle: Scrapy's delay algorithm, the start delay for new slots, and
// the debug line, against real download slots on a manual clock.

#include "downloader/auto_throttle.hpp"
#include "frontier/slots.hpp"
#include "middleware_test_support.hpp"
#include "support/manual_clock.hpp"

#include <trawl/signals.hpp>

#include <boost/json/parse.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <optional>

namespace trawl::test {
namespace {

using middlewares::AutoThrottleMiddleware;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr const char* host = "example.com";

Request downloaded(double latency, std::string url = "http://example.com/")
{
    Request request{std::move(url)};
    request.meta["download_latency"] = latency;
    return request;
}

double delay_of(const detail::Slots& slots, std::string_view key = host)
{
    return std::chrono::duration<double>(slots.delay(key)).count();
}

struct Throttled {
    explicit Throttled(SettingList extra = {})
    {
        Settings settings;
        settings.set("AUTOTHROTTLE_ENABLED", true);
        settings.set("RANDOMIZE_DOWNLOAD_DELAY", false);
        for (const auto& [name, value] : extra) {
            settings.set(name, value);
        }
        crawler = std::make_unique<Crawler>(std::make_unique<TestSpider>(), std::move(settings));
        crawler->set_clock(clock);
        slots.emplace(crawler->settings(), clock);
        middleware = AutoThrottleMiddleware::from_crawler(*crawler);
        middleware->set_slots_for_test(&*slots);
        crawler->signals().send(SpiderOpened{});
    }
    void respond_with(double latency, int status = 200, std::string body = {})
    {
        auto request = downloaded(latency);
        auto action = run(middleware->process_response(request, respond(request, status, {}, std::move(body))));
        ASSERT_TRUE(std::holds_alternative<Response>(action));
        EXPECT_EQ(std::get<Response>(action).status(), status);
    }

    testing::ManualClock clock;
    std::unique_ptr<Crawler> crawler;
    std::optional<detail::Slots> slots;
    std::unique_ptr<AutoThrottleMiddleware> middleware;
};

TEST(AutoThrottleTest, OffByDefaultAndWithoutATargetConcurrency)
{
    auto crawler = make_crawler();
    EXPECT_THROW(AutoThrottleMiddleware::from_crawler(*crawler), NotConfigured);
    auto zero = make_crawler({{"AUTOTHROTTLE_ENABLED", true}, {"AUTOTHROTTLE_TARGET_CONCURRENCY", 0.0}});
    EXPECT_THROW(AutoThrottleMiddleware::from_crawler(*zero), NotConfigured);
    auto on = make_crawler({{"AUTOTHROTTLE_ENABLED", true}});
    auto mw = AutoThrottleMiddleware::from_crawler(*on);
    EXPECT_EQ(mw->hooks(), static_cast<HookSet>(Hook::response));
    EXPECT_DOUBLE_EQ(mw->start_delay(), 5.0);
}

TEST(AutoThrottleTest, ScrapysAdjustDelay)
{
    AutoThrottleMiddleware::Options o;  // target 1, min 0, max 60
    // Up: straight to the target. Down: halfway.
    EXPECT_DOUBLE_EQ(*AutoThrottleMiddleware::adjusted_delay(o, 0.1, 2.0, 200), 2.0);
    EXPECT_DOUBLE_EQ(*AutoThrottleMiddleware::adjusted_delay(o, 5.0, 1.0, 200), 3.0);
    EXPECT_DOUBLE_EQ(*AutoThrottleMiddleware::adjusted_delay(o, 60.0, 100.0, 200), 60.0);  // max
    o.min_delay = 0.5;
    EXPECT_DOUBLE_EQ(*AutoThrottleMiddleware::adjusted_delay(o, 0.2, 0.1, 200), 0.5);  // DOWNLOAD_DELAY floor
    o.target_concurrency = 4;
    EXPECT_DOUBLE_EQ(*AutoThrottleMiddleware::adjusted_delay(o, 4.0, 8.0, 200), 3.0);  // (4 + 2) / 2
    // Not 200: may raise the delay, never lower it (nor keep it).
    o = {};
    EXPECT_FALSE(AutoThrottleMiddleware::adjusted_delay(o, 5.0, 1.0, 404));
    EXPECT_FALSE(AutoThrottleMiddleware::adjusted_delay(o, 2.0, 2.0, 503));
    EXPECT_DOUBLE_EQ(*AutoThrottleMiddleware::adjusted_delay(o, 1.0, 3.0, 503), 3.0);
}

TEST(AutoThrottleTest, NewSlotsStartAtTheStartDelayThenFollowTheLatency)
{
    Throttled t;
    EXPECT_DOUBLE_EQ(delay_of(*t.slots), 5.0);
    EXPECT_DOUBLE_EQ(delay_of(*t.slots, "other.example"), 5.0);
    t.respond_with(1.0);
    EXPECT_DOUBLE_EQ(delay_of(*t.slots), 3.0);
    t.respond_with(1.0);
    EXPECT_DOUBLE_EQ(delay_of(*t.slots), 2.0);
    for (int i = 0; i < 30; ++i) {
        t.respond_with(1.0);
    }
    EXPECT_NEAR(delay_of(*t.slots), 1.0, 1e-6);
    t.respond_with(4.0);  // a slow answer: straight up
    EXPECT_DOUBLE_EQ(delay_of(*t.slots), 4.0);
    t.respond_with(0.1, 500);  // a fast error page changes nothing
    EXPECT_DOUBLE_EQ(delay_of(*t.slots), 4.0);
    EXPECT_DOUBLE_EQ(delay_of(*t.slots, "other.example"), 5.0) << "per slot";
}

TEST(AutoThrottleTest, TheDelayGovernsTheSlot)
{
    Throttled t{SettingList{{"AUTOTHROTTLE_START_DELAY", 2.0}}};
    t.slots->start(host);
    t.slots->finish(host);
    t.clock.advance(seconds{1});
    EXPECT_FALSE(t.slots->slot_ready(host));
    t.respond_with(0.5);  // 2 -> 1.25 since the last start: ready 0.25 s from now
    EXPECT_FALSE(t.slots->slot_ready(host));
    t.clock.advance(milliseconds{250});
    EXPECT_TRUE(t.slots->slot_ready(host));
}

TEST(AutoThrottleTest, DownloadDelayIsTheLeastAndStartDelayIsAtLeastIt)
{
    Throttled t{SettingList{{"DOWNLOAD_DELAY", 3}, {"AUTOTHROTTLE_START_DELAY", 1}}};
    EXPECT_DOUBLE_EQ(t.middleware->start_delay(), 3.0);
    EXPECT_DOUBLE_EQ(delay_of(*t.slots), 3.0);
    for (int i = 0; i < 10; ++i) {
        t.respond_with(0.01);
    }
    EXPECT_DOUBLE_EQ(delay_of(*t.slots), 3.0);
}

TEST(AutoThrottleTest, CrawlDelayFloorStaysAFloor)
{
    Throttled t{SettingList{{"AUTOTHROTTLE_START_DELAY", 0.0}}};
    t.slots->set_delay_floor(host, seconds{2});
    for (int i = 0; i < 5; ++i) {
        t.respond_with(0.1);
    }
    EXPECT_DOUBLE_EQ(delay_of(*t.slots), 2.0);
    t.respond_with(7.0);
    EXPECT_DOUBLE_EQ(delay_of(*t.slots), 7.0);
}

TEST(AutoThrottleTest, ResponsesNotDownloadedOrOptedOutChangeNothing)
{
    Throttled t;
    Request cached{"http://example.com/"};  // no download_latency: from a cache
    run(t.middleware->process_response(cached, respond(cached, 200)));
    auto opted_out = downloaded(0.1);
    opted_out.meta["autothrottle_dont_adjust_delay"] = true;
    run(t.middleware->process_response(opted_out, respond(opted_out, 200)));
    EXPECT_DOUBLE_EQ(delay_of(*t.slots), 5.0);
}

TEST(AutoThrottleTest, DebugLineAsScrapys)
{
    LogCapture log;
    Throttled t{SettingList{{"AUTOTHROTTLE_DEBUG", true}}};
    t.respond_with(1.0, 200, "hello");
    EXPECT_EQ(log.count("slot: example.com | conc: 0 | delay: 3000 ms (-2000) | latency: 1000 ms | size:     5 bytes",
                        spdlog::level::info),
              1U);
}

TEST(AutoThrottleTest, DownloadSlotsWithTheirOwnDelayKeepIt)
{
    Throttled t{SettingList{{"DOWNLOAD_SLOTS", boost::json::parse(R"({"a.example": {"delay": 0.5}, "b.example": {"concurrency": 2}})")}}};
    EXPECT_DOUBLE_EQ(delay_of(*t.slots, "a.example"), 0.5);
    EXPECT_DOUBLE_EQ(delay_of(*t.slots, "b.example"), 5.0);
}

} // namespace
} // namespace trawl::test
