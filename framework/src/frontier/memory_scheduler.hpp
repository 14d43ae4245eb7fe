#pragma once
// The built-in scheduler ("memory"): requests wait in memory, one priority
// queue per download slot, and leave from the least busy slot that is
// ready (as Scrapy's DownloaderAwarePriorityQueue), so that one big host
// cannot starve the others.
//
// Choosing a slot: the slots with pending requests form a rotation; a slot
// goes to its back each time it gives a request. next_request walks it from
// the front and takes the first ready slot with no download running (the
// least busy possible), else the ready slot with the fewest. The front
// holds the slots that gave a request longest ago, whose delay is the most
// likely to have passed, so with many hosts the walk usually stops after a
// few steps; it is a full scan (one SlotView lookup per waiting slot) only
// when no ready slot is idle. A heap keyed on busyness would not help:
// readiness and busyness change in the engine, out of the scheduler's
// sight. Ties among idle slots go round-robin, not by priority: priority
// orders requests within a slot.

#include <trawl/scheduler.hpp>
#include <trawl/stats.hpp>

#include <cstddef>
#include <deque>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

namespace trawl {
class Crawler;
class Settings;
}

namespace trawl::detail {

class MemoryScheduler final : public Scheduler {
public:
    /// Which of a slot's requests of one priority leaves first
    /// (SCHEDULER_MEMORY_QUEUE). Scrapy's default, the last in, goes depth
    /// first and keeps the queue short; the first in, with DEPTH_PRIORITY 1,
    /// crawls breadth first.
    enum class Order { lifo, fifo };

    /// Throws std::invalid_argument without a dupefilter. `stats` must
    /// outlive the scheduler.
    MemoryScheduler(std::unique_ptr<DupeFilter> dupefilter, Stats& stats, Order order);

    /// The dupefilter comes from DUPEFILTER_CLASS, the order from
    /// SCHEDULER_MEMORY_QUEUE.
    static std::unique_ptr<MemoryScheduler> from_crawler(Crawler& crawler);

    /// SCHEDULER_MEMORY_QUEUE: "lifo" or "fifo", any case, or Scrapy's
    /// scrapy.squeues.LifoMemoryQueue / FifoMemoryQueue. Throws
    /// SettingsError for anything else.
    static Order order_from(const Settings& settings);

    // Scheduler
    boost::asio::awaitable<bool> enqueue_request(Request request, const Fingerprint& fingerprint) override;
    /// At once when the dupefilter answers at once (the built-in one does).
    std::optional<bool> enqueue_request_now(Request& request, const Fingerprint& fingerprint) override;
    bool drop_if_duplicate(const Request& request, const Fingerprint& fingerprint) override;
    std::optional<Request> next_request(const SlotView& slots) override;
    bool has_pending_requests() const override { return pending_ > 0; }
    std::size_t pending_count() const override { return pending_; }
    /// Closes the dupefilter; requests still queued are dropped with the
    /// scheduler (nothing persists in memory).
    boost::asio::awaitable<void> close(std::string reason) override;

    const DupeFilter& dupefilter() const noexcept { return *dupefilter_; }
    /// Slots with pending requests.
    std::size_t slot_count() const noexcept { return queues_.size(); }

private:
    /// Counts and drops a seen request (unless dont_filter), else stores it.
    bool store_unless_seen(Request& request, bool seen);

    struct SlotQueue;
    using Entry = std::pair<const std::string, SlotQueue>;
    using Rotation = std::list<Entry*>;
    struct SlotQueue {
        /// Highest priority first; a deque per priority gives either order
        /// at no cost per request beyond its place in the deque.
        std::map<int, std::deque<Request>, std::greater<>> by_priority;
        Rotation::iterator turn;
    };
    struct KeyHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view key) const noexcept { return std::hash<std::string_view>{}(key); }
    };

    void push(Request request);
    Rotation::iterator pick(const SlotView& slots);

    std::unique_ptr<DupeFilter> dupefilter_;
    Stats& stats_;
    Order order_;
    // Nodes of an unordered_map stay put on rehash, so the rotation may
    // point at them. A slot's entry goes when its last request leaves.
    std::unordered_map<std::string, SlotQueue, KeyHash, std::equal_to<>> queues_;
    Rotation rotation_;
    std::size_t pending_ = 0;
};

} // namespace trawl::detail
