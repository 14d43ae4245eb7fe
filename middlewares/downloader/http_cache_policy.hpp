#pragma once
// HTTP cache policies: what the cache middleware (http_cache.hpp) may store
// and when a stored response may be served without asking the server.
// The two of Scrapy's scrapy.extensions.httpcache, with its semantics:
// - DummyPolicy ("dummy"): caches every response of every request whose
//   scheme is not in HTTPCACHE_IGNORE_SCHEMES and whose status is not in
//   HTTPCACHE_IGNORE_HTTP_CODES; a cached response is always fresh. For
//   replaying a crawl offline.
// - RFC2616Policy ("rfc2616"): an HTTP cache in the manner of a browser's
//   (Firefox's freshness rules): Cache-Control max-age / no-store /
//   no-cache / must-revalidate / max-stale, Expires, Age, a tenth of the
//   time since Last-Modified as a heuristic lifetime, a year for 300, 301
//   and 308; a stale response is revalidated with If-Modified-Since /
//   If-None-Match, and a 304 (or a 5xx, unless must-revalidate) answer
//   serves the cached copy. HTTPCACHE_ALWAYS_STORE stores responses without
//   expiration information too; HTTPCACHE_IGNORE_RESPONSE_CACHE_CONTROLS
//   lists response directives to disregard. HTTPCACHE_IGNORE_HTTP_CODES
//   does not apply (as in Scrapy).
// Times are wall-clock time passed in by the caller, so tests fix them.
// Policies are used on the event loop thread only.

#include <trawl/request.hpp>
#include <trawl/response.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace trawl {
class Settings;
} // namespace trawl

namespace trawl::middlewares {

class HttpCachePolicy {
public:
    using time_point = std::chrono::system_clock::time_point;
    virtual ~HttpCachePolicy() = default;

    /// Whether the cache takes part for this request at all (false: it is
    /// neither looked up nor stored).
    virtual bool should_cache_request(const Request& request) const = 0;
    /// Whether a response that came from the network may be stored.
    virtual bool should_cache_response(const Response& response, const Request& request) const = 0;
    /// Whether `cached` may be served as it is at `now`. When it returns
    /// false it may add conditional headers to `request` (revalidation).
    virtual bool is_cached_response_fresh(const Response& cached, Request& request, time_point now) const = 0;
    /// Whether `cached` still stands after the server answered a
    /// revalidation with `response` (then `cached` is served instead).
    virtual bool is_cached_response_valid(const Response& cached, const Response& response,
                                          const Request& request) const = 0;
};

/// The policy HTTPCACHE_POLICY names: "dummy", "rfc2616", or Scrapy's class
/// paths scrapy.extensions.httpcache.DummyPolicy / .RFC2616Policy. Throws
/// SettingsError for any other name or a bad HTTPCACHE_IGNORE_HTTP_CODES.
std::unique_ptr<HttpCachePolicy> make_http_cache_policy(const Settings& settings);

struct DummyPolicyOptions {
    std::vector<std::string> ignore_schemes{"file"};  ///< lower case
    std::vector<int> ignore_http_codes;
};
std::unique_ptr<HttpCachePolicy> make_dummy_policy(DummyPolicyOptions options);

struct Rfc2616PolicyOptions {
    std::vector<std::string> ignore_schemes{"file"};  ///< lower case
    bool always_store = false;
    std::vector<std::string> ignore_response_cache_controls;  ///< lower case directive names
};
std::unique_ptr<HttpCachePolicy> make_rfc2616_policy(Rfc2616PolicyOptions options);

namespace detail {

/// A Cache-Control field as Scrapy's parse_cachecontrol reads it: comma
/// separated directives, names lower-cased, values kept as written (a
/// directive without '=' maps to nullopt).
using CacheControl = std::map<std::string, std::optional<std::string>, std::less<>>;
CacheControl parse_cache_control(std::string_view field);

/// The URL's scheme, lower case ("" when it has none).
std::string url_scheme(std::string_view url);

/// An IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"), as a Date header.
std::string format_http_date(std::chrono::system_clock::time_point time);

} // namespace detail

} // namespace trawl::middlewares
