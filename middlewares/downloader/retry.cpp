#include "downloader/retry.hpp"

#include "downloader/error_names.hpp"
#include "downloader/http_status.hpp"
#include "downloader/meta_values.hpp"
#include "downloader/retry_after.hpp"

#include <trawl/crawler.hpp>
#include <trawl/log.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <system_error>

namespace trawl::middlewares {

namespace {

const Logger logger{"trawl.downloadermiddlewares.retry"};

int parse_status_code(const std::string& text, const Settings& settings)
{
    int code = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), code);
    if (ec != std::errc{} || end != text.data() + text.size()) {
        throw SettingsError(fmt::format("{}: RETRY_HTTP_CODES: expected HTTP status codes, got '{}'",
                                        settings.source("RETRY_HTTP_CODES"), text));
    }
    return code;
}

} // namespace

std::unique_ptr<RetryMiddleware> RetryMiddleware::from_crawler(Crawler& crawler)
{
    auto& settings = crawler.settings();
    if (!settings.frozen()) {
        settings.declare("RETRY_BACKOFF_BASE", 1);
        settings.declare("RETRY_BACKOFF_MAX", 60);
    }
    if (!settings.get_bool("RETRY_ENABLED", true)) {
        throw NotConfigured("RETRY_ENABLED is false");
    }
    Options options;
    options.max_retry_times = settings.get_int("RETRY_TIMES", 2);
    options.retry_http_codes.clear();
    for (const auto& text : settings.get_list("RETRY_HTTP_CODES")) {
        options.retry_http_codes.insert(parse_status_code(text, settings));
    }
    options.priority_adjust = settings.get_int("RETRY_PRIORITY_ADJUST", -1);
    options.backoff_base = std::max(0.0, settings.get_double("RETRY_BACKOFF_BASE", 1.0));
    options.backoff_max = std::max(0.0, settings.get_double("RETRY_BACKOFF_MAX", 60.0));
    return std::make_unique<RetryMiddleware>(std::move(options), crawler.stats());
}

RetryMiddleware::RetryMiddleware(Options options, Stats& stats)
    : options_(std::move(options)), stats_(stats), wall_clock_([] { return std::chrono::system_clock::now(); })
{
}

bool RetryMiddleware::is_retryable(const boost::system::error_code& code) noexcept
{
    if (is_timeout(code)) {
        return true;
    }
    for (errc e : {errc::dns_not_found, errc::dns_failure, errc::connection_refused, errc::connection_reset,
                   errc::host_unreachable, errc::tls_handshake, errc::partial_message, errc::bad_response,
                   errc::decode_error}) {
        if (code == e) {
            return true;
        }
    }
    for (std::errc e : {std::errc::timed_out, std::errc::connection_refused, std::errc::connection_reset,
                        std::errc::connection_aborted, std::errc::host_unreachable, std::errc::network_unreachable,
                        std::errc::network_down, std::errc::broken_pipe}) {
        if (code == e) {
            return true;
        }
    }
    return false;
}

std::optional<Request> RetryMiddleware::retry_request(const Request& request, std::string_view reason,
                                                      std::optional<double> server_wait) const
{
    const auto retry_times = meta_int(request.meta, "retry_times").value_or(0) + 1;
    const auto max_retry_times = meta_int(request.meta, "max_retry_times").value_or(options_.max_retry_times);
    if (retry_times > max_retry_times) {
        stats_.inc_value("retry/max_reached");
        logger.error("Gave up retrying <{} {}> (failed {} times): {}", request.method, request.url, retry_times,
                      reason);
        return std::nullopt;
    }
    logger.debug("Retrying <{} {}> (failed {} times): {}", request.method, request.url, retry_times, reason);
    Request again = request;
    again.meta["retry_times"] = retry_times;
    again.dont_filter = true;
    const auto adjust = meta_int(request.meta, "priority_adjust").value_or(options_.priority_adjust);
    again.priority = static_cast<int>(request.priority + adjust);

    // 1 s, 2 s, 4 s... unless the server said how long to wait; both capped,
    // so a hostile Retry-After cannot park a request for a day.
    double delay = 0;
    if (server_wait) {
        delay = *server_wait;
    } else if (options_.backoff_base > 0) {
        delay = options_.backoff_base * std::exp2(static_cast<double>(std::min<std::int64_t>(retry_times - 1, 1023)));
    }
    again.meta["retry_delay"] = std::clamp(delay, 0.0, options_.backoff_max);

    stats_.inc_value("retry/count");
    stats_.inc_value(fmt::format("retry/reason_count/{}", reason));
    return again;
}

boost::asio::awaitable<ResponseAction> RetryMiddleware::process_response(const Request& request, Response response)
{
    if (meta_flag(request.meta, "dont_retry") || !options_.retry_http_codes.contains(response.status())) {
        co_return response;
    }
    std::optional<double> server_wait;
    // 429 means slow down and 503 often means come back later: a server that
    // says when knows better than our backoff.
    if (response.status() == 429 || response.status() == 503) {
        if (auto header = response.headers().get("Retry-After")) {
            if (auto wait = parse_retry_after(*header, wall_clock_())) {
                server_wait = wait->count();
            }
        }
    }
    auto again = retry_request(request, response_status_message(response.status()), server_wait);
    if (!again) {
        co_return response;
    }
    ResponseAction action = Reschedule{std::move(*again)};
    co_return action;
}

boost::asio::awaitable<ExceptionAction> RetryMiddleware::process_exception(const Request& request, DownloadError error)
{
    ExceptionAction pass = Continue{};
    if (meta_flag(request.meta, "dont_retry") || !is_retryable(error.code)) {
        co_return pass;
    }
    auto again = retry_request(request, error_name(error.code));
    if (!again) {
        co_return pass;
    }
    ExceptionAction action = Reschedule{std::move(*again)};
    co_return action;
}

} // namespace trawl::middlewares
