#include "engine/telemetry.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <unistd.h>

namespace trawl::detail {

using SteadyClock = std::chrono::steady_clock;

Telemetry::Telemetry(boost::asio::any_io_executor executor, Stats& stats, std::chrono::nanoseconds interval,
                     bool status_line, std::function<EngineGauges()> gauges)
    : timer_(std::move(executor)),
      stats_(stats),
      interval_(std::max<std::chrono::nanoseconds>(interval, std::chrono::milliseconds{1})),
      status_line_(status_line && isatty(fileno(stderr))),
      gauges_(std::move(gauges))
{
}

void Telemetry::start()
{
    started_ = last_status_ = SteadyClock::now();
    schedule();
}

void Telemetry::schedule()
{
    const auto due = SteadyClock::now() + interval_;
    timer_.expires_at(due);
    // A plain handler, not a coroutine: the probe must cost as little as
    // possible, and the lag it measures is the time until this runs.
    timer_.async_wait([this, due](boost::system::error_code ec) {
        if (!ec && !stopped_) {
            probe(due);
        }
    });
}

void Telemetry::probe(SteadyClock::time_point due)
{
    const auto now = SteadyClock::now();
    last_lag_ms_ = std::chrono::duration<double, std::milli>(now - due).count();
    lag_.add(last_lag_ms_);
    const auto gauges = gauges_();
    peak_in_flight_ = std::max(peak_in_flight_, gauges.in_flight);
    if (status_line_ && now - last_status_ >= std::chrono::seconds{1}) {
        print_status(now);
    }
    schedule();
}

void Telemetry::print_status(SteadyClock::time_point now)
{
    const double seconds = std::chrono::duration<double>(now - last_status_).count();
    const double pages = stats_.get_number("response_received_count");
    const double items = stats_.get_number("item_scraped_count");
    const auto gauges = gauges_();
    fmt::print(stderr, "\r{:.0f} pages/s, {:.0f} items/s, {} in flight, {} queued, loop lag {:.1f} ms   ",
               (pages - last_pages_) / seconds, (items - last_items_) / seconds, gauges.in_flight, gauges.queued,
               last_lag_ms_);
    std::fflush(stderr);
    last_pages_ = pages;
    last_items_ = items;
    last_status_ = now;
}

void Telemetry::finish(const DownloaderStats& downloader)
{
    stopped_ = true;
    timer_.cancel();
    if (status_line_) {
        fmt::print(stderr, "\n");
    }
    if (lag_.count() > 0) {
        stats_.set_value("loop/lag_p50_ms", lag_.quantile(0.50));
        stats_.set_value("loop/lag_p99_ms", lag_.quantile(0.99));
        stats_.set_value("loop/lag_max_ms", lag_.max());
        stats_.set_value("loop/lag_samples", static_cast<std::int64_t>(lag_.count()));
    }
    stats_.set_value("downloader/peak_in_flight", static_cast<std::int64_t>(peak_in_flight_));
    stats_.set_value("downloader/connections_opened", static_cast<std::int64_t>(downloader.connections_opened));
    stats_.set_value("downloader/connections_reused", static_cast<std::int64_t>(downloader.connections_reused));
    stats_.set_value("downloader/connections_dropped", static_cast<std::int64_t>(downloader.connections_dropped));
    stats_.set_value("downloader/bytes_received", static_cast<std::int64_t>(downloader.bytes_received));
    stats_.set_value("dns/lookups", static_cast<std::int64_t>(downloader.dns_lookups));
    stats_.set_value("dns/cache_hits", static_cast<std::int64_t>(downloader.dns_cache_hits));
    stats_.set_value("dns/failures", static_cast<std::int64_t>(downloader.dns_failures));
    const double elapsed = std::chrono::duration<double>(SteadyClock::now() - started_).count();
    if (elapsed > 0) {
        stats_.set_value("pages_per_second", stats_.get_number("response_received_count") / elapsed);
    }
}

} // namespace trawl::detail
