#include "crawler_test_support.hpp"

#include "extensions/core_stats.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <string_view>

namespace trawl {
namespace {

using test::make_crawler;

/// "2024-05-01T12:00:00.123456Z": '9' in the shape stands for any digit.
bool is_iso8601_utc(std::string_view text)
{
    constexpr std::string_view shape = "9999-99-99T99:99:99.999999Z";
    if (text.size() != shape.size()) {
        return false;
    }
    for (std::size_t i = 0; i < shape.size(); ++i) {
        const bool ok = shape[i] == '9' ? std::isdigit(static_cast<unsigned char>(text[i])) != 0 : text[i] == shape[i];
        if (!ok) {
            return false;
        }
    }
    return true;
}

TEST(CoreStatsTest, StartFinishElapsedAndReason)
{
    auto crawler = make_crawler();
    test::ManualClock clock;
    crawler->set_clock(clock);
    auto extension = CoreStats::from_crawler(*crawler);
    Stats& stats = crawler->stats();

    crawler->signals().send(SpiderOpened{});
    const auto start = stats.get_value("start_time");
    ASSERT_TRUE(start && start->is_string());
    EXPECT_TRUE(is_iso8601_utc(start->as_string())) << start->as_string();

    clock.advance(std::chrono::milliseconds(2500));
    crawler->signals().send(SpiderClosed{"closespider_timeout"});
    const auto finish = stats.get_value("finish_time");
    ASSERT_TRUE(finish && finish->is_string());
    EXPECT_TRUE(is_iso8601_utc(finish->as_string())) << finish->as_string();
    EXPECT_GE(std::string(finish->as_string()), std::string(start->as_string()));
    const auto elapsed = stats.get_value("elapsed_time_seconds");
    ASSERT_TRUE(elapsed && elapsed->is_double());
    EXPECT_DOUBLE_EQ(elapsed->as_double(), 2.5);
    EXPECT_EQ(stats.get_value("finish_reason")->as_string(), "closespider_timeout");
}

TEST(CoreStatsTest, Counters)
{
    auto crawler = make_crawler();
    auto extension = CoreStats::from_crawler(*crawler);
    Signals& signals = crawler->signals();
    const Item item{"quote"};
    const Response response;
    for (int i = 0; i < 3; ++i) {
        signals.send(ResponseReceived{response});
    }
    signals.send(ItemScraped{item});
    signals.send(ItemScraped{item});
    signals.send(ItemDropped{item, "missing price"});
    signals.send(ItemDropped{item, "missing price"});
    signals.send(ItemDropped{item, "duplicate"});

    const Stats& stats = crawler->stats();
    EXPECT_EQ(stats.get_value("response_received_count")->as_int64(), 3);
    EXPECT_EQ(stats.get_value("item_scraped_count")->as_int64(), 2);
    EXPECT_EQ(stats.get_value("item_dropped_count")->as_int64(), 3);
    EXPECT_EQ(stats.get_value("item_dropped_reasons_count/missing price")->as_int64(), 2);
    EXPECT_EQ(stats.get_value("item_dropped_reasons_count/duplicate")->as_int64(), 1);
}

TEST(CoreStatsTest, UnsubscribesWhenDestroyed)
{
    auto crawler = make_crawler();
    auto extension = CoreStats::from_crawler(*crawler);
    const Item item{"quote"};
    crawler->signals().send(ItemScraped{item});
    extension.reset();
    crawler->signals().send(ItemScraped{item});
    crawler->signals().send(SpiderClosed{"finished"});
    EXPECT_EQ(crawler->stats().get_value("item_scraped_count")->as_int64(), 1);
    EXPECT_FALSE(crawler->stats().get_value("finish_reason"));
}

} // namespace
} // namespace trawl
