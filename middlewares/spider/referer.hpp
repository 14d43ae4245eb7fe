#pragma once
// Sets the Referer header of the requests a callback yields (spider
// middleware, priority 700; Scrapy's RefererMiddleware), following the W3C
// Referrer Policy (https://www.w3.org/TR/referrer-policy/).
//
// The policy for a request is, in this order: its meta "referrer_policy";
// else the Referrer-Policy header of the response it came from (the last
// policy name in it that trawl knows, as the spec says); else
// REFERRER_POLICY (default "scrapy-default"). An unknown name in meta or in
// the header is warned about (once per name) and the default used; an
// unknown REFERRER_POLICY is a SettingsError at start-up. Names, any case:
// no-referrer, no-referrer-when-downgrade (also ""), same-origin, origin,
// strict-origin, origin-when-cross-origin, strict-origin-when-cross-origin,
// unsafe-url, scrapy-default (no-referrer-when-downgrade that also sends
// nothing from file: and s3: pages).
//
// A referrer is the response URL without credentials, fragment and default
// port (only the scheme, host, port and "/" where the policy says origin);
// nothing is sent from about:, blob:, data: or filesystem: pages. A Referer
// the spider set itself is kept. Start requests get none. The header is
// set in complete_requests, so a link the dupefilter drops costs nothing
// (see SpiderMiddleware::complete_requests).
//
// Redirects: the redirect and metarefresh middlewares call
// referrer_after_redirect() to recompute the Referer for the new URL
// (Scrapy does the same at request_scheduled), so that e.g. an https page
// redirected to http loses its Referer under the default policy.
//
// Settings: REFERER_ENABLED (false: NotConfigured), REFERRER_POLICY.
// Thread-safe: its state is read-only after construction, but for the set of
// names already warned about, behind a mutex.

#include <trawl/spider_middleware.hpp>

#include <boost/json/object.hpp>

#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace trawl {
class Crawler;
class Settings;
} // namespace trawl

namespace trawl::middlewares {

enum class ReferrerPolicy {
    no_referrer,
    no_referrer_when_downgrade,
    same_origin,
    origin,
    strict_origin,
    origin_when_cross_origin,
    strict_origin_when_cross_origin,
    unsafe_url,
    scrapy_default,
};

/// The policy of that name (ASCII case-insensitive; "" is
/// no-referrer-when-downgrade), or nullopt.
std::optional<ReferrerPolicy> parse_referrer_policy(std::string_view name);

/// The Referer that `policy` sends from a page at `response_url` to
/// `request_url`; nullopt for none.
std::optional<std::string> referrer(ReferrerPolicy policy, std::string_view response_url,
                                    std::string_view request_url);

/// The Referer a request that had `current` (its Referer header, standing
/// for the page it came from) should have after being redirected to
/// `new_url`, under meta "referrer_policy" or else `default_policy`.
std::optional<std::string> referrer_after_redirect(ReferrerPolicy default_policy, std::string_view current,
                                                   std::string_view new_url, const boost::json::object& meta);

/// REFERRER_POLICY, or nullopt when REFERER_ENABLED is false or the
/// referer spider middleware is disabled in SPIDER_MIDDLEWARES. Throws
/// SettingsError for an unknown policy name.
std::optional<ReferrerPolicy> referrer_policy_setting(const Settings& settings);

class RefererMiddleware final : public SpiderMiddleware {
public:
    static std::unique_ptr<RefererMiddleware> from_crawler(Crawler& crawler);
    explicit RefererMiddleware(ReferrerPolicy default_policy) : default_policy_(default_policy) {}

    /// Sets Referer on each request (that has none) as the policy says.
    void complete_requests(const Response& response, std::span<Request* const> requests) override;
    bool needs_completed_requests() const override { return false; }

    /// The policy for a request from `response` with `meta` (see above).
    ReferrerPolicy policy_for(const Response& response, const boost::json::object& meta);

private:
    /// meta "referrer_policy" (the default for an unknown one), or nullopt.
    std::optional<ReferrerPolicy> meta_policy(const boost::json::object& meta);
    /// The response's Referrer-Policy header, or the default.
    ReferrerPolicy response_policy(const Response& response);
    void warn_unknown(std::string_view name, std::string_view where);

    ReferrerPolicy default_policy_;
    std::mutex mutex_;
    std::set<std::string, std::less<>> warned_;
};

} // namespace trawl::middlewares
