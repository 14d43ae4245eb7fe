#include <trawl/stats.hpp>

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace trawl {
namespace {

TEST(StatsTest, IncIntegerStaysInteger)
{
    Stats stats;
    stats.inc_value("downloader/request_count");
    stats.inc_value("downloader/request_count");
    stats.inc_value("downloader/request_count", std::int64_t{5});
    const auto value = stats.get_value("downloader/request_count");
    ASSERT_TRUE(value);
    ASSERT_TRUE(value->is_int64());
    EXPECT_EQ(value->as_int64(), 7);
}

TEST(StatsTest, IncDouble)
{
    Stats stats;
    stats.inc_value("seconds", 0.25);
    stats.inc_value("seconds", 0.5);
    const auto value = stats.get_value("seconds");
    ASSERT_TRUE(value && value->is_double());
    EXPECT_DOUBLE_EQ(value->as_double(), 0.75);

    // An integer counter that gets a fraction becomes a double.
    stats.inc_value("mixed", std::int64_t{2});
    stats.inc_value("mixed", 0.5);
    EXPECT_DOUBLE_EQ(stats.get_number("mixed"), 2.5);
    stats.inc_value("mixed");
    EXPECT_DOUBLE_EQ(stats.get_number("mixed"), 3.5);
}

TEST(StatsTest, MaxAndMin)
{
    Stats stats;
    stats.max_value("depth", 3);
    stats.max_value("depth", 1);
    EXPECT_DOUBLE_EQ(stats.get_number("depth"), 3);
    stats.max_value("depth", 7);
    EXPECT_DOUBLE_EQ(stats.get_number("depth"), 7);

    stats.min_value("fastest", 0.5);
    stats.min_value("fastest", 0.9);
    EXPECT_DOUBLE_EQ(stats.get_number("fastest"), 0.5);
    stats.min_value("fastest", 0.1);
    EXPECT_DOUBLE_EQ(stats.get_number("fastest"), 0.1);
}

TEST(StatsTest, GetSetAndFallback)
{
    Stats stats;
    EXPECT_FALSE(stats.get_value("missing"));
    EXPECT_DOUBLE_EQ(stats.get_number("missing", 42), 42);
    stats.set_value("finish_reason", "finished");
    EXPECT_EQ(stats.get_value("finish_reason")->as_string(), "finished");
    // Not a number: the fallback.
    EXPECT_DOUBLE_EQ(stats.get_number("finish_reason", -1), -1);
    stats.clear();
    EXPECT_FALSE(stats.get_value("finish_reason"));
}

TEST(StatsTest, SnapshotIsSortedByKey)
{
    Stats stats;
    stats.inc_value("item_scraped_count");
    stats.set_value("finish_reason", "finished");
    stats.inc_value("downloader/response_status_count/200");
    stats.inc_value("downloader/request_count");
    const auto snapshot = stats.snapshot();
    std::vector<std::string> keys;
    for (const auto& entry : snapshot) {
        keys.emplace_back(entry.key());
    }
    EXPECT_EQ(keys, (std::vector<std::string>{"downloader/request_count", "downloader/response_status_count/200",
                                              "finish_reason", "item_scraped_count"}));
    EXPECT_EQ(snapshot.at("item_scraped_count").as_int64(), 1);
}

TEST(StatsTest, ConcurrentIncrementsAreExact)
{
    Stats stats;
    constexpr int threads = 4;
    constexpr int per_thread = 20000;
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back([&stats] {
            for (int i = 0; i < per_thread; ++i) {
                stats.inc_value("count");
                stats.inc_value("amount", 0.5);
                stats.max_value("max", i);
            }
        });
    }
    for (auto& worker : workers) {
        worker.join();
    }
    EXPECT_EQ(stats.get_value("count")->as_int64(), threads * per_thread);
    EXPECT_DOUBLE_EQ(stats.get_number("amount"), threads * per_thread * 0.5);
    EXPECT_DOUBLE_EQ(stats.get_number("max"), per_thread - 1);
}

} // namespace
} // namespace trawl
