#include "extensions/log_stats.hpp"

#include <trawl/downloader_middleware.hpp>
#include <trawl/log.hpp>

#include <boost/asio/steady_timer.hpp>

#include <fmt/format.h>

#include <atomic>
#include <stdexcept>

namespace trawl {

namespace {
const Logger logger{"trawl.extensions.logstats"};
} // namespace

namespace net = boost::asio;

// The interval timer, shared with its pending wait: the wait's handler
// keeps the timer alive and checks `stopped` before it touches the
// extension, which may be gone by the time a cancelled wait completes.
struct LogStats::Timer {
    explicit Timer(const net::any_io_executor& executor) : timer(executor) {}
    net::steady_timer timer;
    std::atomic<bool> stopped{false};
};

std::unique_ptr<LogStats> LogStats::from_crawler(Crawler& crawler)
{
    const auto interval = crawler.settings().get_seconds("LOGSTATS_INTERVAL", std::chrono::seconds(60));
    if (interval <= std::chrono::nanoseconds::zero()) {
        throw NotConfigured("LOGSTATS_INTERVAL is 0");
    }
    return std::make_unique<LogStats>(crawler, interval);
}

LogStats::LogStats(Crawler& crawler, std::chrono::nanoseconds interval)
    : crawler_(crawler), interval_(interval),
      per_minute_(60e9 / static_cast<double>(interval.count()))
{
    if (interval_ <= std::chrono::nanoseconds::zero()) {
        throw std::invalid_argument("LogStats: the interval must be positive");
    }
    Signals& signals = crawler_.signals();
    connections_.push_back(signals.connect<SpiderOpened>([this](const SpiderOpened&) { start(); }));
    connections_.push_back(signals.connect<SpiderClosed>([this](const SpiderClosed&) { stop(); }));
}

LogStats::~LogStats()
{
    for (const std::size_t id : connections_) {
        crawler_.signals().disconnect(id);
    }
    // Normally stopped at SpiderClosed already. The loop is not running any
    // more, so the timer is left alone (its io_context may be shutting
    // down); a wait still pending finds `stopped` and does nothing.
    if (timer_) {
        timer_->stopped = true;
    }
}

std::string LogStats::next_line()
{
    const Stats& stats = crawler_.stats();
    const auto pages = static_cast<std::int64_t>(stats.get_number("response_received_count"));
    const auto items = static_cast<std::int64_t>(stats.get_number("item_scraped_count"));
    const auto page_rate = static_cast<std::int64_t>(static_cast<double>(pages - pages_before_) * per_minute_);
    const auto item_rate = static_cast<std::int64_t>(static_cast<double>(items - items_before_) * per_minute_);
    pages_before_ = pages;
    items_before_ = items;
    return fmt::format("Crawled {} pages (at {} pages/min), scraped {} items (at {} items/min)", pages, page_rate,
                       items, item_rate);
}

void LogStats::start()
{
    const net::any_io_executor executor = crawler_.executor();
    if (!executor) {
        throw std::logic_error("LogStats: the crawler has no executor at SpiderOpened");
    }
    stop();
    // Scrapy logs once at the start too, so the log shows the crawl began.
    logger.info("{}", next_line());
    timer_ = std::make_shared<Timer>(executor);
    timer_->timer.expires_after(interval_);
    schedule(timer_);
}

void LogStats::schedule(std::shared_ptr<Timer> timer)
{
    auto& steady_timer = timer->timer;
    steady_timer.async_wait([timer = std::move(timer), this](const boost::system::error_code& ec) {
        if (ec || timer->stopped) {
            return;
        }
        logger.info("{}", next_line());
        // Keep to the original schedule, but after a stall longer than an
        // interval start afresh rather than log a burst of catch-up lines.
        const auto next = timer->timer.expiry() + interval_;
        if (next <= net::steady_timer::clock_type::now()) {
            timer->timer.expires_after(interval_);
        } else {
            timer->timer.expires_at(next);
        }
        schedule(timer);
    });
}

void LogStats::stop()
{
    if (!timer_) {
        return;
    }
    timer_->stopped = true;
    timer_->timer.cancel();
    timer_.reset();
}

} // namespace trawl
