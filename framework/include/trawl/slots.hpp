#pragma once
// Download slots: one per host (or per meta["download_slot"]), shared by the
// scheduler (which request may go next) and the engine (concurrency and
// delay per slot). The scheduler sees them through this read-only view.

#include <trawl/request.hpp>

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

namespace trawl {

/// The slot a request belongs to: meta["download_slot"] if set, else the
/// URL's host (lower case), else "" for URLs without one (data:, file:).
std::string slot_key(const Request& request);

class SlotView {
public:
    virtual ~SlotView() = default;
    /// True if a download for this slot may start now (a free concurrency
    /// place and its delay has passed).
    virtual bool ready(std::string_view key) const = 0;
    /// Downloads in progress in this slot.
    virtual std::size_t active(std::string_view key) const = 0;
};

/// What middlewares and extensions may change of a running crawl's slots
/// (Crawler::slots()): robots.txt's Crawl-delay, AutoThrottle, per-host
/// back-off. Loop thread only. Delays apply from the slot's next start;
/// set_delay and set_concurrency last while the slot exists (it goes after
/// a minute idle, as in Scrapy), a delay floor for the whole crawl.
class SlotControl {
public:
    using duration = std::chrono::nanoseconds;
    virtual ~SlotControl() = default;
    /// The slot's delay between download starts (DOWNLOAD_DELAY unless
    /// changed), never below its floor.
    virtual duration delay(std::string_view key) const = 0;
    virtual void set_delay(std::string_view key, duration delay) = 0;
    /// A minimum for the slot's delay, randomisation included, for the rest
    /// of the crawl (robots.txt Crawl-delay); the larger of two floors wins.
    virtual void set_delay_floor(std::string_view key, duration floor) = 0;
    virtual std::size_t concurrency(std::string_view key) const = 0;
    virtual void set_concurrency(std::string_view key, std::size_t concurrency) = 0;

    // The calls below have bodies that do nothing (or answer 0) so that a
    // test double need not write them; the crawl's slots implement them.

    /// No download starts in the slot for `wait` from now (a server's
    /// Retry-After), whatever its delay; the delay itself is unchanged and
    /// applies again once the hold ends. A shorter hold than one in force
    /// changes nothing.
    virtual void hold(std::string_view /*key*/, duration /*wait*/) {}
    /// The delay of slots created from now on, instead of DOWNLOAD_DELAY
    /// (Scrapy's spider.download_delay, which AutoThrottle sets to its start
    /// delay). Slots that exist keep theirs, and so do DOWNLOAD_SLOTS
    /// entries with a delay of their own.
    virtual void set_default_delay(duration /*delay*/) {}
    /// Downloads in progress in the slot (SlotView::active).
    virtual std::size_t active(std::string_view /*key*/) const { return 0; }
};

} // namespace trawl
