#pragma once
// The Crawler owns one crawl: settings, stats, signals, the spider, the
// components and the engine. No globals: several crawlers may run in one
// process, each on its own event loop thread.

#include <trawl/components.hpp>
#include <trawl/settings.hpp>
#include <trawl/slots.hpp>
#include <trawl/signals.hpp>
#include <trawl/spider.hpp>
#include <trawl/stats.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <functional>
#include <mutex>
#include <memory>
#include <string>

namespace trawl {

/// Time as the crawl sees it; tests inject a manual clock so that delays
/// are checked without sleeping.
class Clock {
public:
    using time_point = std::chrono::steady_clock::time_point;
    virtual ~Clock() = default;
    virtual time_point now() const = 0;
    /// The real steady clock.
    static const Clock& steady();
};

class Crawler {
public:
    /// Applies the spider's custom_settings at spider priority (so -s
    /// still wins). Throws SettingsError for invalid custom_settings.
    /// crawl() adds the built-in components (register_builtin_components)
    /// under the names the user has not taken.
    Crawler(std::unique_ptr<Spider> spider, Settings settings);
    ~Crawler();
    Crawler(const Crawler&) = delete;
    Crawler& operator=(const Crawler&) = delete;

    Settings& settings() noexcept { return settings_; }
    const Settings& settings() const noexcept { return settings_; }
    Stats& stats() noexcept { return stats_; }
    Signals& signals() noexcept { return signals_; }
    Spider& spider() noexcept { return *spider_; }
    /// Register user components here before crawl().
    Components& components() noexcept { return components_; }
    const Clock& clock() const noexcept { return *clock_; }
    void set_clock(const Clock& clock) noexcept { clock_ = &clock; }

    /// Runs the crawl on the calling thread until it ends; returns the
    /// finish reason ("finished", "shutdown", "closespider_itemcount", ...).
    /// Throws SettingsError / std::exception for configuration errors found
    /// at start-up.
    std::string crawl();

    /// The executor of the crawl's event loop: valid from SpiderOpened
    /// until the loop stops (default-constructed, i.e. empty, before).
    /// Extensions start their timers on it.
    boost::asio::any_io_executor executor() const;

    /// Sets executor(): the engine calls this when the crawl starts. Tests
    /// that drive components without an engine attach their own io_context.
    void attach_executor(boost::asio::any_io_executor executor);

    /// Asks the crawl to close with `reason`: no new requests are
    /// scheduled, in-flight work finishes, output is flushed. Safe from any
    /// thread. A second call while closing cancels in-flight work at once.
    void close_spider(std::string reason);

    /// The reason the last close_spider() gave ("" if none yet).
    std::string close_reason() const;

    /// Adds a request to the running crawl's frontier, through the
    /// dupefilter (Scrapy's engine.crawl()): for extensions and signal
    /// handlers, e.g. one that refills the crawl on SpiderIdle. Safe from any
    /// thread. Called on the loop thread (signal handlers, timers on
    /// executor()) it counts as work at once, so the crawl does not close
    /// under it. Ignored once the crawl is closing. Throws std::logic_error
    /// when no crawl is running.
    void schedule(Request request);

    /// Downloads `request` through the downloader middlewares and its slot,
    /// bypassing the scheduler and the dupefilter (Scrapy's
    /// engine.download()): for a component that needs a page of its own,
    /// such as robots.txt. Retries and redirects are followed; the result is
    /// the final response or the failure. Loop thread only, while a crawl
    /// runs; throws std::logic_error otherwise.
    boost::asio::awaitable<DownloadResult> download(Request request);

    /// The running crawl's download slots, to change a host's delay or
    /// concurrency (Crawl-delay, AutoThrottle). Loop thread only; nullptr
    /// when no crawl runs.
    SlotControl* slots() noexcept { return slots_; }

    /// The engine of a running crawl registers how to close it and how to
    /// schedule into it; internal.
    void set_close_handler(std::function<void(std::string reason, bool at_once)> handler);
    void set_schedule_handler(std::function<void(Request)> handler);

private:
    Settings settings_;
    Stats stats_;
    Signals signals_;
    std::unique_ptr<Spider> spider_;
    Components components_;
    const Clock* clock_;
    boost::asio::any_io_executor executor_;
    mutable std::mutex mutex_;  // guards the close state and the handlers
    std::string close_reason_;
    int close_requests_ = 0;
    std::function<void(std::string, bool)> close_handler_;
    std::function<void(Request)> schedule_handler_;
    // Set and cleared by the engine on the loop thread, used only there.
    std::function<boost::asio::awaitable<DownloadResult>(Request)> download_handler_;
    SlotControl* slots_ = nullptr;
    friend class Engine;
};

} // namespace trawl
