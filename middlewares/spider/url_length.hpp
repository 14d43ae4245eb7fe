#pragma once
// Drops requests whose URL is longer than URLLENGTH_LIMIT characters
// (spider middleware, priority 800; Scrapy's UrlLengthMiddleware). Each
// one is logged at INFO ("Ignoring link (url length > 2083): URL") and
// counted in urllength/request_ignored_count. Only a callback's output is
// filtered, not start requests (Scrapy 2.8).
//
// Settings: URLLENGTH_LIMIT (default 2083, Internet Explorer's limit; 0:
// NotConfigured). Thread-safe: read-only state; Stats locks.

#include <trawl/spider_middleware.hpp>

#include <cstddef>
#include <memory>

namespace trawl {
class Crawler;
class Stats;
} // namespace trawl

namespace trawl::middlewares {

class UrlLengthMiddleware final : public SpiderMiddleware {
public:
    static std::unique_ptr<UrlLengthMiddleware> from_crawler(Crawler& crawler);
    UrlLengthMiddleware(std::size_t max_length, Stats& stats) : max_length_(max_length), stats_(stats) {}

    void process_spider_output(const Response& response, std::vector<Output>& output) override;

    /// Reads no Referer or meta "depth": the middlewares before it may
    /// complete only the requests that are kept.
    bool needs_completed_requests() const override { return false; }

private:
    std::size_t max_length_;
    Stats& stats_;
};

} // namespace trawl::middlewares
