// The small text and URL pieces LinkExtractor works with.

#include "links/link_parts.hpp"

#include "core/ascii.hpp"

#include <algorithm>

namespace trawl::links::detail {

namespace {

bool is_html_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

bool is_ascii_space(char c) noexcept { return is_html_space(c) || c == '\v'; }

} // namespace

// w3lib's strip_html5_whitespace.
std::string_view strip_html_space(std::string_view s) noexcept
{
    while (!s.empty() && is_html_space(s.front())) {
        s.remove_prefix(1);
    }
    while (!s.empty() && is_html_space(s.back())) {
        s.remove_suffix(1);
    }
    return s;
}

std::string strip_text(std::string text)
{
    std::size_t begin = 0;
    while (begin < text.size() && is_ascii_space(text[begin])) {
        ++begin;
    }
    std::size_t end = text.size();
    while (end > begin && is_ascii_space(text[end - 1])) {
        --end;
    }
    if (begin != 0 || end != text.size()) {
        text = text.substr(begin, end - begin);
    }
    return text;
}

bool is_ascii(std::string_view s) noexcept
{
    return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// The scheme a value is written with ("" if it is relative), lower case
// only if written so: a letter, then letters, digits, '+', '-' or '.', then ':'.
std::string_view written_scheme(std::string_view value) noexcept
{
    if (value.empty() || !((value[0] >= 'a' && value[0] <= 'z') || (value[0] >= 'A' && value[0] <= 'Z'))) {
        return {};
    }
    for (std::size_t i = 1; i < value.size(); ++i) {
        const char c = value[i];
        if (c == ':') {
            return value.substr(0, i);
        }
        const bool scheme_char = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                                 c == '+' || c == '-' || c == '.';
        if (!scheme_char) {
            return {};
        }
    }
    return {};
}

bool iequals(std::string_view a, std::string_view lower_b) noexcept
{
    return a.size() == lower_b.size() && trawl::detail::starts_with_ignoring_case(a, lower_b);
}

// Scrapy's _is_valid_url: what a link may be.
bool is_kept_scheme(std::string_view scheme) noexcept
{
    return iequals(scheme, "http") || iequals(scheme, "https") || iequals(scheme, "file") || iequals(scheme, "ftp");
}

bool kept_url(std::string_view url) noexcept
{
    return url.starts_with("http://") || url.starts_with("https://") || url.starts_with("file://") ||
           url.starts_with("ftp://");
}

// rel="nofollow", "external nofollow", "nofollow,noopener": a token.
bool has_nofollow(std::string_view rel) noexcept
{
    std::size_t i = 0;
    while (i < rel.size()) {
        while (i < rel.size() && (is_ascii_space(rel[i]) || rel[i] == ',')) {
            ++i;
        }
        const std::size_t start = i;
        while (i < rel.size() && !is_ascii_space(rel[i]) && rel[i] != ',') {
            ++i;
        }
        if (iequals(rel.substr(start, i - start), "nofollow")) {
            return true;
        }
    }
    return false;
}

// The path of an absolute URL without fragment, as Python's urlparse
// gives it: after the authority, before '?', without the last segment's
// ";params".
std::string_view url_path(std::string_view url) noexcept
{
    auto start = url.find("://");
    if (start == std::string_view::npos) {
        start = url.find(':');
        start = start == std::string_view::npos ? 0 : start + 1;
    } else {
        start = url.find('/', start + 3);
        if (start == std::string_view::npos) {
            return {};
        }
    }
    auto path = url.substr(start);
    path = path.substr(0, path.find('?'));
    const auto last_slash = path.rfind('/');
    const auto params = path.find(';', last_slash == std::string_view::npos ? 0 : last_slash);
    return path.substr(0, params);
}

// RFC 3986 unreserved: never escaped, never unescaped.
bool is_unreserved(char c) noexcept
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
           c == '_' || c == '~';
}

// The host of a URL urljoin wrote (so already lower case, its user info
// and port well-formed): no allocation, unlike the lenient url_host().
std::string_view joined_host(std::string_view url) noexcept
{
    const auto start = url.find("://");
    if (start == std::string_view::npos) {
        return {};
    }
    auto authority = url.substr(start + 3);
    authority = authority.substr(0, authority.find_first_of("/?#"));
    if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
        authority.remove_prefix(at + 1);
    }
    if (authority.starts_with('[')) {
        return authority.substr(0, authority.find(']') + 1);
    }
    return authority.substr(0, authority.find(':'));
}

bool host_in(std::string_view host, const std::vector<std::string>& domains) noexcept
{
    for (const auto& domain : domains) {
        if (host == domain ||
            (host.size() > domain.size() && host.ends_with(domain) && host[host.size() - domain.size() - 1] == '.')) {
            return true;
        }
    }
    return false;
}

} // namespace trawl::links::detail
