#include "frontier/builtin_frontier.hpp"
#include "frontier/memory_dupefilter.hpp"
#include "frontier/memory_scheduler.hpp"

#include <trawl/crawler.hpp>

#include <support/run_coro.hpp>

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

namespace {

bool enqueue(boost::asio::io_context& io, trawl::Scheduler& scheduler, trawl::Request request)
{
    const auto fingerprint = trawl::request_fingerprint(request);
    return trawl::testing::run_coro(io, scheduler.enqueue_request(std::move(request), fingerprint));
}

std::unique_ptr<trawl::Crawler> make_crawler(trawl::Settings settings = {})
{
    auto spider = std::make_unique<trawl::Spider>();
    spider->name = "test";
    auto crawler = std::make_unique<trawl::Crawler>(std::move(spider), std::move(settings));
    trawl::register_builtin_frontier(crawler->components());
    return crawler;
}

// Counts calls, to see that the scheduler uses the DUPEFILTER_CLASS it is given.
class CountingDupeFilter final : public trawl::DupeFilter {
public:
    explicit CountingDupeFilter(int& calls) : calls_(calls) {}
    boost::asio::awaitable<bool> request_seen(const trawl::Request&, const trawl::Fingerprint&) override
    {
        ++calls_;
        co_return false;
    }
    std::size_t size() const override { return 0; }

private:
    int& calls_;
};

TEST(BuiltinFrontier, DefaultSchedulerAndDupeFilterAreMemory)
{
    auto crawler = make_crawler();
    auto scheduler = crawler->components().build_scheduler(*crawler);
    ASSERT_NE(dynamic_cast<trawl::detail::MemoryScheduler*>(scheduler.get()), nullptr);
    auto dupefilter = crawler->components().build_dupefilter(*crawler);
    EXPECT_NE(dynamic_cast<trawl::detail::MemoryDupeFilter*>(dupefilter.get()), nullptr);

    boost::asio::io_context io;
    EXPECT_TRUE(enqueue(io, *scheduler, trawl::Request{"http://a/"}));
    EXPECT_FALSE(enqueue(io, *scheduler, trawl::Request{"http://a/"}));
    // Its stats go to the crawler's collector.
    EXPECT_EQ(crawler->stats().get_number("scheduler/enqueued/memory"), 1);
    EXPECT_EQ(crawler->stats().get_number("dupefilter/filtered"), 1);
    trawl::testing::run_coro(io, scheduler->close("finished"));
}

TEST(BuiltinFrontier, SchedulerUsesTheConfiguredDupeFilter)
{
    trawl::Settings settings;
    settings.set("DUPEFILTER_CLASS", "counting");
    auto crawler = make_crawler(std::move(settings));
    int calls = 0;
    crawler->components().add_dupefilter("counting",
                                         [&calls](trawl::Crawler&) { return std::make_unique<CountingDupeFilter>(calls); });
    auto scheduler = crawler->components().build_scheduler(*crawler);
    boost::asio::io_context io;
    EXPECT_TRUE(enqueue(io, *scheduler, trawl::Request{"http://a/"}));
    EXPECT_TRUE(enqueue(io, *scheduler, trawl::Request{"http://a/"}));
    EXPECT_EQ(calls, 2);
    EXPECT_EQ(scheduler->pending_count(), 2u);
}

TEST(BuiltinFrontier, ADupeFilterThatCannotAnswerAtOnceMakesTheSchedulerWait)
{
    // The memory scheduler answers at once only when its dupefilter does;
    // otherwise it leaves the request alone for enqueue_request.
    trawl::Settings settings;
    settings.set("DUPEFILTER_CLASS", "counting");
    auto crawler = make_crawler(std::move(settings));
    int calls = 0;
    crawler->components().add_dupefilter("counting",
                                         [&calls](trawl::Crawler&) { return std::make_unique<CountingDupeFilter>(calls); });
    auto scheduler = crawler->components().build_scheduler(*crawler);
    trawl::Request request{"http://a/"};
    EXPECT_FALSE(scheduler->enqueue_request_now(request, trawl::request_fingerprint(request)).has_value());
    EXPECT_EQ(request.url, "http://a/");
    EXPECT_EQ(calls, 0);
    EXPECT_EQ(scheduler->pending_count(), 0u);
    boost::asio::io_context io;
    EXPECT_TRUE(enqueue(io, *scheduler, request));
    EXPECT_EQ(calls, 1);
    EXPECT_EQ(scheduler->pending_count(), 1u);
}

} // namespace
