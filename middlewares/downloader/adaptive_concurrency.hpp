#pragma once
// Per-host adaptive concurrency (priority 960; not in Scrapy): AIMD on each
// download slot's concurrency, as TCP does on its window.
//
// - Multiplicative decrease: a response whose status is in
//   ADAPTIVE_CONCURRENCY_HTTP_CODES (429, 503), or a latency spike (latency
//   over ADAPTIVE_CONCURRENCY_LATENCY_FACTOR times the slot's smoothed
//   latency and at least ADAPTIVE_CONCURRENCY_LATENCY_MIN seconds, once 5
//   responses have set the baseline), halves the slot's concurrency, not
//   below ADAPTIVE_CONCURRENCY_MIN. Once per window: only a request sent
//   after the last decrease can cause another, so the burst of 429s that
//   answers one round of requests halves once, not once per request.
// - Retry-After (seconds or HTTP-date) on such a response holds the whole
//   slot (SlotControl::hold) for that long, capped at
//   ADAPTIVE_CONCURRENCY_MAX_RETRY_AFTER (0: ignored); the slot's own delay
//   applies again afterwards. The retry middleware (550) reschedules the
//   response's request with the same wait (capped by RETRY_BACKOFF_MAX):
//   retry sends it again, this slows the others down.
// - Additive increase: every ADAPTIVE_CONCURRENCY_RECOVERY_RESPONSES good
//   responses in a row (status below 500 and not a back-off code, no spike,
//   sent after the last decrease) add one place, up to the ceiling:
//   ADAPTIVE_CONCURRENCY_MAX if above 0, else the slot's configured
//   concurrency (CONCURRENT_REQUESTS_PER_DOMAIN or its DOWNLOAD_SLOTS
//   entry) as first seen. Other 5xx responses count neither way.
// Only downloaded responses count (meta download_latency, set by the
// engine); its process_response runs before retry's, so it sees the 429s
// that retry then reschedules.
//
// On by default: for a healthy host it only keeps a smoothed latency, and
// it changes nothing until a server says "too many requests" or slows down
// sharply (at least half a second, three times its usual latency), which a
// polite crawler should answer by slowing down.
//
// Log: INFO "Backing off <slot>: concurrency 8 -> 4 (429 Too Many Requests,
// Retry-After 1 s)" and "Recovered <slot>: concurrency back to 8".
// Stats: throttle/backoffs, throttle/recoveries in total; for the first 100
// slots that back off, throttle/<slot>/backoffs, throttle/<slot>/concurrency
// (kept current), throttle/<slot>/delay_ms (the slot's delay) and
// throttle/<slot>/retry_after_ms (the last hold).

#include <trawl/crawler.hpp>
#include <trawl/downloader_middleware.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace trawl {
class SlotControl;
} // namespace trawl

namespace trawl::middlewares {

class AdaptiveConcurrencyMiddleware final : public DownloaderMiddleware {
public:
    struct Options {
        std::size_t min_concurrency = 1;
        std::size_t max_concurrency = 0;  ///< 0 = the slot's configured concurrency
        double latency_factor = 3.0;      ///< 0 = latency never backs off
        double latency_min = 0.5;         ///< seconds
        std::int64_t recovery_responses = 10;
        double max_retry_after = 60.0;  ///< seconds
        std::set<int> http_codes{429, 503};
    };
    using WallClock = std::function<std::chrono::system_clock::time_point()>;

    /// Responses that set a slot's latency baseline before spikes count.
    static constexpr std::uint64_t baseline_responses = 5;
    /// Slots that get their own throttle/<slot>/... stats.
    static constexpr std::size_t max_slots_in_stats = 100;

    /// Throws NotConfigured when ADAPTIVE_CONCURRENCY_ENABLED is false,
    /// SettingsError for a setting out of range.
    static std::unique_ptr<AdaptiveConcurrencyMiddleware> from_crawler(Crawler& crawler);
    AdaptiveConcurrencyMiddleware(Options options, Crawler& crawler);

    HookSet hooks() const override { return static_cast<HookSet>(Hook::response); }
    /// Adjusts the request's slot; always passes the response on.
    boost::asio::awaitable<ResponseAction> process_response(const Request& request, Response response) override;

    /// Slots to adjust instead of Crawler::slots().
    void set_slots_for_test(SlotControl* slots) { test_slots_ = slots; }
    /// The clock Retry-After dates are measured against (the system clock).
    void set_wall_clock_for_test(WallClock clock) { wall_clock_ = std::move(clock); }

private:
    struct Host {
        std::size_t ceiling = 1;
        double smoothed_latency = 0;  ///< seconds
        std::uint64_t samples = 0;
        std::int64_t good_in_row = 0;
        Clock::time_point last_decrease = Clock::time_point::min();
        Clock::time_point last_seen{};
        bool backed_off = false;  ///< below its ceiling since a decrease
    };
    struct KeyHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view key) const noexcept { return std::hash<std::string_view>{}(key); }
    };

    SlotControl* slots() const;
    Host& host(const std::string& key, SlotControl& slots, Clock::time_point now);
    void back_off(const std::string& key, Host& host, SlotControl& slots, Clock::time_point now,
                  const std::string& reason);
    void increase(const std::string& key, Host& host, SlotControl& slots);
    void update_stats(const std::string& key, SlotControl& slots);
    void collect_idle(Clock::time_point now);

    Options options_;
    Crawler& crawler_;
    SlotControl* test_slots_ = nullptr;
    WallClock wall_clock_;
    std::unordered_map<std::string, Host, KeyHash, std::equal_to<>> hosts_;
    std::unordered_set<std::string, KeyHash, std::equal_to<>> in_stats_;
    Clock::time_point last_collect_{};
};

} // namespace trawl::middlewares
