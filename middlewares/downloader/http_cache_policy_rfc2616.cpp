// Scrapy's RFC2616Policy, whose freshness rules follow Firefox's
// (nsHttpResponseHead::ComputeFreshnessLifetime / ComputeCurrentAge), not
// the RFC to the letter: e.g. a Last-Modified heuristic and a year for
// permanent redirects. Times are seconds since the Unix epoch, as doubles.

#include "downloader/http_cache_policy.hpp"
#include "downloader/retry_after.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>

namespace trawl::middlewares {

namespace {

// Scrapy's RFC2616Policy.MAXAGE: one year.
constexpr double max_age_fallback = 3600.0 * 24 * 365;

using detail::CacheControl;

double to_epoch(std::chrono::system_clock::time_point t)
{
    return std::chrono::duration<double>(t.time_since_epoch()).count();
}

// Python's int(text): surrounding whitespace, an optional sign, digits.
std::optional<std::int64_t> python_int(std::string_view text)
{
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
        text.remove_prefix(1);
    }
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
        text.remove_suffix(1);
    }
    bool negative = false;
    if (!text.empty() && (text.front() == '+' || text.front() == '-')) {
        negative = text.front() == '-';
        text.remove_prefix(1);
    }
    std::int64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) {
        return std::nullopt;
    }
    return negative ? -value : value;
}

// Scrapy's rfc1123_to_epoch: nullopt for a missing or unparsable date (and
// for the epoch itself, which Python's `or` treats as missing).
std::optional<double> header_epoch(const Headers& headers, std::string_view name)
{
    auto value = headers.get(name);
    if (!value) {
        return std::nullopt;
    }
    auto time = parse_http_date(*value);
    if (!time || time->time_since_epoch().count() == 0) {
        return std::nullopt;
    }
    return to_epoch(*time);
}

std::optional<double> max_age(const CacheControl& cc)
{
    auto it = cc.find("max-age");
    if (it == cc.end() || !it->second) {
        return std::nullopt;
    }
    auto value = python_int(*it->second);
    if (!value) {
        return std::nullopt;
    }
    return static_cast<double>(std::max<std::int64_t>(0, *value));
}

class Rfc2616Policy final : public HttpCachePolicy {
public:
    explicit Rfc2616Policy(Rfc2616PolicyOptions options) : options_(std::move(options)) {}

    bool should_cache_request(const Request& request) const override
    {
        const auto scheme = detail::url_scheme(request.url);
        if (std::find(options_.ignore_schemes.begin(), options_.ignore_schemes.end(), scheme) !=
            options_.ignore_schemes.end()) {
            return false;
        }
        // The user agent's "Cache-Control: no-store".
        return !request_cache_control(request).contains("no-store");
    }

    // What may be stored: RFC 2616 §13.4 and §14.9.1. 206 is never stored:
    // the cache cannot put partial content together.
    bool should_cache_response(const Response& response, const Request&) const override
    {
        const auto cc = response_cache_control(response);
        if (cc.contains("no-store")) {
            return false;
        }
        if (response.status() == 304) {
            return false;
        }
        if (options_.always_store) {
            return true;
        }
        // Any hint of when it expires will do.
        if (cc.contains("max-age") || response.headers().contains("Expires")) {
            return true;
        }
        // Firefox gives these a year when nothing else is said.
        const int status = response.status();
        if (status == 300 || status == 301 || status == 308) {
            return true;
        }
        // Others without an expiry need a validator to be of any use.
        if (status == 200 || status == 203 || status == 401) {
            return response.headers().contains("Last-Modified") || response.headers().contains("ETag");
        }
        return false;
    }

    bool is_cached_response_fresh(const Response& cached, Request& request, time_point now_time) const override
    {
        const auto cc = response_cache_control(cached);
        const auto request_cc = request_cache_control(request);
        if (cc.contains("no-cache") || request_cc.contains("no-cache")) {
            return false;
        }
        const double now = to_epoch(now_time);
        double lifetime = freshness_lifetime(cached, now);
        const double age = current_age(cached, now);
        if (auto request_max_age = max_age(request_cc)) {
            lifetime = std::min(lifetime, *request_max_age);
        }
        if (age < lifetime) {
            return true;
        }
        // max-stale: the client takes a response that expired (by at most
        // the value, or by any amount without one), unless the server said
        // must-revalidate.
        if (auto stale = request_cc.find("max-stale"); stale != request_cc.end() && !cc.contains("must-revalidate")) {
            if (!stale->second) {
                return true;
            }
            if (auto seconds = python_int(*stale->second);
                seconds && age < lifetime + static_cast<double>(std::max<std::int64_t>(0, *seconds))) {
                return true;
            }
        }
        // Stale: ask the server whether it changed.
        if (auto modified = cached.headers().get("Last-Modified")) {
            request.headers.set("If-Modified-Since", std::string(*modified));
        }
        if (auto etag = cached.headers().get("ETag")) {
            request.headers.set("If-None-Match", std::string(*etag));
        }
        return false;
    }

    bool is_cached_response_valid(const Response& cached, const Response& response, const Request&) const override
    {
        // A server error: keep serving what we have, unless it said it must
        // be revalidated.
        if (response.status() >= 500 && !response_cache_control(cached).contains("must-revalidate")) {
            return true;
        }
        return response.status() == 304;
    }

private:
    static CacheControl request_cache_control(const Request& request)
    {
        auto field = request.headers.get("Cache-Control");
        return detail::parse_cache_control(field ? *field : std::string_view{});
    }

    CacheControl response_cache_control(const Response& response) const
    {
        auto field = response.headers().get("Cache-Control");
        auto cc = detail::parse_cache_control(field ? *field : std::string_view{});
        for (const auto& ignored : options_.ignore_response_cache_controls) {
            cc.erase(ignored);
        }
        return cc;
    }

    double freshness_lifetime(const Response& response, double now) const
    {
        if (auto seconds = max_age(response_cache_control(response))) {
            return *seconds;
        }
        // Without a Date, assume it was sent just now.
        const double date = header_epoch(response.headers(), "Date").value_or(now);
        if (response.headers().contains("Expires")) {
            // An unparsable Expires means "already expired" (RFC 2616 §14.21).
            auto expires = header_epoch(response.headers(), "Expires");
            return expires ? std::max(0.0, *expires - date) : 0.0;
        }
        // Firefox's heuristic, not the RFC's: a tenth of its age when sent.
        if (auto modified = header_epoch(response.headers(), "Last-Modified"); modified && *modified <= date) {
            return (date - *modified) / 10;
        }
        const int status = response.status();
        if (status == 300 || status == 301 || status == 308) {
            return max_age_fallback;
        }
        return 0;
    }

    static double current_age(const Response& response, double now)
    {
        // Without a Date: a fast connection and clocks in sync.
        const double date = header_epoch(response.headers(), "Date").value_or(now);
        double age = now > date ? now - date : 0.0;
        if (auto field = response.headers().get("Age")) {
            if (auto seconds = python_int(*field)) {
                age = std::max(age, static_cast<double>(*seconds));
            }
        }
        return age;
    }

    Rfc2616PolicyOptions options_;
};

} // namespace

std::unique_ptr<HttpCachePolicy> make_rfc2616_policy(Rfc2616PolicyOptions options)
{
    return std::make_unique<Rfc2616Policy>(std::move(options));
}

} // namespace trawl::middlewares
