#include "extensions/close_spider.hpp"

#include <trawl/downloader_middleware.hpp>

#include <boost/asio/steady_timer.hpp>

#include <stdexcept>

namespace trawl {

namespace net = boost::asio;

// The timeout's timer, shared with its pending wait: the wait's handler
// keeps the timer alive and checks `stopped` before it touches the
// extension, which may be gone by the time a cancelled wait completes.
struct CloseSpider::Timer {
    explicit Timer(const net::any_io_executor& executor) : timer(executor) {}
    net::steady_timer timer;
    std::atomic<bool> stopped{false};
};

std::unique_ptr<CloseSpider> CloseSpider::from_crawler(Crawler& crawler)
{
    const Settings& settings = crawler.settings();
    Limits limits;
    limits.itemcount = settings.get_int("CLOSESPIDER_ITEMCOUNT");
    limits.pagecount = settings.get_int("CLOSESPIDER_PAGECOUNT");
    limits.errorcount = settings.get_int("CLOSESPIDER_ERRORCOUNT");
    limits.timeout = settings.get_seconds("CLOSESPIDER_TIMEOUT");
    // As in Scrapy, a limit is on when positive; a negative count is
    // treated as 0 rather than as a limit that is never reached.
    if (limits.itemcount <= 0 && limits.pagecount <= 0 && limits.errorcount <= 0 &&
        limits.timeout <= std::chrono::nanoseconds::zero()) {
        throw NotConfigured("no CLOSESPIDER_* limit is set");
    }
    return std::make_unique<CloseSpider>(crawler, limits);
}

CloseSpider::CloseSpider(Crawler& crawler, Limits limits) : crawler_(crawler), limits_(limits)
{
    Signals& signals = crawler_.signals();
    if (limits_.itemcount > 0) {
        connections_.push_back(signals.connect<ItemScraped>(
            [this](const ItemScraped&) { count(items_, limits_.itemcount, "closespider_itemcount"); }));
    }
    if (limits_.pagecount > 0) {
        connections_.push_back(signals.connect<ResponseReceived>(
            [this](const ResponseReceived&) { count(pages_, limits_.pagecount, "closespider_pagecount"); }));
    }
    if (limits_.errorcount > 0) {
        connections_.push_back(signals.connect<RequestFailed>(
            [this](const RequestFailed&) { count(errors_, limits_.errorcount, "closespider_errorcount"); }));
    }
    if (limits_.timeout > std::chrono::nanoseconds::zero()) {
        connections_.push_back(signals.connect<SpiderOpened>([this](const SpiderOpened&) { start_timer(); }));
    }
    connections_.push_back(signals.connect<SpiderClosed>([this](const SpiderClosed&) { stop_timer(); }));
}

CloseSpider::~CloseSpider()
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

void CloseSpider::count(std::atomic<std::int64_t>& counter, std::int64_t limit, const char* reason)
{
    if (counter.fetch_add(1) + 1 >= limit) {
        close(reason);
    }
}

void CloseSpider::close(const char* reason)
{
    // Once: a second close_spider() would mean "close at once, cancel
    // in-flight work", which a limit does not ask for.
    if (closed_.exchange(true)) {
        return;
    }
    crawler_.close_spider(reason);
}

void CloseSpider::start_timer()
{
    const net::any_io_executor executor = crawler_.executor();
    if (!executor) {
        throw std::logic_error("CloseSpider: the crawler has no executor at SpiderOpened");
    }
    stop_timer();
    timer_ = std::make_shared<Timer>(executor);
    timer_->timer.expires_after(limits_.timeout);
    timer_->timer.async_wait([timer = timer_, this](const boost::system::error_code& ec) {
        if (ec || timer->stopped) {
            return;
        }
        close("closespider_timeout");
    });
}

void CloseSpider::stop_timer()
{
    if (!timer_) {
        return;
    }
    timer_->stopped = true;
    timer_->timer.cancel();
    timer_.reset();
}

} // namespace trawl
