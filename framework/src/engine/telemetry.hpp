#pragma once
// The loop's own health figures: loop lag (how late a timer runs: the
// signal that something blocks the event loop), peak requests in flight,
// and a status line every second on a terminal. Runs on the loop thread;
// its timer is the engine's to stop.

#include "engine/lag_histogram.hpp"

#include <trawl/downloader.hpp>
#include <trawl/stats.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <functional>

namespace trawl::detail {

/// What the engine reports at each probe.
struct EngineGauges {
    std::size_t in_flight = 0;  ///< downloads in progress
    std::size_t queued = 0;     ///< requests in the scheduler
};

class Telemetry {
public:
    Telemetry(boost::asio::any_io_executor executor, Stats& stats, std::chrono::nanoseconds interval,
              bool status_line, std::function<EngineGauges()> gauges);

    void start();
    /// Stops the probe and writes the figures into the stats, with the
    /// downloader's counters.
    void finish(const DownloaderStats& downloader);

private:
    void schedule();
    void probe(std::chrono::steady_clock::time_point due);
    void print_status(std::chrono::steady_clock::time_point now);

    boost::asio::steady_timer timer_;
    Stats& stats_;
    std::chrono::nanoseconds interval_;
    bool status_line_;
    std::function<EngineGauges()> gauges_;
    LagHistogram lag_;            // every probe, in constant memory
    double last_lag_ms_ = 0;      // for the status line
    std::size_t peak_in_flight_ = 0;
    std::chrono::steady_clock::time_point started_;
    std::chrono::steady_clock::time_point last_status_;
    double last_pages_ = 0;
    double last_items_ = 0;
    bool stopped_ = false;
};

} // namespace trawl::detail
