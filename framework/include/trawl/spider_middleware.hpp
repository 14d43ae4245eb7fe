#pragma once
// Spider middleware: sees responses on their way into callbacks and the
// callbacks' output on its way out. Hooks run on the parse pool, for many
// responses at once: a spider middleware must be safe to call concurrently
// (keep per-crawl state in atomics, Guarded<T> or the thread-safe Stats).
// Order: input hooks ascending, output hooks descending, as in Scrapy.

#include <trawl/callback.hpp>
#include <trawl/response.hpp>

#include <exception>
#include <optional>
#include <span>
#include <vector>

namespace trawl {

class SpiderMiddleware {
public:
    virtual ~SpiderMiddleware() = default;

    /// Each start request on its way to the scheduler; false drops it.
    virtual bool process_start_request(Request& /*request*/) { return true; }

    /// A response about to reach its callback; return an exception to fail
    /// it instead (it then goes to process_spider_exception and the errback).
    virtual std::exception_ptr process_spider_input(const Response& /*response*/) { return nullptr; }

    /// A batch of a callback's output, in order: change, drop or add
    /// elements in place.
    virtual void process_spider_output(const Response& /*response*/, std::vector<Output>& /*output*/) {}

    /// What this middleware adds to each request of a batch it let through
    /// (a header, a meta key) that only the request's later life needs.
    /// Most links a page yields are already known, and the dupefilter
    /// drops them: the engine calls this for the requests the scheduler
    /// keeps (and for dropped duplicates when RequestDropped has a handler),
    /// unless a middleware that runs after this one in process_spider_output
    /// says it reads such details (needs_completed_requests), in which case
    /// it calls it for every request right after this one's
    /// process_spider_output, as Scrapy would.
    virtual void complete_requests(const Response& /*response*/, std::span<Request* const> /*requests*/) {}

    /// Whether process_spider_output reads what complete_requests of the
    /// middlewares before it add. True unless a middleware says otherwise,
    /// so that one written for Scrapy sees every request complete.
    virtual bool needs_completed_requests() const { return true; }

    /// A callback threw (or input failed): return output to use instead to
    /// stop the exception here, or nullopt to pass it on.
    virtual std::optional<std::vector<Output>> process_spider_exception(const Response& /*response*/,
                                                                        std::exception_ptr /*error*/)
    {
        return std::nullopt;
    }
};

} // namespace trawl
