#pragma once
// ASCII helpers for the names middlewares compare (schemes, hosts,
// header values, directives): one copy instead of one per middleware.

#include <string>
#include <string_view>

namespace trawl::middlewares {

inline std::string lower(std::string_view s)
{
    std::string out(s);
    for (auto& c : out) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return out;
}

/// The first position at or after `from` holding one of `Cs`, or npos.
/// For the URL splitting done per request: string_view::find_first_of
/// calls memchr over the set for every byte.
template <char... Cs>
constexpr std::size_t find_any(std::string_view s, std::size_t from = 0) noexcept
{
    for (std::size_t i = from; i < s.size(); ++i) {
        if (((s[i] == Cs) || ...)) {
            return i;
        }
    }
    return std::string_view::npos;
}

inline bool is_ascii_alpha(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
inline bool is_ascii_alnum(char c) noexcept { return is_ascii_alpha(c) || (c >= '0' && c <= '9'); }

} // namespace trawl::middlewares
