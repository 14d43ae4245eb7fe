#include "frontier/memory_dupefilter.hpp"
#include "frontier/memory_scheduler.hpp"

#include <support/run_coro.hpp>

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include <trawl/settings.hpp>

#include <map>
#include <utility>
#include <set>
#include <string>
#include <vector>

namespace {

using trawl::Request;
using trawl::detail::MemoryDupeFilter;
using trawl::detail::MemoryScheduler;

// Slots the test sets by hand: every slot ready and idle unless listed.
class FakeSlots final : public trawl::SlotView {
public:
    bool ready(std::string_view key) const override { return !blocked.contains(key); }
    std::size_t active(std::string_view key) const override
    {
        auto it = busy.find(key);
        return it == busy.end() ? 0 : it->second;
    }
    std::set<std::string, std::less<>> blocked;
    std::map<std::string, std::size_t, std::less<>> busy;
};

Request request(std::string url, int priority = 0, bool dont_filter = false)
{
    Request r{std::move(url)};
    r.priority = priority;
    r.dont_filter = dont_filter;
    return r;
}

class MemorySchedulerTest : public ::testing::Test {
protected:
    bool enqueue(Request r)
    {
        const auto fingerprint = trawl::request_fingerprint(r);
        return trawl::testing::run_coro(io, scheduler.enqueue_request(std::move(r), fingerprint));
    }
    std::string next_url()
    {
        auto r = scheduler.next_request(slots);
        return r ? r->url : "(none)";
    }
    std::int64_t stat(std::string_view key) const
    {
        return static_cast<std::int64_t>(stats.get_number(key, -1));
    }

    boost::asio::io_context io;
    trawl::Stats stats;
    MemoryScheduler scheduler{std::make_unique<MemoryDupeFilter>(), stats, MemoryScheduler::Order::fifo};
    FakeSlots slots;
};

TEST_F(MemorySchedulerTest, HigherPriorityFirstFifoWithin)
{
    EXPECT_TRUE(enqueue(request("http://a/0", 0)));
    EXPECT_TRUE(enqueue(request("http://a/5a", 5)));
    EXPECT_TRUE(enqueue(request("http://a/-1", -1)));
    EXPECT_TRUE(enqueue(request("http://a/5b", 5)));
    EXPECT_TRUE(enqueue(request("http://a/10", 10)));
    EXPECT_TRUE(enqueue(request("http://a/5c", 5)));
    EXPECT_EQ(scheduler.pending_count(), 6u);
    for (const char* expected : {"http://a/10", "http://a/5a", "http://a/5b", "http://a/5c", "http://a/0", "http://a/-1"}) {
        EXPECT_EQ(next_url(), expected);
    }
    EXPECT_EQ(next_url(), "(none)");
    EXPECT_FALSE(scheduler.has_pending_requests());
    EXPECT_EQ(scheduler.slot_count(), 0u);
}

TEST_F(MemorySchedulerTest, HigherPriorityFirstLifoWithin)
{
    MemoryScheduler lifo{std::make_unique<MemoryDupeFilter>(), stats, MemoryScheduler::Order::lifo};
    for (const auto& [url, priority] : std::vector<std::pair<std::string, int>>{
             {"http://a/0", 0}, {"http://a/5a", 5}, {"http://a/5b", 5}, {"http://a/10", 10}, {"http://a/5c", 5}}) {
        const auto r = request(url, priority);
        EXPECT_TRUE(trawl::testing::run_coro(io, lifo.enqueue_request(r, trawl::request_fingerprint(r))));
    }
    for (const char* expected : {"http://a/10", "http://a/5c", "http://a/5b", "http://a/5a", "http://a/0"}) {
        auto r = lifo.next_request(slots);
        ASSERT_TRUE(r);
        EXPECT_EQ(r->url, expected);
    }
    EXPECT_FALSE(lifo.next_request(slots));
}

TEST(MemoryScheduler, OrderComesFromSchedulerMemoryQueue)
{
    using Order = MemoryScheduler::Order;
    trawl::Settings settings;
    EXPECT_EQ(MemoryScheduler::order_from(settings), Order::lifo);  // Scrapy's default
    for (const auto& [value, order] : std::vector<std::pair<std::string, Order>>{
             {"fifo", Order::fifo},
             {"LIFO", Order::lifo},
             {"scrapy.squeues.FifoMemoryQueue", Order::fifo},
             {"scrapy.squeues.LifoMemoryQueue", Order::lifo}}) {
        settings.set("SCHEDULER_MEMORY_QUEUE", boost::json::string(value));
        EXPECT_EQ(MemoryScheduler::order_from(settings), order) << value;
    }
    settings.set("SCHEDULER_MEMORY_QUEUE", "random");
    try {
        MemoryScheduler::order_from(settings);
        FAIL() << "no error for an unknown order";
    } catch (const trawl::SettingsError& e) {
        EXPECT_NE(std::string(e.what()).find("SCHEDULER_MEMORY_QUEUE"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("\"random\""), std::string::npos) << e.what();
    }
}

TEST_F(MemorySchedulerTest, LeastBusyReadySlotFirst)
{
    enqueue(request("http://a/1"));
    enqueue(request("http://b/1"));
    enqueue(request("http://c/1"));
    slots.busy = {{"a", 2}, {"b", 3}, {"c", 1}};
    EXPECT_EQ(next_url(), "http://c/1");
    slots.blocked = {"a"};
    EXPECT_EQ(next_url(), "http://b/1");  // busier, but the only ready one
    EXPECT_EQ(next_url(), "(none)");
    EXPECT_TRUE(scheduler.has_pending_requests());
    slots.blocked.clear();
    EXPECT_EQ(next_url(), "http://a/1");
}

TEST_F(MemorySchedulerTest, IdleSlotsTakeTurns)
{
    // A slot that gave a request goes to the back: one host with many
    // requests does not starve the others.
    for (int i = 0; i < 3; ++i) {
        enqueue(request("http://big/" + std::to_string(i)));
    }
    enqueue(request("http://small/0"));
    enqueue(request("http://tiny/0"));
    std::vector<std::string> order;
    while (auto r = scheduler.next_request(slots)) {
        order.push_back(r->url);
    }
    const std::vector<std::string> expected{"http://big/0", "http://small/0", "http://tiny/0", "http://big/1",
                                            "http://big/2"};
    EXPECT_EQ(order, expected);
}

TEST_F(MemorySchedulerTest, PriorityIsPerSlot)
{
    enqueue(request("http://a/low", -5));
    enqueue(request("http://b/high", 50));
    slots.busy = {{"b", 1}};
    EXPECT_EQ(next_url(), "http://a/low");  // the idle slot goes first
    EXPECT_EQ(next_url(), "http://b/high");
}

TEST_F(MemorySchedulerTest, SlotComesFromMetaDownloadSlot)
{
    auto r = request("http://a/1");
    r.meta["download_slot"] = "pinned";
    enqueue(std::move(r));
    enqueue(request("http://a/2"));
    slots.blocked = {"a"};
    EXPECT_EQ(next_url(), "http://a/1");
    EXPECT_EQ(next_url(), "(none)");
}

TEST_F(MemorySchedulerTest, DuplicatesAreDropped)
{
    EXPECT_TRUE(enqueue(request("http://example.com/page")));
    EXPECT_FALSE(enqueue(request("http://example.com/page")));
    EXPECT_FALSE(enqueue(request("http://example.com/page", 3)));  // priority is not part of identity
    EXPECT_TRUE(enqueue(request("http://example.com/q?b=1&a=2")));
    EXPECT_FALSE(enqueue(request("http://example.com/q?a=2&b=1")));
    EXPECT_EQ(scheduler.pending_count(), 2u);
    EXPECT_EQ(scheduler.dupefilter().size(), 2u);
    EXPECT_EQ(stat("dupefilter/filtered"), 3);
}

TEST_F(MemorySchedulerTest, DontFilterIsKeptButRecorded)
{
    EXPECT_TRUE(enqueue(request("http://example.com/start", 0, true)));
    EXPECT_TRUE(enqueue(request("http://example.com/start", 0, true)));  // kept again
    EXPECT_FALSE(enqueue(request("http://example.com/start")));          // but recorded
    EXPECT_EQ(scheduler.pending_count(), 2u);
    EXPECT_EQ(stat("dupefilter/filtered"), 1);
}

TEST_F(MemorySchedulerTest, Stats)
{
    enqueue(request("http://a/1"));
    enqueue(request("http://a/2"));
    enqueue(request("http://a/1"));
    enqueue(request("http://b/1"));
    next_url();
    EXPECT_EQ(stat("scheduler/enqueued/memory"), 3);
    EXPECT_EQ(stat("scheduler/enqueued"), 3);
    EXPECT_EQ(stat("scheduler/dequeued/memory"), 1);
    EXPECT_EQ(stat("scheduler/dequeued"), 1);
    EXPECT_EQ(stat("dupefilter/filtered"), 1);
    slots.blocked = {"a", "b"};
    next_url();
    EXPECT_EQ(stat("scheduler/dequeued/memory"), 1);  // nothing left: no count
}

TEST_F(MemorySchedulerTest, RequestSurvivesTheQueueIntact)
{
    Request r{"http://example.com/form", "POST"};
    r.headers.set("Content-Type", "application/x-www-form-urlencoded");
    r.body = "a=1";
    r.meta["depth"] = 3;
    r.cb_kwargs["page"] = 2;
    r.priority = 7;
    r.callback = "parse_item";
    r.errback = "on_error";
    const Request copy = r;
    enqueue(std::move(r));
    auto out = scheduler.next_request(slots);
    ASSERT_TRUE(out.has_value());
    EXPECT_EQ(out->url, copy.url);
    EXPECT_EQ(out->method, copy.method);
    EXPECT_EQ(out->headers, copy.headers);
    EXPECT_EQ(out->body, copy.body);
    EXPECT_EQ(out->meta, copy.meta);
    EXPECT_EQ(out->cb_kwargs, copy.cb_kwargs);
    EXPECT_EQ(out->priority, copy.priority);
    EXPECT_EQ(out->callback, copy.callback);
    EXPECT_EQ(out->errback, copy.errback);
}

TEST_F(MemorySchedulerTest, HundredThousandRequests)
{
    // 100,000 requests over 1,000 hosts with 3 priorities: every one comes
    // back once, and within each host by priority then arrival.
    constexpr int total = 100'000;
    constexpr int hosts = 1'000;
    auto enqueue_all = [this]() -> boost::asio::awaitable<int> {
        int stored = 0;
        for (int i = 0; i < total; ++i) {
            Request r{"http://h" + std::to_string(i % hosts) + ".test/" + std::to_string(i)};
            r.priority = i % 3;
            r.cb_kwargs["i"] = i;
            const auto fingerprint = trawl::request_fingerprint(r);
            stored += scheduler.enqueue_request_now(r, fingerprint).value() ? 1 : 0;
        }
        co_return stored;
    };
    ASSERT_EQ(trawl::testing::run_coro(io, enqueue_all()), total);
    EXPECT_EQ(scheduler.pending_count(), static_cast<std::size_t>(total));
    EXPECT_EQ(scheduler.slot_count(), static_cast<std::size_t>(hosts));

    std::vector<std::pair<int, int>> last(hosts, {1000, -1});  // (priority, index) per host
    std::vector<bool> seen(total, false);
    int count = 0;
    while (auto r = scheduler.next_request(slots)) {
        const int i = static_cast<int>(r->cb_kwargs.at("i").as_int64());
        ASSERT_FALSE(seen[i]);
        seen[i] = true;
        auto& [priority, index] = last[i % hosts];
        ASSERT_TRUE(r->priority < priority || (r->priority == priority && i > index)) << r->url;
        priority = r->priority;
        index = i;
        ++count;
    }
    EXPECT_EQ(count, total);
    EXPECT_EQ(scheduler.pending_count(), 0u);
    EXPECT_EQ(scheduler.slot_count(), 0u);
    EXPECT_EQ(stat("scheduler/dequeued/memory"), total);
}

TEST(MemoryScheduler, NeedsADupeFilter)
{
    trawl::Stats stats;
    EXPECT_THROW(MemoryScheduler(nullptr, stats, MemoryScheduler::Order::lifo), std::invalid_argument);
}

} // namespace
