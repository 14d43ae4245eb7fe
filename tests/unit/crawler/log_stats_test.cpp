#include "crawler_test_support.hpp"

#include "extensions/log_stats.hpp"

#include <boost/asio/io_context.hpp>

#include <gtest/gtest.h>

namespace trawl {
namespace {

using test::LogCapture;
using test::make_crawler;
using test::run_until;

std::unique_ptr<Crawler> crawler_with_interval(boost::json::value seconds)
{
    Settings settings;
    settings.set("LOGSTATS_INTERVAL", std::move(seconds));
    return make_crawler(std::move(settings));
}

std::size_t count_crawled(const std::vector<std::string>& lines)
{
    std::size_t n = 0;
    for (const auto& line : lines) {
        n += line.starts_with("Crawled ") ? 1 : 0;
    }
    return n;
}

TEST(LogStatsTest, NotConfiguredWhenIntervalIsZero)
{
    auto crawler = crawler_with_interval(0);
    EXPECT_THROW(LogStats::from_crawler(*crawler), NotConfigured);
}

TEST(LogStatsTest, NegativeIntervalIsSettingsError)
{
    auto crawler = crawler_with_interval(-1);
    EXPECT_THROW(LogStats::from_crawler(*crawler), SettingsError);
}

TEST(LogStatsTest, LinesAndPerMinuteRates)
{
    auto crawler = crawler_with_interval(30);  // rates per interval x 2
    auto extension = LogStats::from_crawler(*crawler);
    Stats& stats = crawler->stats();
    EXPECT_EQ(extension->next_line(), "Crawled 0 pages (at 0 pages/min), scraped 0 items (at 0 items/min)");
    stats.inc_value("response_received_count", std::int64_t{10});
    stats.inc_value("item_scraped_count", std::int64_t{4});
    EXPECT_EQ(extension->next_line(), "Crawled 10 pages (at 20 pages/min), scraped 4 items (at 8 items/min)");
    stats.inc_value("response_received_count", std::int64_t{15});
    EXPECT_EQ(extension->next_line(), "Crawled 25 pages (at 30 pages/min), scraped 4 items (at 0 items/min)");
}

TEST(LogStatsTest, DefaultIntervalIsAMinute)
{
    auto crawler = make_crawler();
    auto extension = LogStats::from_crawler(*crawler);
    crawler->stats().inc_value("response_received_count", std::int64_t{7});
    EXPECT_EQ(extension->next_line(), "Crawled 7 pages (at 7 pages/min), scraped 0 items (at 0 items/min)");
}

TEST(LogStatsTest, LogsAtOpenThenEveryIntervalUntilClosed)
{
    auto crawler = crawler_with_interval(0.05);
    boost::asio::io_context context;
    crawler->attach_executor(context.get_executor());
    auto extension = LogStats::from_crawler(*crawler);
    LogCapture log;

    crawler->signals().send(SpiderOpened{});
    EXPECT_EQ(log.lines(),
              (std::vector<std::string>{"Crawled 0 pages (at 0 pages/min), scraped 0 items (at 0 items/min)"}));

    crawler->stats().inc_value("response_received_count", std::int64_t{3});
    ASSERT_TRUE(run_until(context, [&] { return count_crawled(log.lines()) >= 3; }));
    const auto lines = log.lines();
    // 3 pages in 0.05 s: 3600 a minute.
    EXPECT_EQ(lines[1], "Crawled 3 pages (at 3600 pages/min), scraped 0 items (at 0 items/min)");
    EXPECT_EQ(lines[2], "Crawled 3 pages (at 0 pages/min), scraped 0 items (at 0 items/min)");

    crawler->signals().send(SpiderClosed{"finished"});
    const auto logged = count_crawled(log.lines());
    context.restart();
    context.run_for(std::chrono::seconds(5));
    EXPECT_TRUE(context.stopped());  // no timer left
    EXPECT_EQ(count_crawled(log.lines()), logged);
}

TEST(LogStatsTest, DestroyedWithATimerPendingIsSafe)
{
    auto crawler = crawler_with_interval(0.05);
    boost::asio::io_context context;
    crawler->attach_executor(context.get_executor());
    auto extension = LogStats::from_crawler(*crawler);
    LogCapture log;
    crawler->signals().send(SpiderOpened{});
    extension.reset();
    context.run_for(std::chrono::seconds(5));
    EXPECT_TRUE(context.stopped());
    EXPECT_EQ(count_crawled(log.lines()), 1u);
}

} // namespace
} // namespace trawl
