#include "frontier/memory_scheduler.hpp"

#include <trawl/crawler.hpp>
#include <trawl/slots.hpp>
#include "core/ascii.hpp"

#include <fmt/format.h>

#include <limits>
#include <stdexcept>

namespace trawl::detail {

MemoryScheduler::MemoryScheduler(std::unique_ptr<DupeFilter> dupefilter, Stats& stats, Order order)
    : dupefilter_(std::move(dupefilter)), stats_(stats), order_(order)
{
    if (!dupefilter_) {
        throw std::invalid_argument("MemoryScheduler needs a dupefilter");
    }
}

std::unique_ptr<MemoryScheduler> MemoryScheduler::from_crawler(Crawler& crawler)
{
    const auto order = order_from(crawler.settings());
    return std::make_unique<MemoryScheduler>(crawler.components().build_dupefilter(crawler), crawler.stats(), order);
}

MemoryScheduler::Order MemoryScheduler::order_from(const Settings& settings)
{
    const auto name = ascii_lower(settings.get_string("SCHEDULER_MEMORY_QUEUE", "lifo"));
    if (name == "lifo" || name == "scrapy.squeues.lifomemoryqueue") {
        return Order::lifo;
    }
    if (name == "fifo" || name == "scrapy.squeues.fifomemoryqueue") {
        return Order::fifo;
    }
    throw SettingsError{fmt::format("SCHEDULER_MEMORY_QUEUE ({}): \"{}\" is not a queue order: lifo or fifo",
                                    settings.source("SCHEDULER_MEMORY_QUEUE"),
                                    settings.get_string("SCHEDULER_MEMORY_QUEUE"))};
}

// The dupefilter is asked even for dont_filter requests, so that their
// fingerprint is recorded and later copies are dropped (scheduler.hpp).
boost::asio::awaitable<bool> MemoryScheduler::enqueue_request(Request request, const Fingerprint& fingerprint)
{
    auto seen = dupefilter_->request_seen_now(request, fingerprint);
    if (!seen) {
        seen = co_await dupefilter_->request_seen(request, fingerprint);
    }
    co_return store_unless_seen(request, *seen);
}

std::optional<bool> MemoryScheduler::enqueue_request_now(Request& request, const Fingerprint& fingerprint)
{
    const auto seen = dupefilter_->request_seen_now(request, fingerprint);
    if (!seen) {
        return std::nullopt;
    }
    return store_unless_seen(request, *seen);
}

bool MemoryScheduler::drop_if_duplicate(const Request& request, const Fingerprint& fingerprint)
{
    if (request.dont_filter || !dupefilter_->seen_before(request, fingerprint)) {
        return false;
    }
    stats_.inc_value("dupefilter/filtered");  // Stats is thread-safe
    return true;
}

bool MemoryScheduler::store_unless_seen(Request& request, bool seen)
{
    if (seen && !request.dont_filter) {
        stats_.inc_value("dupefilter/filtered");
        return false;
    }
    push(std::move(request));
    stats_.inc_value("scheduler/enqueued/memory");
    stats_.inc_value("scheduler/enqueued");
    return true;
}

void MemoryScheduler::push(Request request)
{
    auto [it, inserted] = queues_.try_emplace(slot_key(request));
    if (inserted) {
        it->second.turn = rotation_.insert(rotation_.end(), &*it);
    }
    const int priority = request.priority;
    it->second.by_priority[priority].push_back(std::move(request));
    ++pending_;
}

std::optional<Request> MemoryScheduler::next_request(const SlotView& slots)
{
    const auto chosen = pick(slots);
    if (chosen == rotation_.end()) {
        return std::nullopt;
    }
    Entry& entry = **chosen;
    auto& by_priority = entry.second.by_priority;
    const auto top = by_priority.begin();
    auto& queue = top->second;
    std::optional<Request> request;
    if (order_ == Order::lifo) {
        request.emplace(std::move(queue.back()));
        queue.pop_back();
    } else {
        request.emplace(std::move(queue.front()));
        queue.pop_front();
    }
    if (queue.empty()) {
        by_priority.erase(top);
    }
    --pending_;
    if (by_priority.empty()) {
        rotation_.erase(chosen);
        queues_.erase(queues_.find(std::string_view(entry.first)));
    } else {
        rotation_.splice(rotation_.end(), rotation_, chosen);
    }
    stats_.inc_value("scheduler/dequeued/memory");
    stats_.inc_value("scheduler/dequeued");
    return request;
}

MemoryScheduler::Rotation::iterator MemoryScheduler::pick(const SlotView& slots)
{
    auto best = rotation_.end();
    auto best_active = std::numeric_limits<std::size_t>::max();
    for (auto it = rotation_.begin(); it != rotation_.end(); ++it) {
        const std::string& key = (*it)->first;
        if (!slots.ready(key)) {
            continue;
        }
        const auto active = slots.active(key);
        if (active < best_active) {
            best = it;
            best_active = active;
            if (active == 0) {
                break;  // nothing is less busy than idle
            }
        }
    }
    return best;
}

boost::asio::awaitable<void> MemoryScheduler::close(std::string reason)
{
    co_await dupefilter_->close(std::move(reason));
}

} // namespace trawl::detail
