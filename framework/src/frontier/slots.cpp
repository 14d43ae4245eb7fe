#include "frontier/slots.hpp"

#include <boost/assert.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace trawl::detail {

namespace {

namespace json = boost::json;

constexpr std::string_view download_slots = "DOWNLOAD_SLOTS";

std::size_t positive_limit(const Settings& settings, std::string_view name, std::int64_t fallback)
{
    const auto value = settings.get_int(name, fallback);
    if (value < 1) {
        throw SettingsError(fmt::format("{}: {}: expected at least 1, got {}", settings.source(name), name, value));
    }
    return static_cast<std::size_t>(value);
}

[[noreturn]] void slot_error(const Settings& settings, std::string_view key, std::string_view what)
{
    throw SettingsError(
        fmt::format("{}: {}: slot '{}': {}", settings.source(download_slots), download_slots, key, what));
}

// Seconds as in DOWNLOAD_DELAY: a non-negative number small enough to fit
// in nanoseconds.
std::chrono::nanoseconds seconds_value(const Settings& settings, std::string_view key, const json::value& v)
{
    const double seconds = v.is_number() ? v.to_number<double>() : -1.0;
    if (!v.is_number() || !std::isfinite(seconds) || seconds < 0 || seconds > 9.0e9) {
        slot_error(settings, key, fmt::format("delay: expected a number of seconds >= 0, got {}", json::serialize(v)));
    }
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::duration<double>(seconds));
}

} // namespace

Slots::Slots(const Settings& settings, const Clock& clock, std::uint64_t seed)
    : clock_(clock),
      default_config_{positive_limit(settings, "CONCURRENT_REQUESTS_PER_DOMAIN", 8),
                      settings.get_seconds("DOWNLOAD_DELAY"), settings.get_bool("RANDOMIZE_DOWNLOAD_DELAY", true)},
      global_limit_(positive_limit(settings, "CONCURRENT_REQUESTS", 16)),
      last_collect_(clock.now()),
      random_(seed)
{
    if (default_config_.delay < duration::zero()) {
        throw SettingsError(fmt::format("{}: DOWNLOAD_DELAY: expected a number of seconds >= 0",
                                        settings.source("DOWNLOAD_DELAY")));
    }
    // Scrapy 2.9's per-slot settings: each field is optional and falls back
    // to the global one. Unknown fields are errors, so that a typo
    // ("concurency") does not silently leave a site unthrottled.
    for (const auto& [key, value] : settings.get_dict(download_slots)) {
        if (!value.is_object()) {
            slot_error(settings, key, "expected a mapping of concurrency, delay, randomize_delay");
        }
        Config config = default_config_;
        for (const auto& [field, v] : value.get_object()) {
            if (field == "concurrency") {
                if (!(v.is_int64() && v.get_int64() >= 1) && !(v.is_uint64() && v.get_uint64() >= 1)) {
                    slot_error(settings, key, fmt::format("concurrency: expected an integer >= 1, got {}",
                                                          json::serialize(v)));
                }
                config.concurrency = v.to_number<std::size_t>();
            } else if (field == "delay") {
                config.delay = seconds_value(settings, key, v);
                config.own_delay = true;
            } else if (field == "randomize_delay") {
                if (!v.is_bool()) {
                    slot_error(settings, key,
                               fmt::format("randomize_delay: expected true or false, got {}", json::serialize(v)));
                }
                config.randomize = v.get_bool();
            } else {
                slot_error(settings, key,
                           fmt::format("unknown field '{}' (expected concurrency, delay, randomize_delay)",
                                       std::string_view(field)));
            }
        }
        overrides_.emplace(std::string(key), config);
    }
}

bool Slots::ready(std::string_view key) const { return global_ready() && slot_ready(key); }

bool Slots::slot_ready(std::string_view key) const
{
    const Slot* s = find(key);
    // A slot not created yet has nothing running and no delay to wait for.
    return s == nullptr || (s->active < s->config.concurrency && clock_.now() >= s->ready_time());
}

std::size_t Slots::active(std::string_view key) const
{
    const Slot* s = find(key);
    return s ? s->active : 0;
}

void Slots::start(std::string_view key)
{
    const auto now = clock_.now();
    Slot& s = slot(key);
    ++s.active;
    ++global_active_;
    s.last_start = now;
    s.last_used = now;
    s.ready_at = now + draw_delay(s.config);
    schedule_wakeup(key, s);
    drop_past_wakeups(now);
    // After the start, so that the slot in use is not the one collected.
    maybe_collect(now);
}

void Slots::finish(std::string_view key)
{
    auto it = slots_.find(key);
    BOOST_ASSERT_MSG(it != slots_.end() && it->second.active > 0, "Slots::finish without a matching start");
    if (it == slots_.end() || it->second.active == 0) {
        return;
    }
    --it->second.active;
    --global_active_;
    it->second.last_used = clock_.now();
}

std::optional<Slots::time_point> Slots::next_ready_time()
{
    const auto now = clock_.now();
    while (!wakeups_.empty()) {
        const Wakeup& top = wakeups_.top();
        if (top.at > now) {
            if (const Slot* s = find(top.key); s && s->ready_time() == top.at) {
                return top.at;
            }
        }
        wakeups_.pop();  // passed, or stale: the slot restarted, changed delay, was held or was collected
    }
    return std::nullopt;
}

void Slots::set_delay(std::string_view key, duration delay)
{
    if (delay < duration::zero()) {
        throw std::invalid_argument(fmt::format("negative download delay for slot '{}'", key));
    }
    Slot& s = slot(key);
    s.config.delay = delay;
    redraw_delay(key, s);
}

void Slots::set_delay_floor(std::string_view key, duration floor)
{
    if (floor < duration::zero()) {
        throw std::invalid_argument(fmt::format("negative delay floor for slot '{}'", key));
    }
    auto& kept = delay_floors_[std::string(key)];
    kept = std::max(kept, floor);
    if (auto it = slots_.find(key); it != slots_.end() && it->second.config.floor < kept) {
        it->second.config.floor = kept;
        redraw_delay(key, it->second);
    }
}

// The wait since the slot's last start, drawn again after a change.
void Slots::redraw_delay(std::string_view key, Slot& s)
{
    const auto now = clock_.now();
    s.last_used = now;
    if (s.last_start != time_point::min()) {
        s.ready_at = s.last_start + draw_delay(s.config);
        schedule_wakeup(key, s);
    }
    drop_past_wakeups(now);
}

void Slots::set_concurrency(std::string_view key, std::size_t concurrency)
{
    if (concurrency < 1) {
        throw std::invalid_argument(fmt::format("concurrency below 1 for slot '{}'", key));
    }
    Slot& s = slot(key);
    s.config.concurrency = concurrency;
    s.last_used = clock_.now();
}

void Slots::hold(std::string_view key, duration wait)
{
    if (wait < duration::zero()) {
        throw std::invalid_argument(fmt::format("negative hold for slot '{}'", key));
    }
    const auto now = clock_.now();
    Slot& s = slot(key);
    s.held_until = std::max(s.held_until, now + wait);
    s.last_used = now;
    schedule_wakeup(key, s);
    drop_past_wakeups(now);
}

void Slots::set_default_delay(duration delay)
{
    if (delay < duration::zero()) {
        throw std::invalid_argument("negative default download delay");
    }
    default_config_.delay = delay;
    for (auto& [key, config] : overrides_) {
        if (!config.own_delay) {
            config.delay = delay;
        }
    }
}

Slots::duration Slots::delay(std::string_view key) const
{
    const Config config = [&] {
        const Slot* s = find(key);
        return s ? s->config : config_for(key);
    }();
    return std::max(config.delay, config.floor);
}

std::size_t Slots::concurrency(std::string_view key) const
{
    const Slot* s = find(key);
    return s ? s->config.concurrency : config_for(key).concurrency;
}

std::size_t Slots::collect_idle()
{
    const auto now = clock_.now();
    last_collect_ = now;
    return std::erase_if(slots_, [now](const auto& entry) {
        const Slot& s = entry.second;
        return s.active == 0 && now >= std::max(s.last_used, s.ready_time()) + idle_lifetime;
    });
}

Slots::Config Slots::config_for(std::string_view key) const
{
    auto it = overrides_.find(key);
    Config config = it != overrides_.end() ? it->second : default_config_;
    if (auto floor = delay_floors_.find(key); floor != delay_floors_.end()) {
        config.floor = floor->second;
    }
    return config;
}

Slots::Slot& Slots::slot(std::string_view key)
{
    auto it = slots_.find(key);
    if (it == slots_.end()) {
        const Slot fresh{config_for(key), 0, time_point::min(), time_point::min(), clock_.now()};
        it = slots_.emplace(std::string(key), fresh).first;
    }
    return it->second;
}

const Slots::Slot* Slots::find(std::string_view key) const
{
    auto it = slots_.find(key);
    return it != slots_.end() ? &it->second : nullptr;
}

Slots::duration Slots::draw_delay(const Config& config)
{
    if (!config.randomize || config.delay == duration::zero()) {
        return std::max(config.delay, config.floor);
    }
    // Scrapy: uniform(0.5 * delay, 1.5 * delay). The distribution may round
    // up to its upper bound; keep the interval half-open.
    std::uniform_real_distribution<double> factor_of(0.5, 1.5);
    const double factor = std::min(factor_of(random_), std::nextafter(1.5, 0.0));
    return std::max(config.floor, std::chrono::duration_cast<duration>(std::chrono::duration<double, std::nano>(
                                      static_cast<double>(config.delay.count()) * factor)));
}

void Slots::schedule_wakeup(std::string_view key, const Slot& s)
{
    if (s.ready_time() > clock_.now()) {
        wakeups_.push(Wakeup{s.ready_time(), std::string(key)});
    }
}

// Wake-ups in the past are of no use to next_ready_time(); dropping them as
// we go keeps the heap at the slots still waiting, even when the engine
// never sleeps.
void Slots::drop_past_wakeups(time_point now)
{
    while (!wakeups_.empty() && wakeups_.top().at <= now) {
        wakeups_.pop();
    }
}

void Slots::maybe_collect(time_point now)
{
    if (now - last_collect_ >= idle_lifetime) {
        collect_idle();
    }
}

} // namespace trawl::detail
