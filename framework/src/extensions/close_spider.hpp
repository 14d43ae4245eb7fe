#pragma once
// CloseSpider (Scrapy's closespider): closes the crawl when a limit is
// reached, with the limit's name as the finish reason.
//   CLOSESPIDER_ITEMCOUNT   items scraped              -> "closespider_itemcount"
//   CLOSESPIDER_PAGECOUNT   responses received         -> "closespider_pagecount"
//   CLOSESPIDER_ERRORCOUNT  failed requests            -> "closespider_errorcount"
//   CLOSESPIDER_TIMEOUT     seconds since SpiderOpened -> "closespider_timeout"
// 0 turns a limit off; NotConfigured when all are off. The crawl is asked to
// close once, by whichever limit comes first.
//
// Differences from Scrapy: ERRORCOUNT counts RequestFailed (download
// failures) where Scrapy counts spider_error (callback exceptions), which
// trawl's signals do not carry.

#include <trawl/components.hpp>
#include <trawl/crawler.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace trawl {

class CloseSpider final : public Extension {
public:
    struct Limits {
        std::int64_t itemcount = 0;
        std::int64_t pagecount = 0;
        std::int64_t errorcount = 0;
        std::chrono::nanoseconds timeout{};
    };

    /// Reads the CLOSESPIDER_* settings; NotConfigured if all are 0.
    static std::unique_ptr<CloseSpider> from_crawler(Crawler& crawler);

    /// Subscribes to the crawler's signals until destroyed; `crawler` must
    /// outlive this. The timeout starts at SpiderOpened, on
    /// crawler.executor(), and stops at SpiderClosed.
    CloseSpider(Crawler& crawler, Limits limits);
    ~CloseSpider() override;
    CloseSpider(const CloseSpider&) = delete;
    CloseSpider& operator=(const CloseSpider&) = delete;

private:
    struct Timer;

    void count(std::atomic<std::int64_t>& counter, std::int64_t limit, const char* reason);
    void close(const char* reason);
    void start_timer();
    void stop_timer();

    Crawler& crawler_;
    Limits limits_;
    std::atomic<std::int64_t> items_{0};
    std::atomic<std::int64_t> pages_{0};
    std::atomic<std::int64_t> errors_{0};
    std::atomic<bool> closed_{false};
    std::shared_ptr<Timer> timer_;  // shared with its pending wait
    std::vector<std::size_t> connections_;
};

} // namespace trawl
