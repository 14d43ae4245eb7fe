#include "url/url_split.hpp"

#include "url/host.hpp"

#include <trawl/error.hpp>

#include <algorithm>
#include <functional>

namespace trawl::detail {

namespace {

constexpr bool is_alpha(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
constexpr bool is_c0_or_space(char c) noexcept { return static_cast<unsigned char>(c) <= 0x20; }
constexpr bool is_tab_or_newline(char c) noexcept { return c == '\t' || c == '\n' || c == '\r'; }

bool iequals_ascii(std::string_view a, std::string_view lower) noexcept
{
    if (a.size() != lower.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        char c = a[i];
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
        if (c != lower[i]) {
            return false;
        }
    }
    return true;
}

bool points_into(std::string_view view, const std::string& s) noexcept
{
    const std::less<const char*> before;
    return !s.empty() && !before(view.data(), s.data()) && before(view.data(), s.data() + s.size());
}

boost::system::error_code invalid() noexcept
{
    return make_error_code(errc::invalid_url);
}

/// Host and port: "host", "host:port", "[v6]", "[v6]:port".
bool split_host_port(std::string_view hostport, UrlSplit& parts) noexcept
{
    std::string_view port;
    bool has_colon = false;
    if (!hostport.empty() && hostport.front() == '[') {
        const std::size_t close = hostport.find(']');
        if (close == std::string_view::npos) {
            return false;
        }
        const std::string_view inner = hostport.substr(1, close - 1);
        const std::string_view after = hostport.substr(close + 1);
        if (!is_valid_bracketed_host(inner) || (!after.empty() && after.front() != ':')) {
            return false;
        }
        parts.host = inner;
        parts.host_bracketed = true;
        has_colon = !after.empty();
        port = has_colon ? after.substr(1) : std::string_view{};
    } else {
        if (find_any<'[', ']'>(hostport) != hostport.size()) {
            return false;
        }
        const std::size_t colon = hostport.find(':');
        parts.host = hostport.substr(0, colon);
        has_colon = colon != std::string_view::npos;
        port = has_colon ? hostport.substr(colon + 1) : std::string_view{};
    }
    parts.has_port_separator = has_colon;
    if (port.empty()) {
        return true; // "host:" means the default port
    }
    std::uint32_t value = 0;
    for (char c : port) {
        if (!is_digit(c)) {
            return false;
        }
        value = value * 10 + static_cast<std::uint32_t>(c - '0');
        if (value > 65535) {
            return false;
        }
    }
    parts.has_port = true;
    parts.port = static_cast<std::uint16_t>(value);
    return true;
}

} // namespace

SchemeInfo scheme_info(std::string_view scheme) noexcept
{
    struct Known {
        std::string_view name;
        SchemeInfo info;
    };
    static constexpr Known known[] = {
        {"http", {true, true, 80}}, {"https", {true, true, 443}}, {"ws", {true, false, 80}},
        {"wss", {true, false, 443}}, {"ftp", {true, true, 21}},   {"file", {true, true, 0}},
    };
    for (const auto& k : known) {
        if (iequals_ascii(scheme, k.name)) {
            return k.info;
        }
    }
    return {};
}

std::string_view clean_url_input(std::string_view input, std::string& scratch)
{
    while (!input.empty() && is_c0_or_space(input.front())) {
        input.remove_prefix(1);
    }
    while (!input.empty() && is_c0_or_space(input.back())) {
        input.remove_suffix(1);
    }
    std::size_t first = 0;
    while (first < input.size() && !is_tab_or_newline(input[first])) {
        ++first;
    }
    if (first == input.size()) {
        return input;
    }
    std::string cleaned;
    cleaned.reserve(input.size());
    for (char c : input) {
        if (!is_tab_or_newline(c)) {
            cleaned.push_back(c);
        }
    }
    scratch = std::move(cleaned);
    return scratch;
}

boost::system::result<UrlSplit> split_url(std::string_view url, std::string& scratch)
{
    UrlSplit parts;
    std::string_view rest = url;
    if (!url.empty() && is_alpha(url.front())) {
        std::size_t i = 1;
        while (i < url.size() && (is_alpha(url[i]) || is_digit(url[i]) || url[i] == '+' || url[i] == '-' || url[i] == '.')) {
            ++i;
        }
        if (i < url.size() && url[i] == ':') {
            parts.scheme = url.substr(0, i);
            rest = url.substr(i + 1);
        }
    }
    parts.info = scheme_info(parts.scheme);

    if (parts.info.special) {
        // "\" ends the authority and separates path segments in special URLs
        // (so "http://evil.com\@good.com/" goes to evil.com, as in a browser).
        const std::size_t backslash = find_any<'\\', '?', '#'>(rest);
        if (backslash < rest.size() && rest[backslash] == '\\') {
            const std::size_t cut = find_any<'?', '#'>(rest, backslash);
            const std::size_t offset = static_cast<std::size_t>(rest.data() - url.data());
            if (!points_into(url, scratch)) {
                scratch.assign(url);
                url = scratch;
            }
            const std::size_t base = static_cast<std::size_t>(url.data() - scratch.data());
            for (std::size_t i = backslash; i < cut; ++i) {
                char& c = scratch[base + offset + i];
                if (c == '\\') {
                    c = '/';
                }
            }
            parts.scheme = url.substr(0, parts.scheme.size());
            rest = url.substr(offset);
        }
    }

    // A web URL always has an authority: the URL standard reads one after
    // any number of slashes ("http:/x", "http:///x" and "http:x" are all
    // host x). Elsewhere (file:, other schemes, relative URLs) "//" starts it.
    const bool web = parts.info.special && parts.info.default_port != 0;
    if (web || rest.starts_with("//")) {
        const std::size_t start = web ? std::min(rest.find_first_not_of('/'), rest.size()) : 2;
        const std::size_t end = find_any<'/', '?', '#'>(rest, start);
        const std::string_view authority = rest.substr(start, end - start);
        rest = rest.substr(end);
        parts.has_authority = true;

        std::string_view hostport = authority;
        const std::size_t at = authority.rfind('@');
        if (at != std::string_view::npos) {
            parts.has_userinfo = true;
            const std::string_view userinfo = authority.substr(0, at);
            hostport = authority.substr(at + 1);
            const std::size_t colon = userinfo.find(':');
            parts.username = userinfo.substr(0, colon);
            if (colon != std::string_view::npos) {
                parts.has_password = true;
                parts.password = userinfo.substr(colon + 1);
            }
        }
        if (!split_host_port(hostport, parts)) {
            return invalid();
        }
    }

    const std::size_t hash = rest.find('#');
    if (hash != std::string_view::npos) {
        parts.has_fragment = true;
        parts.fragment = rest.substr(hash + 1);
        rest = rest.substr(0, hash);
    }
    const std::size_t question = rest.find('?');
    if (question != std::string_view::npos) {
        parts.has_query = true;
        parts.query = rest.substr(question + 1);
        rest = rest.substr(0, question);
    }
    parts.path = rest;
    return parts;
}

} // namespace trawl::detail
