#pragma once
// The per-slot download state the engine and the scheduler share: for each
// slot key (a host, or meta["download_slot"]) its concurrency limit, delay,
// downloads in progress and when the last one started; plus the global
// CONCURRENT_REQUESTS cap. The engine asks ready(), calls start() when a
// download begins and finish() when it ends; the scheduler reads it through
// SlotView to pick the next request.
//
// Everything runs on the loop thread: no locks.
//
// Time comes from the crawl's Clock, so tests move time by hand. Slots are
// created on first start() (or set_delay / set_concurrency) and dropped
// once idle for a minute past their delay, as Scrapy's downloader does:
// a crawl over 100,000 hosts keeps only the recent ones.

#include <trawl/crawler.hpp>
#include <trawl/settings.hpp>
#include <trawl/slots.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <queue>
#include <random>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace trawl::detail {

class Slots final : public SlotView, public SlotControl {
public:
    using time_point = Clock::time_point;
    using duration = std::chrono::nanoseconds;

    /// How long a slot stays after its last download ended and its delay
    /// passed (Scrapy's 60 s).
    static constexpr duration idle_lifetime = std::chrono::seconds{60};

    /// Reads CONCURRENT_REQUESTS, CONCURRENT_REQUESTS_PER_DOMAIN,
    /// DOWNLOAD_DELAY, RANDOMIZE_DOWNLOAD_DELAY and DOWNLOAD_SLOTS
    /// ({key: {concurrency, delay, randomize_delay}}, each optional). Throws
    /// SettingsError for a limit below 1, a negative delay or a malformed
    /// DOWNLOAD_SLOTS entry. `clock` must outlive this object.
    Slots(const Settings& settings, const Clock& clock, std::uint64_t seed = std::random_device{}());

    // SlotView
    /// A free place in the slot and in the global cap, and the slot's
    /// (randomized) delay since its last start has passed.
    bool ready(std::string_view key) const override;
    /// The slot's own part of ready(): a free place in the slot and its
    /// delay passed, whatever the global cap says.
    bool slot_ready(std::string_view key) const;
    std::size_t active(std::string_view key) const override;

    /// A download for `key` begins now: counts it and draws the delay that
    /// must pass before the next one may begin.
    void start(std::string_view key);
    /// A download for `key` ended (successfully or not).
    void finish(std::string_view key);

    /// The earliest future time at which a slot that is waiting only for
    /// its delay becomes ready; nullopt if none is. The engine sleeps until
    /// then (or until a download finishes). It may name a slot without
    /// pending requests, which costs one early wake-up per such slot.
    std::optional<time_point> next_ready_time();

    // SlotControl
    /// Changes a slot's delay (AutoThrottle); the wait since its last start
    /// is recomputed at once.
    void set_delay(std::string_view key, duration delay) override;
    /// Kept outside the slot, so it outlives its collection.
    void set_delay_floor(std::string_view key, duration floor) override;
    void set_concurrency(std::string_view key, std::size_t concurrency) override;
    /// Throws std::invalid_argument for a negative wait.
    void hold(std::string_view key, duration wait) override;
    /// Throws std::invalid_argument for a negative delay.
    void set_default_delay(duration delay) override;
    /// The slot's delay (at least its floor) and limit (configured values
    /// for a slot not created yet).
    duration delay(std::string_view key) const override;
    std::size_t concurrency(std::string_view key) const override;

    std::size_t global_active() const noexcept { return global_active_; }
    std::size_t global_limit() const noexcept { return global_limit_; }
    /// False when CONCURRENT_REQUESTS downloads are running: no slot is
    /// ready, so the engine need not ask the scheduler.
    bool global_ready() const noexcept { return global_active_ < global_limit_; }

    /// Slots currently held.
    std::size_t size() const noexcept { return slots_.size(); }
    bool contains(std::string_view key) const { return slots_.find(key) != slots_.end(); }

    /// Drops slots with no download running that were last used (and
    /// whose delay ended) more than idle_lifetime ago; returns how many.
    /// Their set_delay / set_concurrency changes go with them, as in Scrapy. start() runs it at most once per
    /// idle_lifetime, so calling it is optional.
    std::size_t collect_idle();

private:
    struct Config {
        std::size_t concurrency;
        duration delay;
        bool randomize;
        duration floor{0};  ///< no drawn delay below it
        bool own_delay = false;  ///< a DOWNLOAD_SLOTS entry's delay: set_default_delay leaves it
    };
    struct Slot {
        Config config;
        std::size_t active = 0;
        time_point last_start = time_point::min();
        /// last_start + this slot's drawn delay: no start before it.
        time_point ready_at = time_point::min();
        /// The last start, finish or change: idleness is measured from it.
        time_point last_used{};
        /// hold(): no start before it either.
        time_point held_until = time_point::min();
        time_point ready_time() const noexcept { return std::max(ready_at, held_until); }
    };
    struct KeyHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view key) const noexcept { return std::hash<std::string_view>{}(key); }
    };
    /// A slot that waits for its delay, for next_ready_time(); entries go
    /// stale when the slot restarts, changes delay or is collected, and are
    /// skipped then.
    struct Wakeup {
        time_point at;
        std::string key;
        bool operator>(const Wakeup& other) const noexcept { return at > other.at; }
    };

    Config config_for(std::string_view key) const;
    Slot& slot(std::string_view key);
    const Slot* find(std::string_view key) const;
    duration draw_delay(const Config& config);
    void schedule_wakeup(std::string_view key, const Slot& slot);
    void redraw_delay(std::string_view key, Slot& slot);
    void drop_past_wakeups(time_point now);
    void maybe_collect(time_point now);

    const Clock& clock_;
    Config default_config_;
    std::size_t global_limit_;
    std::unordered_map<std::string, Config, KeyHash, std::equal_to<>> overrides_;  // DOWNLOAD_SLOTS
    std::unordered_map<std::string, duration, KeyHash, std::equal_to<>> delay_floors_;
    std::unordered_map<std::string, Slot, KeyHash, std::equal_to<>> slots_;
    std::priority_queue<Wakeup, std::vector<Wakeup>, std::greater<>> wakeups_;
    std::size_t global_active_ = 0;
    time_point last_collect_;
    std::mt19937_64 random_;
};

} // namespace trawl::detail
