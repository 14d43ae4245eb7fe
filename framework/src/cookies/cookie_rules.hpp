#pragma once
// The matching rules of RFC 6265 (§5.1.3 domain-match, §5.1.4 paths) and
// the parts of a request URL they look at. Internal to trawl_cookies (and
// its tests).

#include <optional>
#include <string>
#include <string_view>

namespace trawl::detail {

/// Control characters 6265bis forbids in a cookie: %x00-08, %x0A-1F, %x7F
/// (tab is allowed).
constexpr bool is_cookie_control(char c) noexcept
{
    const auto u = static_cast<unsigned char>(c);
    return (u <= 0x08) || (u >= 0x0A && u <= 0x1F) || u == 0x7F;
}

/// What the cookie rules need of a request URL.
struct CookieTarget {
    std::string scheme;  ///< lower case
    std::string host;    ///< canonical: lower case, IDNA A-labels; "[v6]" kept bracketed
    std::string path;    ///< "/" when the URL has none
    bool host_is_ip = false;
    bool secure = false;  ///< https or wss
};

/// nullopt when the URL has no host (file:, data:, relative) or its host
/// cannot be made canonical.
std::optional<CookieTarget> cookie_target(std::string_view url);

/// `host` lower-cased, or IDNA-encoded when it is not ASCII; nullopt when
/// IDNA rejects it.
std::optional<std::string> canonical_host(std::string_view host);

/// True for an IP literal: bracketed IPv6, or a name whose last label is
/// numeric (how the URL standard recognises an IPv4 address).
bool is_ip_host(std::string_view host) noexcept;

/// §5.1.3: `host` equals `domain`, or ends with "." + domain and is not an IP.
bool domain_match(std::string_view host, std::string_view domain, bool host_is_ip) noexcept;

/// §5.1.4 default-path of a request path.
std::string default_path(std::string_view request_path);

/// §5.1.4 path-match.
bool path_match(std::string_view request_path, std::string_view cookie_path) noexcept;

/// True when libpsl's built-in list has `domain` (lower case, A-labels) as
/// a public suffix, private section included.
bool is_public_suffix(const std::string& domain);

/// The registrable domain of `host` (lower case, A-labels) by libpsl's
/// built-in list, private section included ("user.github.io" for
/// "a.user.github.io"); `host` itself when it has none (a public suffix,
/// "localhost", or a libpsl without its list).
std::string registrable_domain(const std::string& host);

/// A request's or initiator's "site" for schemeful same-site (6265bis
/// §5.2): the scheme (ws as http, wss as https) and the registrable domain
/// (an IP address stands for itself).
struct CookieSite {
    std::string scheme;
    std::string domain;
    bool operator==(const CookieSite&) const = default;
};

CookieSite cookie_site(const CookieTarget& target);

/// True when the request to `target` is same-site for `initiator_url`:
/// empty, or a URL whose site equals the target's. An initiator with no
/// host (about:blank, data:) is an opaque origin: cross-site.
bool is_same_site(const CookieTarget& target, std::string_view initiator_url);

} // namespace trawl::detail
