#include "extensions/core_stats.hpp"

#include <boost/json/string.hpp>

#include <fmt/format.h>

#include <chrono>
#include <ctime>

namespace trawl {

namespace {

/// Now as ISO 8601 UTC with microseconds, as Python's isoformat() shows
/// Scrapy's datetimes, but with "Z".
std::string utc_now_iso8601()
{
    using namespace std::chrono;
    const auto now = time_point_cast<microseconds>(system_clock::now());
    const auto seconds = floor<std::chrono::seconds>(now);
    const std::time_t t = system_clock::to_time_t(seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                       tm.tm_hour, tm.tm_min, tm.tm_sec, (now - seconds).count());
}

} // namespace

std::unique_ptr<CoreStats> CoreStats::from_crawler(Crawler& crawler)
{
    return std::make_unique<CoreStats>(crawler);
}

CoreStats::CoreStats(Crawler& crawler) : crawler_(crawler)
{
    Signals& signals = crawler_.signals();
    Stats& stats = crawler_.stats();
    connections_.push_back(signals.connect<SpiderOpened>([this, &stats](const SpiderOpened&) {
        started_ = crawler_.clock().now();
        stats.set_value("start_time", boost::json::string(utc_now_iso8601()));
    }));
    connections_.push_back(signals.connect<SpiderClosed>([this, &stats](const SpiderClosed& closed) {
        stats.set_value("finish_time", boost::json::string(utc_now_iso8601()));
        if (started_) {
            const std::chrono::duration<double> elapsed = crawler_.clock().now() - *started_;
            stats.set_value("elapsed_time_seconds", elapsed.count());
        }
        stats.set_value("finish_reason", boost::json::string(closed.reason));
    }));
    connections_.push_back(
        signals.connect<ItemScraped>([&stats](const ItemScraped&) { stats.inc_value("item_scraped_count"); }));
    connections_.push_back(signals.connect<ResponseReceived>(
        [&stats](const ResponseReceived&) { stats.inc_value("response_received_count"); }));
    connections_.push_back(signals.connect<ItemDropped>([&stats](const ItemDropped& dropped) {
        stats.inc_value("item_dropped_count");
        stats.inc_value(fmt::format("item_dropped_reasons_count/{}",
                                    dropped.reason.empty() ? "unspecified" : dropped.reason));
    }));
}

CoreStats::~CoreStats()
{
    for (const std::size_t id : connections_) {
        crawler_.signals().disconnect(id);
    }
}

} // namespace trawl
