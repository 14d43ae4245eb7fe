// Domain and path matching (RFC 6265 §5.1.3, §5.1.4) and the request URL
// parts they use. URLs are split leniently, as url_host() does: a URL the
// crawler could send is one whose cookies it must handle.

#include "cookies/cookie_rules.hpp"
#include "core/ascii.hpp"
#include "url/host.hpp"

#include <trawl/url.hpp>

#include <algorithm>

namespace trawl::detail {

std::optional<std::string> canonical_host(std::string_view host)
{
    const bool ascii = std::all_of(host.begin(), host.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
    if (ascii) {
        return ascii_lower(host);
    }
    // A Unicode name (from a Domain attribute or a URL that skipped
    // safe_url_string) compares with the A-label form the wire uses.
    std::string out;
    if (!append_host(out, host, false, true)) {
        return std::nullopt;
    }
    return out;
}

bool is_ip_host(std::string_view host) noexcept
{
    if (host.starts_with('[')) {
        return true;
    }
    if (host.ends_with('.')) {
        host.remove_suffix(1);
    }
    const auto dot = host.rfind('.');
    auto last = dot == std::string_view::npos ? host : host.substr(dot + 1);
    if (last.empty()) {
        return false;
    }
    auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
    if (std::all_of(last.begin(), last.end(), is_digit)) {
        return true;
    }
    if (last.size() >= 2 && last[0] == '0' && (last[1] == 'x' || last[1] == 'X')) {
        last.remove_prefix(2);
        return std::all_of(last.begin(), last.end(), [](char c) { return hex_value(c) >= 0; });
    }
    return false;
}

std::optional<CookieTarget> cookie_target(std::string_view url)
{
    const auto scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos || scheme_end == 0) {
        return std::nullopt;
    }
    const auto raw_host = url_host(url);
    if (raw_host.empty()) {
        return std::nullopt;
    }
    auto host = canonical_host(raw_host);
    if (!host) {
        return std::nullopt;
    }
    CookieTarget target;
    target.scheme = ascii_lower(url.substr(0, scheme_end));
    target.host = std::move(*host);
    target.host_is_ip = is_ip_host(target.host);
    target.secure = target.scheme == "https" || target.scheme == "wss";

    auto rest = url.substr(scheme_end + 3);
    const auto path_start = rest.find_first_of("/?#");
    auto path = path_start == std::string_view::npos ? std::string_view{} : rest.substr(path_start);
    path = path.substr(0, path.find_first_of("?#"));
    target.path = path.empty() ? std::string("/") : std::string(path);
    return target;
}

bool domain_match(std::string_view host, std::string_view domain, bool host_is_ip) noexcept
{
    if (host == domain) {
        return true;
    }
    return !host_is_ip && !domain.empty() && host.size() > domain.size() && host.ends_with(domain) &&
           host[host.size() - domain.size() - 1] == '.';
}

std::string default_path(std::string_view request_path)
{
    if (request_path.empty() || request_path.front() != '/') {
        return "/";
    }
    const auto last = request_path.rfind('/');
    if (last == 0) {
        return "/";
    }
    return std::string(request_path.substr(0, last));
}

bool path_match(std::string_view request_path, std::string_view cookie_path) noexcept
{
    if (request_path == cookie_path) {
        return true;
    }
    if (cookie_path.empty() || !request_path.starts_with(cookie_path)) {
        return false;
    }
    return cookie_path.back() == '/' || request_path[cookie_path.size()] == '/';
}

} // namespace trawl::detail
