// url_host(): the host of a URL, found the lenient way Python's urlsplit
// finds it. Scrapy keys download slots and offsite checks on that host, so
// a URL RFC 3986 rejects (a space in the path, a stray '%') must still
// yield one.

#include "core/ascii.hpp"
#include "url/url_split.hpp"

#include <trawl/url.hpp>

namespace trawl {

std::string url_host(std::string_view url)
{
    const auto scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos) {
        return {};
    }
    auto authority = url.substr(scheme_end + 3);
    authority = authority.substr(0, detail::find_any<'/', '?', '#'>(authority));
    if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
        authority.remove_prefix(at + 1);
    }
    if (!authority.empty() && authority.front() == '[') {
        const auto close = authority.find(']');
        return detail::ascii_lower(authority.substr(0, close == std::string_view::npos ? close : close + 1));
    }
    return detail::ascii_lower(authority.substr(0, authority.find(':')));
}

bool has_http_scheme(std::string_view url) noexcept
{
    return detail::starts_with_ignoring_case(url, "http://") || detail::starts_with_ignoring_case(url, "https://");
}

} // namespace trawl
