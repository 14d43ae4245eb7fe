#pragma once
// AutoThrottle (priority 950; Scrapy's AutoThrottle extension, with its
// algorithm unchanged): each slot's download delay follows the latency of
// the slot's responses, so that about AUTOTHROTTLE_TARGET_CONCURRENCY
// requests are in flight per slot.
//
// Scrapy's is an extension on the response_downloaded signal, which fires
// before any downloader middleware sees the response. Here it is a
// downloader middleware at the downloader end of the chain (950, past
// httpcache's 900), so its process_response runs first too, and sees the
// 429s and 503s the retry middleware (550) then reschedules. Responses that
// were not downloaded (a cache hit) carry no latency and change nothing.
//
// The algorithm (Scrapy's _adjust_delay), per response of a slot:
//   target = latency / AUTOTHROTTLE_TARGET_CONCURRENCY
//   new    = max(target, (slot delay + target) / 2)
//   new    = clamp(new, DOWNLOAD_DELAY, AUTOTHROTTLE_MAX_DELAY)
//   a response whose status is not 200 may only raise the delay (error
//   pages are small and fast, and would otherwise speed up a failing site).
// The latency is meta["download_latency"] (set by the engine: up to the
// response head over HTTP, as in Scrapy, so a big body does not slow the
// crawl down). When the
// crawl opens, new slots start at max(DOWNLOAD_DELAY,
// AUTOTHROTTLE_START_DELAY) (Scrapy sets spider.download_delay). A
// Crawl-delay floor (robots.txt) stays a floor under whatever this sets.
//
// Settings: AUTOTHROTTLE_ENABLED (false: NotConfigured, the default),
// AUTOTHROTTLE_START_DELAY (5), AUTOTHROTTLE_MAX_DELAY (60),
// AUTOTHROTTLE_TARGET_CONCURRENCY (1.0; <= 0: NotConfigured, as Scrapy),
// AUTOTHROTTLE_DEBUG (an INFO line per response, Scrapy's format:
// "slot: 127.0.0.1 | conc: 1 | delay:  300 ms (+200) | latency:  301 ms |
// size:    12 bytes"), DOWNLOAD_DELAY (the least delay).
// Meta read: download_latency, autothrottle_dont_adjust_delay.

#include <trawl/downloader_middleware.hpp>

#include <cstddef>
#include <memory>
#include <optional>

namespace trawl {
class SlotControl;
} // namespace trawl

namespace trawl::middlewares {

class AutoThrottleMiddleware final : public DownloaderMiddleware {
public:
    struct Options {
        double start_delay = 5.0;  ///< seconds
        double max_delay = 60.0;
        double target_concurrency = 1.0;
        double min_delay = 0.0;  ///< DOWNLOAD_DELAY
        bool debug = false;
    };

    /// Throws NotConfigured when AUTOTHROTTLE_ENABLED is false or
    /// AUTOTHROTTLE_TARGET_CONCURRENCY is not above 0.
    static std::unique_ptr<AutoThrottleMiddleware> from_crawler(Crawler& crawler);
    AutoThrottleMiddleware(Options options, Crawler& crawler);
    ~AutoThrottleMiddleware() override;
    AutoThrottleMiddleware(const AutoThrottleMiddleware&) = delete;
    AutoThrottleMiddleware& operator=(const AutoThrottleMiddleware&) = delete;

    HookSet hooks() const override { return static_cast<HookSet>(Hook::response); }
    /// Adjusts the delay of the request's slot; always passes the response on.
    boost::asio::awaitable<ResponseAction> process_response(const Request& request, Response response) override;

    /// Scrapy's _adjust_delay: the slot's new delay in seconds, or nullopt
    /// to leave `old_delay` as it is.
    static std::optional<double> adjusted_delay(const Options& options, double old_delay, double latency, int status);

    /// The delay new slots start with: max(DOWNLOAD_DELAY, start delay).
    double start_delay() const noexcept;

    /// Slots to adjust instead of Crawler::slots().
    void set_slots_for_test(SlotControl* slots) { test_slots_ = slots; }

private:
    SlotControl* slots() const;

    Options options_;
    Crawler& crawler_;
    SlotControl* test_slots_ = nullptr;
    std::size_t opened_connection_ = 0;
};

} // namespace trawl::middlewares
