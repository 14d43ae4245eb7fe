#pragma once
// The scheme, host and port of a URL, read leniently as Python's urlsplit
// does (Scrapy's offsite and redirect middlewares compare these): no
// validation, lower-case scheme and host, brackets stripped from an IPv6
// host, userinfo skipped.

#include <string>
#include <string_view>

namespace trawl::middlewares {

struct UrlOrigin {
    std::string scheme;  ///< lower case; "" if the URL has none
    std::string host;    ///< lower case; "" if the URL has no authority (data:, mailto:)
    std::string port;    ///< as written; "" if absent
};

UrlOrigin url_origin(std::string_view url);

/// The port a request to this origin goes to: the explicit one, else 80
/// for http, 443 for https, "" for other schemes.
std::string effective_port(const UrlOrigin& origin);

} // namespace trawl::middlewares
