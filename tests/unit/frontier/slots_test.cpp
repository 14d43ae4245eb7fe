#include "frontier/slots.hpp"
#include "support/manual_clock.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>

namespace {

using namespace std::chrono_literals;
using trawl::Settings;
using trawl::SettingsError;
using trawl::detail::Slots;

Settings settings_from(std::string_view yaml)
{
    Settings settings;
    settings.load_yaml_string(yaml, "test.yaml");
    return settings;
}

class SlotsTest : public ::testing::Test {
protected:
    trawl::testing::ManualClock clock;
};

TEST_F(SlotsTest, PerSlotConcurrency)
{
    Slots slots{settings_from("CONCURRENT_REQUESTS_PER_DOMAIN: 2"), clock};
    EXPECT_TRUE(slots.ready("a"));
    slots.start("a");
    EXPECT_TRUE(slots.ready("a"));
    slots.start("a");
    EXPECT_FALSE(slots.ready("a"));
    EXPECT_EQ(slots.active("a"), 2u);
    EXPECT_TRUE(slots.ready("b"));  // other slots are not affected
    EXPECT_EQ(slots.active("b"), 0u);
    slots.finish("a");
    EXPECT_TRUE(slots.ready("a"));
    EXPECT_EQ(slots.active("a"), 1u);
    EXPECT_EQ(slots.global_active(), 1u);
}

TEST_F(SlotsTest, DelayBetweenStarts)
{
    Slots slots{settings_from("DOWNLOAD_DELAY: 2\nRANDOMIZE_DOWNLOAD_DELAY: false"), clock};
    const auto t0 = clock.now();
    slots.start("a");
    slots.finish("a");  // the delay counts from the start, not the end
    EXPECT_FALSE(slots.ready("a"));
    EXPECT_EQ(slots.next_ready_time(), t0 + 2s);
    clock.advance(2s - 1ns);
    EXPECT_FALSE(slots.ready("a"));
    clock.advance(1ns);
    EXPECT_TRUE(slots.ready("a"));
    EXPECT_EQ(slots.next_ready_time(), std::nullopt);
    EXPECT_TRUE(slots.ready("b"));
}

TEST_F(SlotsTest, DelayAllowsOverlapWithinConcurrency)
{
    // As Scrapy: the delay spaces starts; a slow download does not block the next.
    Slots slots{settings_from("DOWNLOAD_DELAY: 1\nRANDOMIZE_DOWNLOAD_DELAY: false"), clock};
    slots.start("a");
    clock.advance(1s);
    EXPECT_TRUE(slots.ready("a"));
    slots.start("a");
    EXPECT_EQ(slots.active("a"), 2u);
}

TEST_F(SlotsTest, RandomizedDelayWithinHalfToOneAndAHalf)
{
    Slots slots{settings_from("DOWNLOAD_DELAY: 1\nRANDOMIZE_DOWNLOAD_DELAY: true"), clock, 42};
    std::chrono::nanoseconds low = 1h;
    std::chrono::nanoseconds high = 0s;
    std::chrono::nanoseconds total = 0s;
    constexpr int draws = 1000;
    for (int i = 0; i < draws; ++i) {
        const auto start = clock.now();
        slots.start("a");
        slots.finish("a");
        const auto until = slots.next_ready_time();
        ASSERT_TRUE(until.has_value());
        const auto delay = *until - start;
        ASSERT_GE(delay, 500ms);
        ASSERT_LT(delay, 1500ms);
        low = std::min(low, delay);
        high = std::max(high, delay);
        total += delay;
        clock.advance(delay);
        ASSERT_TRUE(slots.ready("a"));
    }
    // Spread over the interval, centred on the delay (1000 draws: these
    // bounds fail with probability far below 1e-9).
    EXPECT_LT(low, 550ms);
    EXPECT_GT(high, 1450ms);
    EXPECT_NEAR(std::chrono::duration<double>(total).count() / draws, 1.0, 0.05);
}

TEST_F(SlotsTest, DownloadSlotsOverrideOneSlot)
{
    Slots slots{settings_from(R"(
CONCURRENT_REQUESTS_PER_DOMAIN: 4
DOWNLOAD_DELAY: 0
DOWNLOAD_SLOTS:
  slow.example: {concurrency: 1, delay: 5, randomize_delay: false}
  wide.example: {concurrency: 10}
)"),
                clock};
    EXPECT_EQ(slots.concurrency("slow.example"), 1u);
    EXPECT_EQ(slots.delay("slow.example"), 5s);
    EXPECT_EQ(slots.concurrency("wide.example"), 10u);
    EXPECT_EQ(slots.delay("wide.example"), 0s);
    EXPECT_EQ(slots.concurrency("other.example"), 4u);

    slots.start("slow.example");
    EXPECT_FALSE(slots.ready("slow.example"));
    slots.finish("slow.example");
    clock.advance(5s - 1ns);
    EXPECT_FALSE(slots.ready("slow.example"));
    clock.advance(1ns);
    EXPECT_TRUE(slots.ready("slow.example"));

    for (int i = 0; i < 4; ++i) {
        slots.start("other.example");
        slots.start("wide.example");
    }
    EXPECT_FALSE(slots.ready("other.example"));
    EXPECT_TRUE(slots.ready("wide.example"));
}

TEST_F(SlotsTest, MalformedSettingsThrow)
{
    const char* bad[] = {
        "CONCURRENT_REQUESTS: 0",
        "CONCURRENT_REQUESTS_PER_DOMAIN: 0",
        "DOWNLOAD_SLOTS: {a: 3}",
        "DOWNLOAD_SLOTS: {a: {concurency: 2}}",
        "DOWNLOAD_SLOTS: {a: {concurrency: 0}}",
        "DOWNLOAD_SLOTS: {a: {concurrency: two}}",
        "DOWNLOAD_SLOTS: {a: {delay: -1}}",
        "DOWNLOAD_SLOTS: {a: {randomize_delay: 3}}",
    };
    for (const char* yaml : bad) {
        EXPECT_THROW((Slots{settings_from(yaml), clock}), SettingsError) << yaml;
    }
    try {
        Slots slots{settings_from("DOWNLOAD_SLOTS: {a: {concurency: 2}}"), clock};
        ADD_FAILURE() << "no SettingsError";
    } catch (const SettingsError& e) {
        EXPECT_NE(std::string(e.what()).find("concurency"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("test.yaml"), std::string::npos) << e.what();
    }
}

TEST_F(SlotsTest, GlobalCap)
{
    Slots slots{settings_from("CONCURRENT_REQUESTS: 3"), clock};
    slots.start("a");
    slots.start("a");
    slots.start("b");
    EXPECT_FALSE(slots.global_ready());
    EXPECT_FALSE(slots.ready("c"));
    EXPECT_FALSE(slots.ready("a"));
    EXPECT_EQ(slots.global_active(), 3u);
    slots.finish("a");
    EXPECT_TRUE(slots.global_ready());
    EXPECT_TRUE(slots.ready("c"));
}

TEST_F(SlotsTest, SetDelayAndConcurrency)
{
    Slots slots{settings_from("RANDOMIZE_DOWNLOAD_DELAY: false"), clock};
    slots.start("a");
    slots.finish("a");
    EXPECT_TRUE(slots.ready("a"));
    // A Crawl-delay learnt after the first download applies to the next.
    slots.set_delay("a", 3s);
    EXPECT_EQ(slots.delay("a"), 3s);
    EXPECT_FALSE(slots.ready("a"));
    clock.advance(3s);
    EXPECT_TRUE(slots.ready("a"));

    slots.set_concurrency("a", 1);
    clock.advance(3s);
    slots.start("a");
    clock.advance(3s);
    EXPECT_FALSE(slots.ready("a"));  // delay passed, but the one place is taken
    slots.finish("a");
    EXPECT_TRUE(slots.ready("a"));

    // Set before any download: the slot exists and keeps the values.
    slots.set_delay("b", 1s);
    EXPECT_TRUE(slots.ready("b"));
    slots.start("b");
    EXPECT_FALSE(slots.ready("b"));

    EXPECT_THROW(slots.set_delay("a", -1s), std::invalid_argument);
    EXPECT_THROW(slots.set_concurrency("a", 0), std::invalid_argument);
}

TEST_F(SlotsTest, NextReadyTimeIsTheEarliestWaitingSlot)
{
    Slots slots{settings_from(R"(
RANDOMIZE_DOWNLOAD_DELAY: false
DOWNLOAD_SLOTS: {a: {delay: 3}, b: {delay: 1}, c: {delay: 2}}
)"),
                clock};
    const auto t0 = clock.now();
    EXPECT_EQ(slots.next_ready_time(), std::nullopt);
    slots.start("a");
    slots.start("b");
    slots.start("c");
    slots.start("d");  // no delay: never waits
    EXPECT_EQ(slots.next_ready_time(), t0 + 1s);
    clock.advance(1s);
    EXPECT_EQ(slots.next_ready_time(), t0 + 2s);
    // A shorter delay for "a" counts from its last start, and its old
    // wake-up at t0 + 3 s goes stale.
    slots.set_delay("a", 1500ms);
    EXPECT_EQ(slots.next_ready_time(), t0 + 1500ms);
    clock.advance(500ms);
    EXPECT_TRUE(slots.ready("a"));
    EXPECT_EQ(slots.next_ready_time(), t0 + 2s);
    clock.advance(500ms);
    EXPECT_EQ(slots.next_ready_time(), std::nullopt);
}

TEST_F(SlotsTest, IdleSlotsAreCollected)
{
    Slots slots{settings_from("DOWNLOAD_DELAY: 10\nRANDOMIZE_DOWNLOAD_DELAY: false"), clock};
    slots.start("idle");
    slots.start("busy");
    slots.finish("idle");
    slots.set_delay("idle", 20s);  // runtime changes go with the slot
    EXPECT_EQ(slots.size(), 2u);

    // Idle is counted from the end of the delay: 20 s + 60 s.
    clock.advance(79s);
    EXPECT_EQ(slots.collect_idle(), 0u);
    clock.advance(1s);
    EXPECT_EQ(slots.collect_idle(), 1u);
    EXPECT_FALSE(slots.contains("idle"));
    EXPECT_TRUE(slots.contains("busy"));  // a running download keeps its slot
    EXPECT_EQ(slots.delay("idle"), 10s);
    EXPECT_TRUE(slots.ready("idle"));

    clock.advance(1h);
    EXPECT_EQ(slots.collect_idle(), 0u);
    slots.finish("busy");
    clock.advance(59s);
    EXPECT_EQ(slots.collect_idle(), 0u);  // 60 s since it was last used
    clock.advance(1s);
    EXPECT_EQ(slots.collect_idle(), 1u);
    EXPECT_EQ(slots.size(), 0u);
}

TEST_F(SlotsTest, StartCollectsOncePerMinute)
{
    Slots slots{settings_from("DOWNLOAD_DELAY: 0"), clock};
    for (int i = 0; i < 100; ++i) {
        const auto key = "host" + std::to_string(i);
        slots.start(key);
        slots.finish(key);
    }
    EXPECT_EQ(slots.size(), 100u);
    clock.advance(30s);
    slots.start("x");
    EXPECT_EQ(slots.size(), 101u);  // not due yet
    clock.advance(30s);
    slots.start("y");
    EXPECT_EQ(slots.size(), 2u);  // the 100 idle hosts went; x and y are running
    EXPECT_EQ(slots.global_active(), 2u);
}

TEST_F(SlotsTest, UnknownSlotIsReadyAndIdle)
{
    Slots slots{Settings{}, clock};
    EXPECT_TRUE(slots.ready("never.seen"));
    EXPECT_EQ(slots.active("never.seen"), 0u);
    EXPECT_EQ(slots.size(), 0u);  // reading does not create slots
    EXPECT_EQ(slots.concurrency("never.seen"), 8u);
    EXPECT_EQ(slots.global_limit(), 16u);
}

} // namespace

namespace {

TEST_F(SlotsTest, DelayFloorBoundsEveryDrawnDelayAndOutlivesTheSlot)
{
    // DOWNLOAD_DELAY 1 s randomised (0.5-1.5 s), a Crawl-delay floor of 1.2 s.
    Slots slots{settings_from("DOWNLOAD_DELAY: 1"), clock};
    slots.set_delay_floor("a", 1200ms);
    slots.set_delay_floor("a", 300ms);  // the larger floor stays
    EXPECT_EQ(slots.delay("a"), 1200ms);
    EXPECT_EQ(slots.delay("b"), 1s);
    for (int i = 0; i < 200; ++i) {
        const auto start = clock.now();
        slots.start("a");
        slots.finish("a");
        clock.advance(1200ms - 1ns);
        EXPECT_FALSE(slots.ready("a")) << "a drawn delay went below the floor";
        while (!slots.ready("a")) {
            clock.advance(10ms);
        }
        EXPECT_LE(clock.now() - start, 1500ms + 10ms);
    }
    // The slot is collected after a minute idle; the floor is not.
    clock.advance(2min);
    EXPECT_EQ(slots.collect_idle(), 1u);
    EXPECT_FALSE(slots.contains("a"));
    EXPECT_EQ(slots.delay("a"), 1200ms);
    slots.start("a");
    clock.advance(1199ms);
    EXPECT_FALSE(slots.ready("a"));
}

TEST_F(SlotsTest, DelayFloorAppliesToTheWaitInProgress)
{
    Slots slots{settings_from("RANDOMIZE_DOWNLOAD_DELAY: false"), clock};
    slots.start("a");
    slots.finish("a");
    EXPECT_TRUE(slots.ready("a"));
    slots.set_delay_floor("a", 2s);
    EXPECT_FALSE(slots.ready("a"));
    clock.advance(2s);
    EXPECT_TRUE(slots.ready("a"));
    EXPECT_THROW(slots.set_delay_floor("a", -1s), std::invalid_argument);
}

} // namespace
