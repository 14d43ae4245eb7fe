#pragma once
// Request depth (spider middleware, priority 900; Scrapy's DepthMiddleware).
// Every request a callback yields gets meta "depth" = the depth of the
// response it came from + 1 (set in complete_requests: see
// SpiderMiddleware) (a response whose request has no depth is at
// depth 0); with DEPTH_PRIORITY its priority drops by depth x
// DEPTH_PRIORITY (a negative value favours deep pages); past DEPTH_LIMIT
// (0 = unlimited) it is dropped with a debug log.
//
// Stats: request_depth_max; with DEPTH_STATS_VERBOSE also
// request_depth_count/<N> per request kept, and request_depth_count/0 per
// response at depth 0 (counted in process_spider_input, once per response,
// since a callback's output may arrive in several batches).
//
// Thread-safe: its state is read-only after construction; Stats locks.

#include <trawl/spider_middleware.hpp>

#include <cstdint>
#include <memory>

namespace trawl {
class Crawler;
class Stats;
} // namespace trawl

namespace trawl::middlewares {

class DepthMiddleware final : public SpiderMiddleware {
public:
    struct Options {
        std::int64_t max_depth = 0;  ///< 0 (or negative): unlimited
        bool verbose_stats = false;
        std::int64_t priority = 0;
    };

    static std::unique_ptr<DepthMiddleware> from_crawler(Crawler& crawler);
    DepthMiddleware(Options options, Stats& stats) : options_(options), stats_(stats) {}

    std::exception_ptr process_spider_input(const Response& response) override;
    /// Priority, DEPTH_LIMIT and stats, for every request.
    void process_spider_output(const Response& response, std::vector<Output>& output) override;
    /// meta "depth", for the requests that are kept (an insert into a
    /// request's meta costs an allocation or two).
    void complete_requests(const Response& response, std::span<Request* const> requests) override;
    bool needs_completed_requests() const override { return false; }

private:
    Options options_;
    Stats& stats_;
};

} // namespace trawl::middlewares
