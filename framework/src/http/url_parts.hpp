#pragma once
// What the HTTP handler needs from a URL: where to connect and what to send
// as the request target and Host header.

#include <boost/system/result.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace trawl::detail {

struct UrlParts {
    std::string scheme;       ///< lower case: "http" / "https"
    std::string host;         ///< without IPv6 brackets, lower case
    std::uint16_t port = 0;   ///< explicit or the scheme's default
    std::string target;       ///< origin-form: path + "?" + query, at least "/"
    std::string host_header;  ///< host, bracketed for IPv6, with ":port" when not the default
};

/// Parses an absolute http(s) URL. Error trawl::errc::invalid_url when it does
/// not parse or has no host, trawl::errc::unsupported_scheme otherwise.
boost::system::result<UrlParts> parse_http_url(std::string_view url);

/// The scheme of any URL, lower-cased ("" when it has none).
std::string url_scheme(std::string_view url);

} // namespace trawl::detail
