#include "crawler_test_support.hpp"

#include "extensions/close_spider.hpp"

#include <boost/asio/io_context.hpp>

#include <gtest/gtest.h>

namespace trawl {
namespace {

using test::CloseCalls;
using test::make_crawler;
using test::run_until;
using Calls = std::vector<std::pair<std::string, bool>>;

std::unique_ptr<Crawler> crawler_with(std::initializer_list<std::pair<const char*, boost::json::value>> values)
{
    Settings settings;
    for (const auto& [name, value] : values) {
        settings.set(name, value);
    }
    return make_crawler(std::move(settings));
}

TEST(CloseSpiderTest, NotConfiguredWithoutLimits)
{
    auto crawler = make_crawler();
    EXPECT_THROW(CloseSpider::from_crawler(*crawler), NotConfigured);
}

TEST(CloseSpiderTest, ItemCountClosesExactlyOnce)
{
    auto crawler = crawler_with({{"CLOSESPIDER_ITEMCOUNT", 3}});
    CloseCalls calls(*crawler);
    auto extension = CloseSpider::from_crawler(*crawler);
    const Item item{"quote"};
    crawler->signals().send(SpiderOpened{});
    crawler->signals().send(ItemScraped{item});
    crawler->signals().send(ItemScraped{item});
    EXPECT_TRUE(calls.get().empty());
    // Items still in flight when the limit is hit keep arriving.
    for (int i = 0; i < 5; ++i) {
        crawler->signals().send(ItemScraped{item});
    }
    EXPECT_EQ(calls.get(), (Calls{{"closespider_itemcount", false}}));
    EXPECT_EQ(crawler->close_reason(), "closespider_itemcount");
}

TEST(CloseSpiderTest, PageCount)
{
    auto crawler = crawler_with({{"CLOSESPIDER_PAGECOUNT", 2}});
    CloseCalls calls(*crawler);
    auto extension = CloseSpider::from_crawler(*crawler);
    const Response response;
    crawler->signals().send(ResponseReceived{response});
    EXPECT_TRUE(calls.get().empty());
    crawler->signals().send(ResponseReceived{response});
    crawler->signals().send(ResponseReceived{response});
    EXPECT_EQ(calls.get(), (Calls{{"closespider_pagecount", false}}));
}

TEST(CloseSpiderTest, ErrorCountCountsFailedRequests)
{
    auto crawler = crawler_with({{"CLOSESPIDER_ERRORCOUNT", 2}, {"CLOSESPIDER_ITEMCOUNT", 100}});
    CloseCalls calls(*crawler);
    auto extension = CloseSpider::from_crawler(*crawler);
    const Request request{"http://127.0.0.1/"};
    const DownloadError error{make_error_code(errc::connection_refused), "connection refused", request.url};
    crawler->signals().send(RequestFailed{request, error});
    EXPECT_TRUE(calls.get().empty());
    crawler->signals().send(RequestFailed{request, error});
    EXPECT_EQ(calls.get(), (Calls{{"closespider_errorcount", false}}));
}

TEST(CloseSpiderTest, OnlyTheFirstLimitReachedCloses)
{
    auto crawler = crawler_with({{"CLOSESPIDER_ITEMCOUNT", 1}, {"CLOSESPIDER_PAGECOUNT", 1}});
    CloseCalls calls(*crawler);
    auto extension = CloseSpider::from_crawler(*crawler);
    const Item item{"quote"};
    const Response response;
    crawler->signals().send(ResponseReceived{response});
    crawler->signals().send(ItemScraped{item});
    EXPECT_EQ(calls.get(), (Calls{{"closespider_pagecount", false}}));
}

TEST(CloseSpiderTest, TimeoutCloses)
{
    auto crawler = crawler_with({{"CLOSESPIDER_TIMEOUT", 0.1}});
    CloseCalls calls(*crawler);
    boost::asio::io_context context;
    crawler->attach_executor(context.get_executor());
    auto extension = CloseSpider::from_crawler(*crawler);

    const auto started = std::chrono::steady_clock::now();
    crawler->signals().send(SpiderOpened{});
    ASSERT_TRUE(run_until(context, [&] { return !calls.get().empty(); }));
    EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(100));
    EXPECT_EQ(calls.get(), (Calls{{"closespider_timeout", false}}));

    crawler->signals().send(SpiderClosed{"closespider_timeout"});
    context.restart();
    context.run_for(std::chrono::seconds(5));
    EXPECT_TRUE(context.stopped());
    EXPECT_EQ(calls.get().size(), 1u);
}

TEST(CloseSpiderTest, SpiderClosedStopsTheTimeout)
{
    auto crawler = crawler_with({{"CLOSESPIDER_TIMEOUT", 0.05}});
    CloseCalls calls(*crawler);
    boost::asio::io_context context;
    crawler->attach_executor(context.get_executor());
    auto extension = CloseSpider::from_crawler(*crawler);
    crawler->signals().send(SpiderOpened{});
    crawler->signals().send(SpiderClosed{"finished"});
    // Nothing is left to wait for: run() returns without the timeout firing.
    context.run_for(std::chrono::seconds(5));
    EXPECT_TRUE(context.stopped());
    EXPECT_TRUE(calls.get().empty());
}

TEST(CloseSpiderTest, TimeoutAfterAnotherLimitDoesNotCloseAgain)
{
    auto crawler = crawler_with({{"CLOSESPIDER_TIMEOUT", 0.05}, {"CLOSESPIDER_ITEMCOUNT", 1}});
    CloseCalls calls(*crawler);
    boost::asio::io_context context;
    crawler->attach_executor(context.get_executor());
    auto extension = CloseSpider::from_crawler(*crawler);
    const Item item{"quote"};
    crawler->signals().send(SpiderOpened{});
    crawler->signals().send(ItemScraped{item});
    // The timer still runs (no SpiderClosed yet) and fires: ignored.
    context.run_for(std::chrono::seconds(5));
    EXPECT_TRUE(context.stopped());
    EXPECT_EQ(calls.get(), (Calls{{"closespider_itemcount", false}}));
}

TEST(CloseSpiderTest, DestroyedWithATimerPendingIsSafe)
{
    auto crawler = crawler_with({{"CLOSESPIDER_TIMEOUT", 0.05}});
    CloseCalls calls(*crawler);
    boost::asio::io_context context;
    crawler->attach_executor(context.get_executor());
    auto extension = CloseSpider::from_crawler(*crawler);
    crawler->signals().send(SpiderOpened{});
    extension.reset();
    // The wait completes after the extension is gone; it must not touch it
    // (ASan reports it if it does) nor close the crawl.
    context.run_for(std::chrono::seconds(5));
    EXPECT_TRUE(context.stopped());
    EXPECT_TRUE(calls.get().empty());
}

TEST(CloseSpiderTest, DestroyedIoContextReleasesAPendingTimer)
{
    auto crawler = crawler_with({{"CLOSESPIDER_TIMEOUT", 60}});
    auto extension = CloseSpider::from_crawler(*crawler);
    {
        boost::asio::io_context context;
        crawler->attach_executor(context.get_executor());
        crawler->signals().send(SpiderOpened{});
        crawler->signals().send(SpiderClosed{"finished"});
    }
    // LeakSanitizer reports the timer if its cancelled wait kept it alive.
    crawler->attach_executor({});
}

} // namespace
} // namespace trawl
