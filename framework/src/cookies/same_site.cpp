// Schemeful same-site (RFC 6265bis §5.2, the HTML standard's "same site"
// with schemes compared): what SameSite enforcement compares.

#include "cookies/cookie_rules.hpp"

namespace trawl::detail {

CookieSite cookie_site(const CookieTarget& target)
{
    CookieSite site;
    // 6265bis §5.8.3 compares a WebSocket request as the http(s) request
    // that opened it.
    if (target.scheme == "ws") {
        site.scheme = "http";
    } else if (target.scheme == "wss") {
        site.scheme = "https";
    } else {
        site.scheme = target.scheme;
    }
    site.domain = target.host_is_ip ? target.host : registrable_domain(target.host);
    return site;
}

bool is_same_site(const CookieTarget& target, std::string_view initiator_url)
{
    if (initiator_url.empty()) {
        return true;
    }
    const auto initiator = cookie_target(initiator_url);
    if (!initiator) {
        return false;
    }
    return cookie_site(*initiator) == cookie_site(target);
}

} // namespace trawl::detail
