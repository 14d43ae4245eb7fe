#include "downloader/auto_throttle.hpp"

#include "downloader/meta_values.hpp"

#include <trawl/crawler.hpp>
#include <trawl/log.hpp>
#include <trawl/signals.hpp>
#include <trawl/slots.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>

namespace trawl::middlewares {

namespace {

const Logger logger{"trawl.downloadermiddlewares.autothrottle"};

std::chrono::nanoseconds to_duration(double seconds)
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::duration<double>(seconds));
}

double to_seconds(std::chrono::nanoseconds d) { return std::chrono::duration<double>(d).count(); }

} // namespace

std::unique_ptr<AutoThrottleMiddleware> AutoThrottleMiddleware::from_crawler(Crawler& crawler)
{
    const auto& settings = crawler.settings();
    if (!settings.get_bool("AUTOTHROTTLE_ENABLED", false)) {
        throw NotConfigured("AUTOTHROTTLE_ENABLED is false");
    }
    Options options;
    options.target_concurrency = settings.get_double("AUTOTHROTTLE_TARGET_CONCURRENCY", 1.0);
    if (!(options.target_concurrency > 0.0)) {
        throw NotConfigured(fmt::format("AUTOTHROTTLE_TARGET_CONCURRENCY ({}) must be higher than 0.",
                                        options.target_concurrency));
    }
    options.start_delay = settings.get_double("AUTOTHROTTLE_START_DELAY", 5.0);
    options.max_delay = settings.get_double("AUTOTHROTTLE_MAX_DELAY", 60.0);
    options.min_delay = std::max(0.0, to_seconds(settings.get_seconds("DOWNLOAD_DELAY")));
    options.debug = settings.get_bool("AUTOTHROTTLE_DEBUG", false);
    return std::make_unique<AutoThrottleMiddleware>(options, crawler);
}

AutoThrottleMiddleware::AutoThrottleMiddleware(Options options, Crawler& crawler)
    : options_(options), crawler_(crawler)
{
    // Slots exist from SpiderOpened on, before the first download starts.
    opened_connection_ = crawler_.signals().connect<SpiderOpened>([this](const SpiderOpened&) {
        if (auto* s = slots()) {
            s->set_default_delay(to_duration(start_delay()));
        }
    });
}

AutoThrottleMiddleware::~AutoThrottleMiddleware() { crawler_.signals().disconnect(opened_connection_); }

double AutoThrottleMiddleware::start_delay() const noexcept
{
    return std::max(options_.min_delay, options_.start_delay);
}

SlotControl* AutoThrottleMiddleware::slots() const { return test_slots_ ? test_slots_ : crawler_.slots(); }

std::optional<double> AutoThrottleMiddleware::adjusted_delay(const Options& options, double old_delay, double latency,
                                                              int status)
{
    // A server that needs `latency` seconds per response handles N requests
    // in parallel if we send one every latency / N seconds.
    const double target = latency / options.target_concurrency;
    // Move halfway towards the target, but jump straight up to it: that
    // works better with struggling sites.
    double delay = std::max(target, (old_delay + target) / 2.0);
    delay = std::min(std::max(options.min_delay, delay), options.max_delay);
    // Error pages (and redirects) are usually small and fast: letting them
    // lower the delay would speed up a failing site.
    if (status != 200 && delay <= old_delay) {
        return std::nullopt;
    }
    return delay;
}

boost::asio::awaitable<ResponseAction> AutoThrottleMiddleware::process_response(const Request& request,
                                                                                 Response response)
{
    auto* control = slots();
    const auto latency = meta_number(request.meta, "download_latency");
    if (!latency || control == nullptr || meta_flag(request.meta, "autothrottle_dont_adjust_delay")) {
        co_return response;
    }
    const std::string key = slot_key(request);
    const double old_delay = to_seconds(control->delay(key));
    const auto delay = adjusted_delay(options_, old_delay, *latency, response.status());
    if (delay) {
        control->set_delay(key, to_duration(*delay));
    }
    if (options_.debug) {
        const double now_delay = delay.value_or(old_delay);
        logger.info("slot: {} | conc:{:2d} | delay:{:5d} ms ({:+d}) | latency:{:5d} ms | size:{:6d} bytes", key,
                    control->active(key), static_cast<long long>(now_delay * 1000),
                    static_cast<long long>((now_delay - old_delay) * 1000), static_cast<long long>(*latency * 1000),
                    response.body().size());
    }
    co_return response;
}

} // namespace trawl::middlewares
