#include "http/url_parts.hpp"

#include <trawl/error.hpp>

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace trawl::detail {

namespace {
std::string lower(std::string_view s)
{
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}
} // namespace

std::string url_scheme(std::string_view url)
{
    auto colon = url.find(':');
    if (colon == std::string_view::npos || colon == 0) {
        return {};
    }
    auto scheme = url.substr(0, colon);
    bool valid = std::isalpha(static_cast<unsigned char>(scheme.front())) &&
                 std::all_of(scheme.begin(), scheme.end(), [](unsigned char c) {
                     return std::isalnum(c) || c == '+' || c == '-' || c == '.';
                 });
    return valid ? lower(scheme) : std::string{};
}

boost::system::result<UrlParts> parse_http_url(std::string_view url)
{
    auto parsed = boost::urls::parse_uri(url);
    if (!parsed) {
        return boost::system::error_code{errc::invalid_url};
    }
    const boost::urls::url_view& u = *parsed;
    UrlParts parts;
    parts.scheme = lower(u.scheme());
    if (parts.scheme != "http" && parts.scheme != "https") {
        return boost::system::error_code{errc::unsupported_scheme};
    }
    const std::uint16_t default_port = parts.scheme == "https" ? 443 : 80;
    if (!u.has_authority() || u.encoded_host().empty()) {
        return boost::system::error_code{errc::invalid_url};
    }
    switch (u.host_type()) {
    case boost::urls::host_type::ipv6: parts.host = lower(u.host_ipv6_address().to_string()); break;
    case boost::urls::host_type::ipvfuture: return boost::system::error_code{errc::invalid_url};
    default: parts.host = lower(u.host());  // percent-decoded
    }
    if (parts.host.find_first_of(" /\\\r\n\t") != std::string::npos) {
        return boost::system::error_code{errc::invalid_url};
    }
    parts.port = default_port;
    if (u.has_port()) {
        auto text = u.port();
        unsigned value = 0;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (text.empty()) {
            value = default_port;  // "http://host:/" means the default port
        } else if (ec != std::errc{} || end != text.data() + text.size() || value == 0 || value > 65535) {
            return boost::system::error_code{errc::invalid_url};
        }
        parts.port = static_cast<std::uint16_t>(value);
    }
    parts.target = u.encoded_path().empty() ? "/" : std::string(u.encoded_path());
    if (u.has_query()) {
        parts.target += '?';
        parts.target += u.encoded_query();
    }
    const bool ipv6 = u.host_type() == boost::urls::host_type::ipv6;
    parts.host_header = ipv6 ? "[" + parts.host + "]" : parts.host;
    if (parts.port != default_port) {
        parts.host_header += ':' + std::to_string(parts.port);
    }
    return parts;
}

} // namespace trawl::detail
