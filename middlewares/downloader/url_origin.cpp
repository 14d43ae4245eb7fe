#include "downloader/url_origin.hpp"
#include "downloader/ascii_case.hpp"


namespace trawl::middlewares {

namespace {

bool is_scheme(std::string_view s)
{
    if (s.empty() || !is_ascii_alpha(s.front())) {
        return false;
    }
    for (char c : s) {
        if (!is_ascii_alnum(c) && c != '+' && c != '-' && c != '.') {
            return false;
        }
    }
    return true;
}

} // namespace

UrlOrigin url_origin(std::string_view url)
{
    UrlOrigin origin;
    // Leading and trailing C0 controls and spaces are ignored by URL parsers.
    while (!url.empty() && static_cast<unsigned char>(url.front()) <= ' ') {
        url.remove_prefix(1);
    }
    while (!url.empty() && static_cast<unsigned char>(url.back()) <= ' ') {
        url.remove_suffix(1);
    }
    if (auto colon = url.find(':'); colon != std::string_view::npos && is_scheme(url.substr(0, colon))) {
        origin.scheme = lower(url.substr(0, colon));
        url.remove_prefix(colon + 1);
    }
    if (url.substr(0, 2) != "//") {
        return origin;
    }
    url.remove_prefix(2);
    auto authority = url.substr(0, find_any<'/', '?', '#', '\\'>(url));
    if (auto at = authority.rfind('@'); at != std::string_view::npos) {
        authority.remove_prefix(at + 1);
    }
    if (!authority.empty() && authority.front() == '[') {
        auto close = authority.find(']');
        if (close == std::string_view::npos) {
            origin.host = lower(authority.substr(1));
            return origin;
        }
        origin.host = lower(authority.substr(1, close - 1));
        authority.remove_prefix(close + 1);
        if (!authority.empty() && authority.front() == ':') {
            origin.port = std::string(authority.substr(1));
        }
        return origin;
    }
    auto colon = authority.find(':');
    origin.host = lower(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
        origin.port = std::string(authority.substr(colon + 1));
    }
    return origin;
}

std::string effective_port(const UrlOrigin& origin)
{
    if (!origin.port.empty()) {
        return origin.port;
    }
    if (origin.scheme == "http") {
        return "80";
    }
    if (origin.scheme == "https") {
        return "443";
    }
    return {};
}

} // namespace trawl::middlewares
