#pragma once
// A rotating pool of proxies with ban detection (downloader middleware,
// priority 740, just before httpproxy at 750; trawl's own, in the spirit of
// scrapy-rotating-proxies).
//
// Settings: PROXY_POOL (a list of proxy URLs, credentials allowed) and
// PROXY_POOL_FILE (one URL a line; blank lines and # comments skipped):
// both empty means NotConfigured. PROXY_POOL_BAN_CODES (statuses that mean
// "this proxy is banned", default [403, 407, 429]: not 503, which usually
// means the site itself is down, and would bench every proxy at once),
// PROXY_POOL_BAN_MARKERS (body substrings that mean the same, e.g. a
// captcha page served with 200), PROXY_POOL_BENCH_SECS (how long a banned
// or failing proxy rests), PROXY_POOL_MAX_WAIT_SECS (how long requests may
// wait with every proxy benched), PROXY_POOL_MAX_RETRIES (how often one
// request is tried through another proxy).
//
// process_request: a request whose meta "proxy" was set by someone else
// (even to null, meaning "no proxy") is left alone. Any other request gets
// the next healthy proxy in turn (round robin) in meta "proxy", and meta
// "_proxy_pool" records which one. When every proxy is benched the request
// waits (a timer: the loop runs on) for the first to come back; if none is
// back within PROXY_POOL_MAX_WAIT_SECS of the moment the last one was
// benched, the crawl is closed with reason "proxy_pool_exhausted", an error
// line "all N proxies benched for S s; last reasons: ..." (also in stat
// proxy_pool/error), and waiting requests are ignored.
//
// process_response / process_exception: a ban status or marker, or a
// connection-level failure through the proxy (refused, reset, unreachable,
// timeouts, TLS handshake, a malformed answer, a name that does not
// resolve), benches the proxy and reschedules the request for another one
// (meta "proxy_pool_retries" + 1, dont_filter) until PROXY_POOL_MAX_RETRIES
// is reached; then the response or failure goes on (to retry, httperror,
// the errback).
//
// Stats: proxy_pool/requests, proxy_pool/bans, proxy_pool/retries,
// proxy_pool/max_retries_reached, and per proxy
// proxy_pool/<host:port>/requests and /bans. Proxies are named host:port in
// stats and logs, never with their credentials. Hooks run on the event
// loop thread only.

#include <trawl/downloader_middleware.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace trawl {
class Stats;
} // namespace trawl

namespace trawl::middlewares {

class ProxyPoolMiddleware final : public DownloaderMiddleware {
public:
    using SteadyClock = std::chrono::steady_clock;

    struct Options {
        std::vector<std::string> proxies;
        std::set<int> ban_codes{403, 407, 429};
        std::vector<std::string> ban_markers;
        std::chrono::nanoseconds bench = std::chrono::seconds{60};
        std::chrono::nanoseconds max_wait = std::chrono::seconds{300};
        std::int64_t max_retries = 5;
    };

    /// Throws NotConfigured when neither PROXY_POOL nor PROXY_POOL_FILE
    /// names a proxy, SettingsError when PROXY_POOL_FILE cannot be read or
    /// an entry is not a proxy URL.
    static std::unique_ptr<ProxyPoolMiddleware> from_crawler(Crawler& crawler);
    /// `crawler` is closed when the pool is exhausted.
    ProxyPoolMiddleware(Options options, Crawler& crawler);

    HookSet hooks() const override { return Hook::request | Hook::response | Hook::exception; }
    boost::asio::awaitable<RequestAction> process_request(Request& request) override;
    boost::asio::awaitable<ResponseAction> process_response(const Request& request, Response response) override;
    boost::asio::awaitable<ExceptionAction> process_exception(const Request& request, DownloadError error) override;

    /// The proxies' names (host:port, "#2" appended to a repeated one), in order.
    std::vector<std::string> proxy_names() const;
    /// True while the proxy named `name` is benched.
    bool benched(std::string_view name) const;

    /// Proxy URLs from a PROXY_POOL_FILE's text.
    static std::vector<std::string> parse_proxy_list(std::string_view text);
    /// True for the failures that are a proxy's fault, or may be.
    static bool is_proxy_failure(const boost::system::error_code& code) noexcept;

private:
    struct Proxy {
        std::string url;   ///< as configured (may hold credentials)
        std::string name;  ///< host:port, for stats and logs
        SteadyClock::time_point benched_until{};
        std::string last_reason;
    };

    /// The proxy the pool gave `request`, or nullptr.
    Proxy* assigned(const Request& request);
    void bench(Proxy& proxy, std::string reason);
    /// A copy of `request` to try through another proxy, or nullopt when
    /// its retries are used up.
    std::optional<Request> retry_elsewhere(const Request& request);
    std::optional<std::size_t> next_healthy(SteadyClock::time_point now);
    void give_up(SteadyClock::time_point since);

    Options options_;
    Crawler& crawler_;
    Stats& stats_;
    std::vector<Proxy> proxies_;
    std::size_t cursor_ = 0;
    /// When the last healthy proxy was benched; nullopt while one is healthy.
    std::optional<SteadyClock::time_point> exhausted_since_;
    bool gave_up_ = false;
};

} // namespace trawl::middlewares
