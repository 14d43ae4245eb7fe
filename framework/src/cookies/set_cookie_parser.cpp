// Set-Cookie parsing, RFC 6265 §5.2, with 6265bis's limits (control
// characters, 1024-byte attribute values; the jar limits name + value). The
// parser never fails on an attribute: one it cannot read is skipped, as the
// RFC asks, so a server's typo costs one attribute, not the cookie.

#include "cookies/cookie_rules.hpp"
#include "core/ascii.hpp"

#include <trawl/cookie_jar.hpp>

#include <limits>

namespace trawl {

namespace {

constexpr std::size_t max_attribute_value_size = 1024;

std::string_view trim_whitespace(std::string_view s) noexcept
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
        s.remove_suffix(1);
    }
    return s;
}

bool iequal_ascii(std::string_view a, std::string_view lower) noexcept
{
    return a.size() == lower.size() && detail::starts_with_ignoring_case(a, lower);
}

// §5.2.2: digits with an optional leading '-'; anything else and the
// attribute is ignored. Saturates instead of overflowing: a server's
// "Max-Age=99999999999999999999" means "for ever", not an error.
std::optional<std::int64_t> parse_max_age(std::string_view value) noexcept
{
    if (value.empty()) {
        return std::nullopt;
    }
    const bool negative = value.front() == '-';
    auto digits = negative ? value.substr(1) : value;
    if (digits.empty()) {
        return std::nullopt;
    }
    std::int64_t out = 0;
    for (char c : digits) {
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
        if (out > (std::numeric_limits<std::int64_t>::max() - 9) / 10) {
            out = std::numeric_limits<std::int64_t>::max();
        } else {
            out = out * 10 + (c - '0');
        }
    }
    return negative ? -out : out;
}

SameSite parse_same_site(std::string_view value) noexcept
{
    if (iequal_ascii(value, "strict")) {
        return SameSite::strict;
    }
    if (iequal_ascii(value, "lax")) {
        return SameSite::lax;
    }
    if (iequal_ascii(value, "none")) {
        return SameSite::none;
    }
    return SameSite::unset;
}

void apply_attribute(SetCookie& cookie, std::string_view name, std::string_view value)
{
    if (value.size() > max_attribute_value_size) {
        return;
    }
    if (iequal_ascii(name, "expires")) {
        if (auto date = parse_cookie_date(value)) {
            cookie.expires = *date;
        }
    } else if (iequal_ascii(name, "max-age")) {
        if (auto seconds = parse_max_age(value)) {
            cookie.max_age = *seconds;
        }
    } else if (iequal_ascii(name, "domain")) {
        // An empty Domain is ignored entirely (it does not undo an earlier one).
        if (value.empty()) {
            return;
        }
        if (value.front() == '.') {
            value.remove_prefix(1);
        }
        cookie.domain = detail::ascii_lower(value);
    } else if (iequal_ascii(name, "path")) {
        // An invalid Path is the default path: it replaces an earlier valid one.
        if (value.empty() || value.front() != '/') {
            cookie.path.reset();
        } else {
            cookie.path = std::string(value);
        }
    } else if (iequal_ascii(name, "secure")) {
        cookie.secure = true;
    } else if (iequal_ascii(name, "httponly")) {
        cookie.http_only = true;
    } else if (iequal_ascii(name, "samesite")) {
        cookie.same_site = parse_same_site(value);
    }
}

} // namespace

std::optional<SetCookie> parse_set_cookie(std::string_view field)
{
    for (char c : field) {
        if (detail::is_cookie_control(c)) {
            return std::nullopt;
        }
    }
    const auto semicolon = field.find(';');
    const auto name_value = field.substr(0, semicolon);
    const auto equals = name_value.find('=');
    if (equals == std::string_view::npos) {
        return std::nullopt;
    }
    SetCookie cookie;
    const auto name = trim_whitespace(name_value.substr(0, equals));
    const auto value = trim_whitespace(name_value.substr(equals + 1));
    if (name.empty()) {
        return std::nullopt;
    }
    cookie.name = std::string(name);
    cookie.value = std::string(value);

    auto rest = semicolon == std::string_view::npos ? std::string_view{} : field.substr(semicolon + 1);
    while (!rest.empty()) {
        const auto end = rest.find(';');
        const auto av = rest.substr(0, end);
        rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
        const auto av_equals = av.find('=');
        const auto av_name = trim_whitespace(av.substr(0, av_equals));
        const auto av_value =
            av_equals == std::string_view::npos ? std::string_view{} : trim_whitespace(av.substr(av_equals + 1));
        apply_attribute(cookie, av_name, av_value);
    }
    return cookie;
}

} // namespace trawl
