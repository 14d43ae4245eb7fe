#include "crawler_test_support.hpp"

#include <trawl/crawler.hpp>

#include <boost/asio/io_context.hpp>

#include <gtest/gtest.h>

namespace trawl {
namespace {

using test::CloseCalls;
using test::make_crawler;

TEST(CrawlerTest, NeedsASpider)
{
    EXPECT_THROW(Crawler(nullptr, Settings{}), std::invalid_argument);
}

TEST(CrawlerTest, CustomSettingsAtSpiderPriorityBelowCommandLine)
{
    Settings settings;
    settings.set("DOWNLOAD_DELAY", 1.0, SettingPriority::project, "settings.yaml:1");
    settings.set("CONCURRENT_REQUESTS", 4, SettingPriority::project, "settings.yaml:2");
    settings.set_from_cmdline("CONCURRENT_REQUESTS=7");

    auto spider = std::make_unique<Spider>();
    spider->name = "quotes";
    spider->custom_settings["DOWNLOAD_DELAY"] = 2.5;
    spider->custom_settings["CONCURRENT_REQUESTS"] = 5;
    spider->custom_settings["ROBOTSTXT_OBEY"] = true;
    Crawler crawler(std::move(spider), std::move(settings));

    const Settings& s = crawler.settings();
    EXPECT_DOUBLE_EQ(s.get_double("DOWNLOAD_DELAY"), 2.5);
    EXPECT_EQ(s.priority("DOWNLOAD_DELAY"), SettingPriority::spider);
    EXPECT_NE(s.source("DOWNLOAD_DELAY").find("quotes"), std::string::npos) << s.source("DOWNLOAD_DELAY");
    EXPECT_TRUE(s.get_bool("ROBOTSTXT_OBEY"));
    // -s still wins over the spider.
    EXPECT_EQ(s.get_int("CONCURRENT_REQUESTS"), 7);
    EXPECT_EQ(s.priority("CONCURRENT_REQUESTS"), SettingPriority::cmdline);
}

TEST(CrawlerTest, CloseSpiderKeepsTheFirstReasonAndFlagsASecondCall)
{
    auto crawler = make_crawler();
    EXPECT_EQ(crawler->close_reason(), "");
    CloseCalls calls(*crawler);
    crawler->close_spider("closespider_itemcount");
    crawler->close_spider("shutdown");
    EXPECT_EQ(crawler->close_reason(), "closespider_itemcount");
    const auto got = calls.get();
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0], (std::pair<std::string, bool>{"closespider_itemcount", false}));
    EXPECT_EQ(got[1], (std::pair<std::string, bool>{"shutdown", true}));
}

TEST(CrawlerTest, CloseSpiderBeforeTheEngineRecordsTheReason)
{
    auto crawler = make_crawler();
    crawler->close_spider("shutdown");
    EXPECT_EQ(crawler->close_reason(), "shutdown");
}

TEST(CrawlerTest, AttachExecutor)
{
    auto crawler = make_crawler();
    EXPECT_FALSE(crawler->executor());
    boost::asio::io_context context;
    crawler->attach_executor(context.get_executor());
    EXPECT_TRUE(crawler->executor() == boost::asio::any_io_executor(context.get_executor()));
}

TEST(CrawlerTest, ClockCanBeReplaced)
{
    auto crawler = make_crawler();
    EXPECT_EQ(&crawler->clock(), &Clock::steady());
    test::ManualClock clock;
    crawler->set_clock(clock);
    clock.advance(std::chrono::seconds(3));
    EXPECT_EQ(crawler->clock().now().time_since_epoch(), std::chrono::seconds(3));
}

} // namespace
} // namespace trawl
