#pragma once
// Retries failed downloads (priority 550; Scrapy's RetryMiddleware) with an
// exponential backoff that Scrapy lacks.
//
// What is retried:
// - responses whose status is in RETRY_HTTP_CODES, reason "503 Service
//   Unavailable" (Scrapy's response_status_message); when retries run out
//   the response is passed on as it is;
// - download errors that Scrapy's EXCEPTIONS_TO_RETRY cover, reason the
//   errc name ("timed_out"). The mapping from Twisted's exceptions:
//     TimeoutError, TCPTimedOutError   -> timed_out, connect_timeout, read_timeout
//     DNSLookupError                   -> dns_not_found, dns_failure (Scrapy
//                                         retries both: it cannot tell them apart)
//     ConnectionRefusedError           -> connection_refused
//     ConnectionDone, ConnectionLost   -> connection_reset
//     ConnectError                     -> host_unreachable
//     ResponseFailed (incl. ResponseNeverReceived, which carries TLS
//       handshake failures, and _DataLoss)
//                                      -> tls_handshake, partial_message, bad_response
//     IOError (a body that fails to decompress)
//                                      -> decode_error
//   plus the std::errc conditions of the same failures, for a download
//   handler that passes system codes through. Not retried: certificate
//   failures (Scrapy does not verify certificates, so has none), size
//   limits (Scrapy cancels those), header_too_large, invalid URLs,
//   unsupported schemes, cancellation, internal errors, and file_not_found
//   (Scrapy's IOError would retry a missing file; retrying it cannot help).
//
// Settings: RETRY_ENABLED (false: NotConfigured), RETRY_TIMES,
// RETRY_HTTP_CODES, RETRY_PRIORITY_ADJUST; trawl's RETRY_BACKOFF_BASE
// (seconds, default 1) and RETRY_BACKOFF_MAX (seconds, default 60).
// Meta read: retry_times, max_retry_times, priority_adjust, dont_retry.
// Stats: retry/count, retry/reason_count/<reason>, retry/max_reached.
//
// The retry is Reschedule{copy} with meta retry_times + 1, dont_filter, the
// priority adjusted, and meta "retry_delay": the seconds the engine waits
// before scheduling it again. That is RETRY_BACKOFF_BASE x 2^(n-1) for the
// n-th retry, capped at RETRY_BACKOFF_MAX; for a 429 or 503 with a valid
// Retry-After header (seconds or HTTP-date) it is that wait instead, capped
// the same way.

#include <trawl/downloader_middleware.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace trawl {
class Stats;
} // namespace trawl

namespace trawl::middlewares {

class RetryMiddleware final : public DownloaderMiddleware {
public:
    struct Options {
        std::int64_t max_retry_times = 2;
        std::set<int> retry_http_codes{500, 502, 503, 504, 522, 524, 408, 429};
        std::int64_t priority_adjust = -1;
        double backoff_base = 1.0;  ///< seconds; 0 = retry at once
        double backoff_max = 60.0;  ///< seconds
    };
    using WallClock = std::function<std::chrono::system_clock::time_point()>;

    /// Declares RETRY_BACKOFF_BASE and RETRY_BACKOFF_MAX (unless the
    /// settings are frozen). Throws NotConfigured when RETRY_ENABLED is
    /// false, SettingsError for a non-numeric RETRY_HTTP_CODES entry.
    static std::unique_ptr<RetryMiddleware> from_crawler(Crawler& crawler);
    RetryMiddleware(Options options, Stats& stats);

    HookSet hooks() const override { return Hook::response | Hook::exception; }
    boost::asio::awaitable<ResponseAction> process_response(const Request& request, Response response) override;
    boost::asio::awaitable<ExceptionAction> process_exception(const Request& request, DownloadError error) override;

    /// Scrapy's get_retry_request: the request to retry for `reason`, or
    /// nullopt when its retries are used up. Counts the stats and logs.
    /// `server_wait` is a Retry-After the server sent.
    std::optional<Request> retry_request(const Request& request, std::string_view reason,
                                         std::optional<double> server_wait = std::nullopt) const;

    /// True for the download errors listed above.
    static bool is_retryable(const boost::system::error_code& code) noexcept;

    /// The clock Retry-After dates are measured against (the system clock).
    void set_wall_clock_for_test(WallClock clock) { wall_clock_ = std::move(clock); }

private:
    Options options_;
    Stats& stats_;
    WallClock wall_clock_;
};

} // namespace trawl::middlewares
