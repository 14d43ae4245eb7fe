#pragma once
// LogStats (Scrapy's logstats): every LOGSTATS_INTERVAL seconds (and once
// at SpiderOpened) logs
//   "Crawled N pages (at X pages/min), scraped M items (at Y items/min)"
// from the stats response_received_count and item_scraped_count (which
// CoreStats keeps); the rates are over the last interval, truncated as
// Scrapy's %d does. NotConfigured when LOGSTATS_INTERVAL is 0.

#include <trawl/components.hpp>
#include <trawl/crawler.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace trawl {

class LogStats final : public Extension {
public:
    static std::unique_ptr<LogStats> from_crawler(Crawler& crawler);

    /// Subscribes to the crawler's signals until destroyed; `crawler` must
    /// outlive this. The timer runs on crawler.executor() from SpiderOpened
    /// to SpiderClosed.
    LogStats(Crawler& crawler, std::chrono::nanoseconds interval);
    ~LogStats() override;
    LogStats(const LogStats&) = delete;
    LogStats& operator=(const LogStats&) = delete;

    /// The line logged now; advances the counts the next rates start from.
    std::string next_line();

private:
    struct Timer;

    void start();
    void stop();
    void schedule(std::shared_ptr<Timer> timer);

    Crawler& crawler_;
    std::chrono::nanoseconds interval_;
    double per_minute_;  // multiplies a count per interval into one per minute
    std::int64_t pages_before_ = 0;
    std::int64_t items_before_ = 0;
    std::shared_ptr<Timer> timer_;  // shared with its pending wait
    std::vector<std::size_t> connections_;
};

} // namespace trawl
