// Per-host adaptive concurrency: multiplicative decrease on 429/503 and
// latency spikes (once per window), Retry-After holding the slot, additive
// increase back to the ceiling, bounded stats; against real download slots
// on a manual clock.

#include "downloader/adaptive_concurrency.hpp"
#include "frontier/slots.hpp"
#include "middleware_test_support.hpp"
#include "support/manual_clock.hpp"

#include <boost/json/parse.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>

namespace trawl::test {
namespace {

using middlewares::AdaptiveConcurrencyMiddleware;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr const char* host = "example.com";

struct Adaptive {
    explicit Adaptive(SettingList extra = {})
    {
        Settings settings;
        settings.set("RANDOMIZE_DOWNLOAD_DELAY", false);
        settings.set("ADAPTIVE_CONCURRENCY_RECOVERY_RESPONSES", 3);
        for (const auto& [name, value] : extra) {
            settings.set(name, value);
        }
        crawler = std::make_unique<Crawler>(std::make_unique<TestSpider>(), std::move(settings));
        crawler->set_clock(clock);
        slots.emplace(crawler->settings(), clock);
        middleware = AdaptiveConcurrencyMiddleware::from_crawler(*crawler);
        middleware->set_slots_for_test(&*slots);
        middleware->set_wall_clock_for_test([this] { return wall; });
    }
    /// A response that took `latency` seconds, arriving now.
    void respond_with(int status, double latency = 0.1, Headers headers = {},
                      std::string url = "http://example.com/page")
    {
        Request request{std::move(url)};
        request.meta["download_latency"] = latency;
        auto action = run(middleware->process_response(request, respond(request, status, std::move(headers))));
        ASSERT_TRUE(std::holds_alternative<Response>(action));
        EXPECT_EQ(std::get<Response>(action).status(), status);
    }
    std::size_t concurrency(std::string_view key = host) const { return slots->concurrency(key); }
    double stat(std::string_view key) const { return crawler->stats().get_number(key, -1); }

    testing::ManualClock clock;
    std::chrono::system_clock::time_point wall = std::chrono::sys_days{std::chrono::year{2024} / 5 / 6};
    std::unique_ptr<Crawler> crawler;
    std::optional<detail::Slots> slots;
    std::unique_ptr<AdaptiveConcurrencyMiddleware> middleware;
};

Headers retry_after(std::string value)
{
    Headers headers;
    headers.add("Retry-After", std::move(value));
    return headers;
}

TEST(AdaptiveConcurrencyTest, OnByDefaultAndSettingsChecked)
{
    auto crawler = make_crawler();
    auto mw = AdaptiveConcurrencyMiddleware::from_crawler(*crawler);
    EXPECT_EQ(mw->hooks(), static_cast<HookSet>(Hook::response));
    auto off = make_crawler({{"ADAPTIVE_CONCURRENCY_ENABLED", false}});
    EXPECT_THROW(AdaptiveConcurrencyMiddleware::from_crawler(*off), NotConfigured);
    for (auto [name, value] : {std::pair<const char*, boost::json::value>{"ADAPTIVE_CONCURRENCY_MIN", 0},
                               {"ADAPTIVE_CONCURRENCY_MAX", -1},
                               {"ADAPTIVE_CONCURRENCY_LATENCY_FACTOR", 0.5},
                               {"ADAPTIVE_CONCURRENCY_RECOVERY_RESPONSES", 0},
                               {"ADAPTIVE_CONCURRENCY_MAX_RETRY_AFTER", -1},
                               {"ADAPTIVE_CONCURRENCY_HTTP_CODES", boost::json::array{"429x"}}}) {
        auto bad = make_crawler({{name, value}});
        EXPECT_THROW(AdaptiveConcurrencyMiddleware::from_crawler(*bad), SettingsError) << name;
    }
}

TEST(AdaptiveConcurrencyTest, TooManyRequestsHalvesOncePerWindow)
{
    LogCapture log;
    Adaptive a;
    EXPECT_EQ(a.concurrency(), 8U);
    // Three requests sent together all get 429: one decrease.
    a.respond_with(429);
    a.respond_with(429);
    a.clock.advance(milliseconds{50});
    a.respond_with(429);  // sent 0.1 s ago: before the decrease
    EXPECT_EQ(a.concurrency(), 4U);
    EXPECT_EQ(a.stat("throttle/backoffs"), 1);
    // A request sent after it that is refused again halves again.
    a.clock.advance(seconds{1});
    a.respond_with(503);
    EXPECT_EQ(a.concurrency(), 2U);
    a.clock.advance(seconds{1});
    a.respond_with(429);
    EXPECT_EQ(a.concurrency(), 1U);
    a.clock.advance(seconds{1});
    a.respond_with(429);
    EXPECT_EQ(a.concurrency(), 1U) << "ADAPTIVE_CONCURRENCY_MIN";
    EXPECT_EQ(a.stat("throttle/backoffs"), 4);
    EXPECT_EQ(a.stat("throttle/example.com/backoffs"), 4);
    EXPECT_EQ(a.stat("throttle/example.com/concurrency"), 1);
    EXPECT_EQ(a.stat("throttle/example.com/delay_ms"), 0);
    EXPECT_EQ(log.count("Backing off example.com: concurrency 8 -> 4 (429 Too Many Requests)", spdlog::level::info), 1U);
    EXPECT_EQ(log.count("Backing off example.com: concurrency stays 1", spdlog::level::info), 1U);
    // Other hosts are not touched; other statuses are not refusals.
    a.respond_with(500, 0.1, {}, "http://other.example/");
    a.respond_with(404, 0.1, {}, "http://other.example/");
    EXPECT_EQ(a.concurrency("other.example"), 8U);
}

TEST(AdaptiveConcurrencyTest, RetryAfterHoldsTheSlotThenItsDelayApplies)
{
    Adaptive a{SettingList{{"DOWNLOAD_DELAY", 0.5}}};
    a.slots->start(host);
    a.slots->finish(host);
    a.respond_with(429, 0.1, retry_after("2"));
    EXPECT_FALSE(a.slots->slot_ready(host));
    ASSERT_TRUE(a.slots->next_ready_time());
    EXPECT_EQ(*a.slots->next_ready_time(), a.clock.now() + seconds{2});
    a.clock.advance(milliseconds{1999});
    EXPECT_FALSE(a.slots->slot_ready(host));
    a.clock.advance(milliseconds{1});
    EXPECT_TRUE(a.slots->slot_ready(host));
    EXPECT_EQ(a.stat("throttle/example.com/retry_after_ms"), 2000);
    EXPECT_EQ(a.stat("throttle/example.com/delay_ms"), 500);
    // The delay is the slot's own again: 0.5 s after the next start.
    a.slots->start(host);
    a.slots->finish(host);
    a.clock.advance(milliseconds{499});
    EXPECT_FALSE(a.slots->slot_ready(host));
    a.clock.advance(milliseconds{1});
    EXPECT_TRUE(a.slots->slot_ready(host));
}

TEST(AdaptiveConcurrencyTest, RetryAfterAsADateAndCapped)
{
    Adaptive a{SettingList{{"ADAPTIVE_CONCURRENCY_MAX_RETRY_AFTER", 5}}};
    a.respond_with(503, 0.1, retry_after("Mon, 06 May 2024 00:00:03 GMT"));  // `wall` + 3 s
    a.clock.advance(milliseconds{2990});
    EXPECT_FALSE(a.slots->slot_ready(host));
    a.clock.advance(milliseconds{10});
    EXPECT_TRUE(a.slots->slot_ready(host));
    a.respond_with(429, 0.1, retry_after("86400"));
    a.clock.advance(seconds{5});
    EXPECT_TRUE(a.slots->slot_ready(host)) << "capped at 5 s";
    a.respond_with(429, 0.1, retry_after("soon"));  // not a Retry-After value: no hold
    EXPECT_TRUE(a.slots->slot_ready(host));
    // A later, shorter hold does not shorten one in force.
    a.respond_with(429, 0.1, retry_after("4"));
    a.respond_with(429, 0.1, retry_after("1"));
    a.clock.advance(milliseconds{3999});
    EXPECT_FALSE(a.slots->slot_ready(host));
}

TEST(AdaptiveConcurrencyTest, GoodResponsesAfterTheDecreaseClimbBackOneByOne)
{
    LogCapture log;
    Adaptive a;  // RECOVERY_RESPONSES 3
    a.respond_with(429);
    EXPECT_EQ(a.concurrency(), 4U);
    // Answers to requests sent before the decrease do not count.
    a.clock.advance(milliseconds{50});
    for (int i = 0; i < 5; ++i) {
        a.respond_with(200);
    }
    EXPECT_EQ(a.concurrency(), 4U);
    a.clock.advance(seconds{1});
    a.respond_with(200);
    a.respond_with(404);  // the host is fine, the page is not
    a.respond_with(500);  // counts neither way
    EXPECT_EQ(a.concurrency(), 4U);
    a.respond_with(200);
    EXPECT_EQ(a.concurrency(), 5U);
    EXPECT_EQ(a.stat("throttle/example.com/concurrency"), 5);
    for (int i = 0; i < 3 * 3; ++i) {
        a.respond_with(200);
    }
    EXPECT_EQ(a.concurrency(), 8U);
    EXPECT_EQ(log.count("Recovered example.com: concurrency back to 8", spdlog::level::info), 1U);
    EXPECT_EQ(a.stat("throttle/recoveries"), 1);
    for (int i = 0; i < 6; ++i) {
        a.respond_with(200);
    }
    EXPECT_EQ(a.concurrency(), 8U) << "never past the ceiling";
    EXPECT_EQ(a.stat("throttle/example.com/concurrency"), 8);
    EXPECT_EQ(log.count("Recovered", spdlog::level::info), 1U);
}

TEST(AdaptiveConcurrencyTest, LatencySpikesBackOff)
{
    Adaptive a;  // factor 3, min 0.5 s
    for (int i = 0; i < 5; ++i) {
        a.respond_with(200, 0.2);
    }
    a.respond_with(200, 0.55);  // 2.75x: not a spike
    EXPECT_EQ(a.concurrency(), 8U);
    a.clock.advance(seconds{2});
    LogCapture log;
    a.respond_with(200, 1.5);
    EXPECT_EQ(a.concurrency(), 4U);
    EXPECT_EQ(log.count("Backing off example.com: concurrency 8 -> 4 (latency 1.5 s", spdlog::level::info), 1U);

    // Short latencies are never spikes, however many times the usual.
    a.respond_with(200, 0.01, {}, "http://fast.example/");
    for (int i = 0; i < 5; ++i) {
        a.respond_with(200, 0.01, {}, "http://fast.example/");
    }
    a.respond_with(200, 0.4, {}, "http://fast.example/");
    EXPECT_EQ(a.concurrency("fast.example"), 8U);
}

TEST(AdaptiveConcurrencyTest, NoBaselineNoSpikeAndFactorZeroTurnsItOff)
{
    Adaptive a{SettingList{{"ADAPTIVE_CONCURRENCY_LATENCY_FACTOR", 0}}};
    for (int i = 0; i < 5; ++i) {
        a.respond_with(200, 0.1);
    }
    a.respond_with(200, 30.0);
    EXPECT_EQ(a.concurrency(), 8U);
    a.respond_with(200, 10.0, {}, "http://new.example/");  // first answer: no baseline yet
    EXPECT_EQ(a.concurrency("new.example"), 8U);
}

TEST(AdaptiveConcurrencyTest, CeilingIsTheSlotsConfiguredConcurrencyOrTheMax)
{
    Adaptive a{SettingList{{"DOWNLOAD_SLOTS", boost::json::parse(R"({"example.com": {"concurrency": 3}})")},
                {"ADAPTIVE_CONCURRENCY_RECOVERY_RESPONSES", 1}}};
    a.respond_with(429);
    EXPECT_EQ(a.concurrency(), 1U);
    a.clock.advance(seconds{1});
    for (int i = 0; i < 5; ++i) {
        a.respond_with(200);
    }
    EXPECT_EQ(a.concurrency(), 3U);

    Adaptive b{SettingList{{"ADAPTIVE_CONCURRENCY_MAX", 10}, {"ADAPTIVE_CONCURRENCY_RECOVERY_RESPONSES", 1}}};
    for (int i = 0; i < 5; ++i) {
        b.respond_with(200);
    }
    EXPECT_EQ(b.concurrency(), 10U) << "an explicit max lets a healthy host climb past its start";
}

TEST(AdaptiveConcurrencyTest, ResponsesNotDownloadedAreIgnored)
{
    Adaptive a;
    Request cached{"http://example.com/"};
    run(a.middleware->process_response(cached, respond(cached, 429, retry_after("5"))));
    EXPECT_EQ(a.concurrency(), 8U);
    EXPECT_TRUE(a.slots->slot_ready(host));
    EXPECT_EQ(a.stat("throttle/backoffs"), -1);
}

TEST(AdaptiveConcurrencyTest, PerHostStatsAreBounded)
{
    Adaptive a;
    const std::size_t hosts = AdaptiveConcurrencyMiddleware::max_slots_in_stats + 20;
    for (std::size_t i = 0; i < hosts; ++i) {
        a.respond_with(429, 0.1, {}, "http://h" + std::to_string(i) + ".example/");
    }
    EXPECT_EQ(a.stat("throttle/backoffs"), static_cast<double>(hosts));
    std::size_t per_host = 0;
    for (const auto& [key, value] : a.crawler->stats().snapshot()) {
        per_host += key.ends_with("/backoffs") && key != "throttle/backoffs";
    }
    EXPECT_EQ(per_host, AdaptiveConcurrencyMiddleware::max_slots_in_stats);
    EXPECT_EQ(a.concurrency("h119.example"), 4U) << "throttled all the same";
}

TEST(AdaptiveConcurrencyTest, SlotsForgetIdleHostsButNotBackedOffOnes)
{
    Adaptive a{SettingList{{"ADAPTIVE_CONCURRENCY_RECOVERY_RESPONSES", 1}}};
    a.respond_with(429);
    a.clock.advance(std::chrono::minutes{10});
    a.respond_with(200, 0.1, {}, "http://other.example/");  // collects
    // Still backed off: the ceiling is still 8, not the lowered 4.
    for (int i = 0; i < 4; ++i) {
        a.respond_with(200);
    }
    EXPECT_EQ(a.concurrency(), 8U);
}

} // namespace
} // namespace trawl::test
