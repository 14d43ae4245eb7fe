#include "spider/referer.hpp"
#include "downloader/ascii_case.hpp"

#include <trawl/crawler.hpp>
#include <trawl/log.hpp>

#include <fmt/format.h>

#include <array>
#include <cctype>

namespace trawl::middlewares {

namespace {

const Logger logger{"trawl.spidermiddlewares.referer"};

constexpr std::array<std::pair<std::string_view, ReferrerPolicy>, 10> policy_names{{
    {"no-referrer", ReferrerPolicy::no_referrer},
    {"no-referrer-when-downgrade", ReferrerPolicy::no_referrer_when_downgrade},
    {"same-origin", ReferrerPolicy::same_origin},
    {"origin", ReferrerPolicy::origin},
    {"strict-origin", ReferrerPolicy::strict_origin},
    {"origin-when-cross-origin", ReferrerPolicy::origin_when_cross_origin},
    {"strict-origin-when-cross-origin", ReferrerPolicy::strict_origin_when_cross_origin},
    {"unsafe-url", ReferrerPolicy::unsafe_url},
    {"scrapy-default", ReferrerPolicy::scrapy_default},
    // The spec's empty string policy.
    {"", ReferrerPolicy::no_referrer_when_downgrade},
}};

std::string_view trimmed(std::string_view s)
{
    while (!s.empty() && static_cast<unsigned char>(s.front()) <= ' ') {
        s.remove_prefix(1);
    }
    while (!s.empty() && static_cast<unsigned char>(s.back()) <= ' ') {
        s.remove_suffix(1);
    }
    return s;
}

// A URL split as Python's urlparse splits it (lenient, no validation).
struct UrlParts {
    std::string scheme;  // lower case
    bool has_authority = false;
    std::string_view netloc;
    std::string_view path;
    std::string_view query;
};

UrlParts split_url(std::string_view url)
{
    UrlParts parts;
    url = trimmed(url);
    if (auto colon = url.find(':'); colon != std::string_view::npos && colon > 0 &&
                                    std::isalpha(static_cast<unsigned char>(url.front())) != 0) {
        const auto scheme = url.substr(0, colon);
        bool valid = true;
        for (char c : scheme) {
            valid = valid && (std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '+' || c == '-' || c == '.');
        }
        if (valid) {
            parts.scheme = lower(scheme);
            url.remove_prefix(colon + 1);
        }
    }
    if (url.starts_with("//")) {
        parts.has_authority = true;
        url.remove_prefix(2);
        const auto end = find_any<'/', '?', '#'>(url);
        parts.netloc = url.substr(0, end);
        url.remove_prefix(end == std::string_view::npos ? url.size() : end);
    }
    url = url.substr(0, url.find('#'));
    const auto question = url.find('?');
    parts.path = url.substr(0, question);
    if (question != std::string_view::npos) {
        parts.query = url.substr(question + 1);
    }
    return parts;
}

// w3lib's strip_url(url, strip_credentials, strip_default_port,
// origin_only, strip_fragment); nullopt for an empty URL.
std::optional<std::string> strip_url(std::string_view url, bool origin_only)
{
    if (url.empty()) {
        return std::nullopt;
    }
    const auto parts = split_url(url);
    auto netloc = parts.netloc;
    if (auto at = netloc.rfind('@'); at != std::string_view::npos) {
        netloc.remove_prefix(at + 1);
    }
    std::string host(netloc);
    if (auto colon = netloc.rfind(':'); colon != std::string_view::npos && netloc.find(']', colon) == std::string_view::npos) {
        const auto port = netloc.substr(colon + 1);
        if ((parts.scheme == "http" && port == "80") || (parts.scheme == "https" && port == "443") ||
            (parts.scheme == "ftp" && port == "21")) {
            host = std::string(netloc.substr(0, colon));
        }
    }
    std::string out;
    if (!parts.scheme.empty()) {
        out = parts.scheme + ":";
    }
    if (parts.has_authority || !host.empty()) {
        out += "//" + host;
    }
    if (origin_only) {
        out += "/";
        return out;
    }
    out += parts.path;
    if (!parts.query.empty()) {
        out += "?";
        out += parts.query;
    }
    return out;
}

// The scheme of `url`, lower case, or "" when it has none.
std::string url_scheme(std::string_view url)
{
    url = trimmed(url);
    const auto colon = url.find(':');
    if (colon == std::string_view::npos || colon == 0 || std::isalpha(static_cast<unsigned char>(url.front())) == 0) {
        return {};
    }
    const auto scheme = url.substr(0, colon);
    for (char c : scheme) {
        if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '+' && c != '-' && c != '.') {
            return {};
        }
    }
    return lower(scheme);
}

bool tls_scheme(std::string_view scheme) { return scheme == "https" || scheme == "ftps"; }

// The page side of a referrer: what every policy needs of the page's URL,
// worked out once for all the requests a callback yields from it (a page
// of links yields dozens; splitting its URL for each was most of this
// middleware's cost).
class ReferrerSource {
public:
    explicit ReferrerSource(std::string_view url) : url_(url)
    {
        const auto scheme = url_scheme(url);
        tls_ = tls_scheme(scheme);
        local_ = scheme == "about" || scheme == "blob" || scheme == "data" || scheme == "filesystem";
        file_or_s3_ = scheme == "file" || scheme == "s3";
    }

    /// The Referer value for a request to `request_url`: a view of a
    /// string this source keeps, so that a dropped request costs no copy.
    std::optional<std::string_view> referrer(ReferrerPolicy policy, std::string_view request_url)
    {
        // A "potentially trustworthy" target is a TLS one here: data: and
        // the other local schemes are never requested from a page.
        const auto downgrade = [&] { return tls_ && !tls_scheme(url_scheme(request_url)); };
        const auto same_origin = [&] { return origin() == strip_url(request_url, true); };
        switch (policy) {
        case ReferrerPolicy::no_referrer:
            return std::nullopt;
        case ReferrerPolicy::no_referrer_when_downgrade:
        case ReferrerPolicy::scrapy_default:
            return downgrade() ? std::nullopt : stripped_referrer(policy);
        case ReferrerPolicy::same_origin:
            return same_origin() ? stripped_referrer(policy) : std::nullopt;
        case ReferrerPolicy::origin:
            return origin_referrer(policy);
        case ReferrerPolicy::strict_origin:
            return downgrade() ? std::nullopt : origin_referrer(policy);
        case ReferrerPolicy::origin_when_cross_origin:
            // Scrapy returns the origin as it is here, so a data: page sends
            // "data:/"; the spec sends nothing from local schemes.
            return same_origin() ? stripped_referrer(policy) : origin_referrer(policy);
        case ReferrerPolicy::strict_origin_when_cross_origin:
            if (same_origin()) {
                return stripped_referrer(policy);
            }
            return downgrade() ? std::nullopt : origin_referrer(policy);
        case ReferrerPolicy::unsafe_url:
            return stripped_referrer(policy);
        }
        return std::nullopt;
    }

private:
    // Pages whose URL never becomes a referrer.
    bool sends_nothing(ReferrerPolicy policy) const
    {
        return local_ || (policy == ReferrerPolicy::scrapy_default && file_or_s3_);
    }
    const std::optional<std::string>& origin()
    {
        if (!origin_) {
            origin_ = strip_url(url_, true);
        }
        return *origin_;
    }
    std::optional<std::string_view> stripped_referrer(ReferrerPolicy policy)
    {
        if (sends_nothing(policy)) {
            return std::nullopt;
        }
        if (!stripped_) {
            stripped_ = strip_url(url_, false);
        }
        return *stripped_;
    }
    std::optional<std::string_view> origin_referrer(ReferrerPolicy policy)
    {
        if (sends_nothing(policy) || !origin()) {
            return std::nullopt;
        }
        return *origin();
    }

    std::string_view url_;
    bool tls_ = false;
    bool local_ = false;       // about:, blob:, data:, filesystem:
    bool file_or_s3_ = false;  // sends nothing under scrapy-default
    std::optional<std::optional<std::string>> origin_;
    std::optional<std::optional<std::string>> stripped_;
};

// The last name in a Referrer-Policy header that trawl knows; `unknown`
// gets the last name it does not, when none is known.
std::optional<ReferrerPolicy> parse_header(std::string_view header, std::string& unknown)
{
    std::optional<ReferrerPolicy> policy;
    while (true) {
        const auto comma = header.find(',');
        const auto token = trimmed(header.substr(0, comma));
        if (!token.empty()) {
            if (auto known = parse_referrer_policy(token)) {
                policy = known;
            } else {
                unknown = std::string(token);
            }
        }
        if (comma == std::string_view::npos) {
            break;
        }
        header.remove_prefix(comma + 1);
    }
    return policy;
}

} // namespace

std::optional<ReferrerPolicy> parse_referrer_policy(std::string_view name)
{
    const auto key = lower(trimmed(name));
    for (const auto& [known, policy] : policy_names) {
        if (known == key) {
            return policy;
        }
    }
    return std::nullopt;
}

std::optional<std::string> referrer(ReferrerPolicy policy, std::string_view response_url,
                                    std::string_view request_url)
{
    ReferrerSource source{response_url};
    if (auto value = source.referrer(policy, request_url)) {
        return std::string(*value);
    }
    return std::nullopt;
}

std::optional<std::string> referrer_after_redirect(ReferrerPolicy default_policy, std::string_view current,
                                                   std::string_view new_url, const boost::json::object& meta)
{
    auto policy = default_policy;
    if (const auto* name = meta.if_contains("referrer_policy"); name && name->is_string()) {
        policy = parse_referrer_policy(name->get_string()).value_or(default_policy);
    }
    return referrer(policy, current, new_url);
}

std::optional<ReferrerPolicy> referrer_policy_setting(const Settings& settings)
{
    if (!settings.get_bool("REFERER_ENABLED", true)) {
        return std::nullopt;
    }
    const auto user = settings.get_dict("SPIDER_MIDDLEWARES");
    if (const auto* entry = user.if_contains("referer"); entry && entry->is_null()) {
        return std::nullopt;
    }
    const auto name = settings.get_string("REFERRER_POLICY", "scrapy-default");
    auto policy = parse_referrer_policy(name);
    if (!policy) {
        throw SettingsError(fmt::format("{}: REFERRER_POLICY: unknown referrer policy '{}'",
                                        settings.source("REFERRER_POLICY"), name));
    }
    return policy;
}

std::unique_ptr<RefererMiddleware> RefererMiddleware::from_crawler(Crawler& crawler)
{
    if (!crawler.settings().get_bool("REFERER_ENABLED", true)) {
        throw NotConfigured("REFERER_ENABLED is false");
    }
    // Only disabled through SPIDER_MIDDLEWARES (then this is not built) or
    // REFERER_ENABLED can the setting give nullopt.
    auto policy = referrer_policy_setting(crawler.settings()).value_or(ReferrerPolicy::scrapy_default);
    return std::make_unique<RefererMiddleware>(policy);
}

void RefererMiddleware::warn_unknown(std::string_view name, std::string_view where)
{
    {
        std::lock_guard lock{mutex_};
        if (!warned_.emplace(name).second) {
            return;
        }
    }
    logger.warning("Could not load referrer policy '{}' ({}): using the default policy", name, where);
}

std::optional<ReferrerPolicy> RefererMiddleware::meta_policy(const boost::json::object& meta)
{
    const auto* name = meta.empty() ? nullptr : meta.if_contains("referrer_policy");
    if (name == nullptr || name->is_null()) {
        return std::nullopt;
    }
    if (name->is_string()) {
        if (auto policy = parse_referrer_policy(name->get_string())) {
            return policy;
        }
        warn_unknown(name->get_string(), "meta referrer_policy");
    } else {
        warn_unknown("<not a string>", "meta referrer_policy");
    }
    return default_policy_;
}

ReferrerPolicy RefererMiddleware::response_policy(const Response& response)
{
    if (auto header = response.headers().get("Referrer-Policy")) {
        std::string unknown;
        if (auto policy = parse_header(*header, unknown)) {
            return *policy;
        }
        if (!unknown.empty()) {
            warn_unknown(unknown, "Referrer-Policy header");
        }
    }
    return default_policy_;
}

ReferrerPolicy RefererMiddleware::policy_for(const Response& response, const boost::json::object& meta)
{
    return meta_policy(meta).value_or(response_policy(response));
}

void RefererMiddleware::complete_requests(const Response& response, std::span<Request* const> requests)
{
    ReferrerSource source{response.url()};
    std::optional<ReferrerPolicy> from_response;  // read once, when a request needs it
    for (auto* request : requests) {
        if (request->headers.contains("Referer")) {
            continue;
        }
        auto policy = meta_policy(request->meta);
        if (!policy) {
            if (!from_response) {
                from_response = response_policy(response);
            }
            policy = from_response;
        }
        if (auto value = source.referrer(*policy, request->url)) {
            request->headers.add("Referer", std::string(*value));  // it has none: checked above
        }
    }
}

} // namespace trawl::middlewares
