#include "robots/robots_path.hpp"

#include "core/ascii.hpp"

namespace trawl::detail {
namespace {

constexpr auto npos = std::string_view::npos;

bool is_unreserved(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
           || c == '_' || c == '~';
}

bool must_escape(unsigned char c)
{
    if (c <= 0x20 || c >= 0x7F) {
        return true;
    }
    switch (c) {
    case '"': case '<': case '>': case '\\': case '^': case '`': case '{': case '|': case '}':
        return true;
    default:
        return false;
    }
}

bool is_escape_at(std::string_view text, std::size_t i)
{
    return i + 2 < text.size() && hex_value(text[i + 1]) >= 0 && hex_value(text[i + 2]) >= 0;
}

void append_escape(std::string& out, unsigned char byte)
{
    static constexpr char digits[] = "0123456789ABCDEF";
    out.push_back('%');
    out.push_back(digits[byte >> 4]);
    out.push_back(digits[byte & 0xF]);
}

} // namespace

RobotsPathView robots_path_of(std::string_view url)
{
    // A network-path reference ("//host/path") has no scheme but a host.
    const std::size_t start = url.starts_with("//") ? 2 : 0;
    std::size_t authority = start;
    const auto scheme_end = url.find("://", start);
    // "/a?b=http://c" has no scheme: a path, params or query came first.
    if (scheme_end != npos && url.find_first_of("/?;", start) >= scheme_end) {
        authority = scheme_end + 3;
    }
    const auto path = url.find_first_of("/?;", authority);
    if (path == npos) {
        return {};
    }
    const auto hash = url.find('#', start);
    if (hash < path) {
        return {};
    }
    const auto rest = url.substr(path, hash == npos ? npos : hash - path);
    return {rest.front() != '/', rest};
}

std::string robots_path_string(std::string_view url)
{
    const auto path = robots_path_of(url);
    std::string out = path.slash ? "/" : "";
    out += path.rest;
    return out;
}

bool needs_robots_normalising(std::string_view text)
{
    for (char c : text) {
        if (c == '%' || must_escape(static_cast<unsigned char>(c))) {
            return true;
        }
    }
    return false;
}

void append_robots_normalised(std::string& out, std::string_view text)
{
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == '%') {
            if (!is_escape_at(text, i)) {
                out += "%25";
                continue;
            }
            const auto byte = static_cast<unsigned char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
            if (is_unreserved(byte)) {
                out.push_back(static_cast<char>(byte));
            } else {
                append_escape(out, byte);
            }
            i += 2;
        } else if (must_escape(c)) {
            append_escape(out, c);
        } else {
            out.push_back(static_cast<char>(c));
        }
    }
}

std::string normalise_robots_pattern(std::string_view pattern)
{
    std::string out;
    out.reserve(pattern.size());
    append_robots_normalised(out, pattern);
    return out;
}

bool robots_wildcard_match(std::string_view path, std::string_view pattern, bool anchored)
{
    // After a mismatch, retry from the last '*' with it swallowing one more
    // byte. Earlier stars never need revisiting: whatever the last star
    // can reach, they could have reached too. Each retry advances `star_at`,
    // so the work is bounded by path * pattern.
    std::size_t p = 0;
    std::size_t t = 0;
    std::size_t star = npos;
    std::size_t star_at = 0;
    while (t < path.size()) {
        if (p < pattern.size() && pattern[p] == '*') {
            star = p++;
            star_at = t;
        } else if (p < pattern.size() && pattern[p] == path[t]) {
            ++p;
            ++t;
        } else if (p == pattern.size() && !anchored) {
            return true; // a rule matches a prefix of the path
        } else if (star != npos) {
            p = star + 1;
            t = ++star_at;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*') {
        ++p;
    }
    return p == pattern.size();
}

} // namespace trawl::detail
