#pragma once
// ASCII-only character helpers for protocol text (header names, schemes,
// hosts, charset labels, hex escapes): never locale-dependent, unlike
// <cctype>, and usable in constexpr code.

#include <string>
#include <string_view>

namespace trawl::detail {

constexpr char ascii_lower(char c) noexcept
{
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c;
}

inline std::string ascii_lower(std::string_view text)
{
    std::string out(text);
    for (auto& c : out) {
        c = ascii_lower(c);
    }
    return out;
}

/// Whether `text` starts with `lower_prefix` (given in lower case),
/// ignoring ASCII case.
constexpr bool starts_with_ignoring_case(std::string_view text, std::string_view lower_prefix) noexcept
{
    if (text.size() < lower_prefix.size()) {
        return false;
    }
    for (std::size_t i = 0; i < lower_prefix.size(); ++i) {
        if (ascii_lower(text[i]) != lower_prefix[i]) {
            return false;
        }
    }
    return true;
}

/// The value of an ASCII hex digit, or -1.
constexpr int hex_value(char c) noexcept
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

} // namespace trawl::detail
