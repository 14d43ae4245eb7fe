#include "downloader/adaptive_concurrency.hpp"

#include "downloader/http_status.hpp"
#include "downloader/meta_values.hpp"
#include "downloader/retry_after.hpp"

#include <trawl/log.hpp>
#include <trawl/slots.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <system_error>

namespace trawl::middlewares {

namespace {

const Logger logger{"trawl.downloadermiddlewares.adaptiveconcurrency"};

// Weight of a new sample in the smoothed latency: about the last ten
// responses, as TCP's SRTT (1/8).
constexpr double latency_weight = 0.125;
// Hosts not seen for this long, and not backed off, are forgotten (slots
// go after a minute idle).
constexpr std::chrono::minutes host_lifetime{2};

std::chrono::nanoseconds to_duration(double seconds)
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::duration<double>(seconds));
}

std::int64_t to_ms(std::chrono::nanoseconds d)
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

// "429 Too Many Requests": Scrapy's message names 429 "Unknown Status"
// (Twisted's table predates it), which reads badly in a back-off line.
std::string status_text(int status)
{
    return status == 429 ? std::string("429 Too Many Requests") : response_status_message(status);
}

std::string seconds_text(double seconds) { return fmt::format("{:.3g} s", seconds); }

[[noreturn]] void range_error(const Settings& settings, std::string_view name, std::string_view expected)
{
    throw SettingsError(fmt::format("{}: {}: expected {}", settings.source(name), name, expected));
}

int parse_status_code(const std::string& text, const Settings& settings)
{
    int code = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), code);
    if (ec != std::errc{} || end != text.data() + text.size()) {
        range_error(settings, "ADAPTIVE_CONCURRENCY_HTTP_CODES", fmt::format("HTTP status codes, got '{}'", text));
    }
    return code;
}

} // namespace

std::unique_ptr<AdaptiveConcurrencyMiddleware> AdaptiveConcurrencyMiddleware::from_crawler(Crawler& crawler)
{
    const auto& settings = crawler.settings();
    if (!settings.get_bool("ADAPTIVE_CONCURRENCY_ENABLED", true)) {
        throw NotConfigured("ADAPTIVE_CONCURRENCY_ENABLED is false");
    }
    Options options;
    const auto min = settings.get_int("ADAPTIVE_CONCURRENCY_MIN", 1);
    if (min < 1) {
        range_error(settings, "ADAPTIVE_CONCURRENCY_MIN", "an integer >= 1");
    }
    const auto max = settings.get_int("ADAPTIVE_CONCURRENCY_MAX", 0);
    if (max < 0) {
        range_error(settings, "ADAPTIVE_CONCURRENCY_MAX", "an integer >= 0 (0: the slot's configured concurrency)");
    }
    options.min_concurrency = static_cast<std::size_t>(min);
    options.max_concurrency = static_cast<std::size_t>(max);
    options.latency_factor = settings.get_double("ADAPTIVE_CONCURRENCY_LATENCY_FACTOR", 3.0);
    if (!(options.latency_factor == 0.0 || options.latency_factor > 1.0)) {
        range_error(settings, "ADAPTIVE_CONCURRENCY_LATENCY_FACTOR", "a number above 1, or 0 (off)");
    }
    options.latency_min = settings.get_double("ADAPTIVE_CONCURRENCY_LATENCY_MIN", 0.5);
    if (!(options.latency_min >= 0.0)) {
        range_error(settings, "ADAPTIVE_CONCURRENCY_LATENCY_MIN", "seconds >= 0");
    }
    options.recovery_responses = settings.get_int("ADAPTIVE_CONCURRENCY_RECOVERY_RESPONSES", 10);
    if (options.recovery_responses < 1) {
        range_error(settings, "ADAPTIVE_CONCURRENCY_RECOVERY_RESPONSES", "an integer >= 1");
    }
    options.max_retry_after = settings.get_double("ADAPTIVE_CONCURRENCY_MAX_RETRY_AFTER", 60.0);
    if (!(options.max_retry_after >= 0.0)) {
        range_error(settings, "ADAPTIVE_CONCURRENCY_MAX_RETRY_AFTER", "seconds >= 0");
    }
    if (settings.contains("ADAPTIVE_CONCURRENCY_HTTP_CODES")) {
        options.http_codes.clear();
        for (const auto& text : settings.get_list("ADAPTIVE_CONCURRENCY_HTTP_CODES")) {
            options.http_codes.insert(parse_status_code(text, settings));
        }
    }
    return std::make_unique<AdaptiveConcurrencyMiddleware>(std::move(options), crawler);
}

AdaptiveConcurrencyMiddleware::AdaptiveConcurrencyMiddleware(Options options, Crawler& crawler)
    : options_(std::move(options)),
      crawler_(crawler),
      wall_clock_([] { return std::chrono::system_clock::now(); }),
      last_collect_(crawler.clock().now())
{
}

SlotControl* AdaptiveConcurrencyMiddleware::slots() const { return test_slots_ ? test_slots_ : crawler_.slots(); }

AdaptiveConcurrencyMiddleware::Host& AdaptiveConcurrencyMiddleware::host(const std::string& key, SlotControl& slots,
                                                                         Clock::time_point now)
{
    auto it = hosts_.find(key);
    if (it == hosts_.end()) {
        Host fresh;
        fresh.ceiling = options_.max_concurrency > 0 ? options_.max_concurrency : slots.concurrency(key);
        fresh.last_seen = now;
        it = hosts_.emplace(key, fresh).first;
    }
    return it->second;
}

boost::asio::awaitable<ResponseAction> AdaptiveConcurrencyMiddleware::process_response(const Request& request,
                                                                                        Response response)
{
    auto* control = slots();
    const auto latency = meta_number(request.meta, "download_latency");
    if (!latency || control == nullptr) {
        co_return response;
    }
    const auto now = crawler_.clock().now();
    const std::string key = slot_key(request);
    Host& h = host(key, *control, now);
    h.last_seen = now;
    // The request left `latency` ago: whether it went out before or after
    // the last decrease decides whether its answer still counts.
    const auto sent = now - to_duration(*latency);
    const bool after_decrease = sent >= h.last_decrease;
    const int status = response.status();
    const bool congested = options_.http_codes.contains(status);

    bool spike = false;
    const double usual = h.smoothed_latency;
    if (!congested) {
        spike = options_.latency_factor > 0 && h.samples >= baseline_responses && *latency >= options_.latency_min &&
                *latency > options_.latency_factor * h.smoothed_latency;
        // Fast refusals would drag the baseline down: only real answers
        // count. A spike does, so a host that stays slow becomes the norm.
        h.smoothed_latency = h.samples == 0 ? *latency : usual + latency_weight * (*latency - usual);
        ++h.samples;
    }

    double held = 0;  // seconds of Retry-After obeyed
    if (congested && options_.max_retry_after > 0) {
        if (auto header = response.headers().get("Retry-After")) {
            if (auto wait = parse_retry_after(*header, wall_clock_())) {
                const double seconds = std::min(wait->count(), options_.max_retry_after);
                if (seconds > 0) {
                    // Every such answer extends the hold: the server knows
                    // best when it can take requests again.
                    control->hold(key, to_duration(seconds));
                    held = seconds;
                }
            }
        }
    }

    if (congested || spike) {
        h.good_in_row = 0;
        if (after_decrease) {
            std::string reason = congested ? status_text(status)
                                           : fmt::format("latency {}, {:.1f}x its usual {}", seconds_text(*latency),
                                                         *latency / usual, seconds_text(usual));
            if (held > 0) {
                reason += fmt::format(", Retry-After {}", seconds_text(held));
            }
            back_off(key, h, *control, now, reason);
        }
        if (held > 0 && in_stats_.contains(key)) {
            crawler_.stats().set_value(fmt::format("throttle/{}/retry_after_ms", key), to_ms(to_duration(held)));
        }
    } else if (status < 500 && after_decrease) {
        if (++h.good_in_row >= options_.recovery_responses) {
            h.good_in_row = 0;
            increase(key, h, *control);
        }
    }
    collect_idle(now);
    co_return response;
}

void AdaptiveConcurrencyMiddleware::back_off(const std::string& key, Host& h, SlotControl& slots,
                                             Clock::time_point now, const std::string& reason)
{
    const std::size_t current = slots.concurrency(key);
    const std::size_t next = std::max(options_.min_concurrency, current / 2);
    if (next < current) {
        slots.set_concurrency(key, next);
    }
    h.last_decrease = now;
    h.backed_off = true;
    auto& stats = crawler_.stats();
    stats.inc_value("throttle/backoffs");
    if (!in_stats_.contains(key) && in_stats_.size() < max_slots_in_stats) {
        in_stats_.insert(key);
    }
    if (in_stats_.contains(key)) {
        stats.inc_value(fmt::format("throttle/{}/backoffs", key));
        update_stats(key, slots);
    }
    if (next < current) {
        logger.info("Backing off {}: concurrency {} -> {} ({})", key, current, next, reason);
    } else {
        logger.info("Backing off {}: concurrency stays {} ({})", key, current, reason);
    }
}

void AdaptiveConcurrencyMiddleware::increase(const std::string& key, Host& h, SlotControl& slots)
{
    const std::size_t current = slots.concurrency(key);
    if (current < h.ceiling) {
        slots.set_concurrency(key, current + 1);
        logger.debug("Concurrency of {} up to {}", key, current + 1);
    }
    if (in_stats_.contains(key)) {
        update_stats(key, slots);
    }
    if (h.backed_off && slots.concurrency(key) >= h.ceiling) {
        h.backed_off = false;
        crawler_.stats().inc_value("throttle/recoveries");
        logger.info("Recovered {}: concurrency back to {}", key, h.ceiling);
    }
}

void AdaptiveConcurrencyMiddleware::update_stats(const std::string& key, SlotControl& slots)
{
    auto& stats = crawler_.stats();
    stats.set_value(fmt::format("throttle/{}/concurrency", key), static_cast<std::int64_t>(slots.concurrency(key)));
    stats.set_value(fmt::format("throttle/{}/delay_ms", key), to_ms(slots.delay(key)));
}

void AdaptiveConcurrencyMiddleware::collect_idle(Clock::time_point now)
{
    if (now - last_collect_ < host_lifetime) {
        return;
    }
    last_collect_ = now;
    // A host still backed off is kept: its slot may outlive a minute idle
    // with the lowered concurrency, and the ceiling must not be relearnt
    // from it.
    std::erase_if(hosts_, [now](const auto& entry) {
        return !entry.second.backed_off && now - entry.second.last_seen >= host_lifetime;
    });
}

} // namespace trawl::middlewares
