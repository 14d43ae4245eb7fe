#pragma once
// CoreStats (Scrapy's corestats): the stats every crawl reports.
//   start_time, finish_time      ISO 8601 UTC strings ("2024-05-01T12:00:00.123456Z")
//   elapsed_time_seconds         double, measured on the crawler's clock
//   finish_reason                SpiderClosed's reason
//   item_scraped_count, response_received_count, item_dropped_count,
//   item_dropped_reasons_count/REASON

#include <trawl/components.hpp>
#include <trawl/crawler.hpp>

#include <cstddef>
#include <memory>
#include <optional>
#include <vector>

namespace trawl {

class CoreStats final : public Extension {
public:
    static std::unique_ptr<CoreStats> from_crawler(Crawler& crawler);

    /// Subscribes to the crawler's signals until destroyed; `crawler` must
    /// outlive this.
    explicit CoreStats(Crawler& crawler);
    ~CoreStats() override;
    CoreStats(const CoreStats&) = delete;
    CoreStats& operator=(const CoreStats&) = delete;

private:
    Crawler& crawler_;
    std::optional<Clock::time_point> started_;
    std::vector<std::size_t> connections_;
};

} // namespace trawl
