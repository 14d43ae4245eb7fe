#pragma once
// Percent-encoding for the URL helpers: the byte sets w3lib leaves
// unescaped in each URL component, and quoting/unquoting that appends to a
// caller's buffer so that the hot paths (canonicalize_url for every request)
// allocate nothing of their own.

#include <array>
#include "core/ascii.hpp"
#include <cstdint>
#include <string>
#include <string_view>

namespace trawl::detail {

/// A set of bytes that are left as they are when quoting.
class ByteSet {
public:
    constexpr ByteSet() = default;
    constexpr ByteSet(std::string_view chars, bool with_unreserved)
    {
        if (with_unreserved) {
            for (char c = 'a'; c <= 'z'; ++c) {
                add(c);
                add(static_cast<char>(c - 'a' + 'A'));
            }
            for (char c = '0'; c <= '9'; ++c) {
                add(c);
            }
            add('-');
            add('.');
            add('_');
            add('~');
        }
        for (char c : chars) {
            add(c);
        }
    }
    constexpr bool contains(unsigned char c) const noexcept { return (bits_[c >> 6] >> (c & 63)) & 1U; }
    constexpr bool contains(char c) const noexcept { return contains(static_cast<unsigned char>(c)); }
    constexpr ByteSet without(char c) const noexcept
    {
        ByteSet copy = *this;
        const auto b = static_cast<unsigned char>(c);
        copy.bits_[b >> 6] &= ~(std::uint64_t{1} << (b & 63));
        return copy;
    }

private:
    constexpr void add(char c) noexcept
    {
        const auto b = static_cast<unsigned char>(c);
        bits_[b >> 6] |= std::uint64_t{1} << (b & 63);
    }
    std::array<std::uint64_t, 4> bits_{};
};

// The sets below are w3lib's (RFC 3986 reserved + unreserved, minus what the
// URL standard, RFC 2396 or Java's URI class reject in that component).

/// RFC 3986 unreserved: ALPHA DIGIT - . _ ~ (what urlencode leaves alone).
inline constexpr ByteSet unreserved_set{"", true};
/// Path, non-special query and fragment (w3lib _PATH_SAFEST_CHARS, without '%').
inline constexpr ByteSet path_safest_set{":/?@!$&'()*+,;=", true};
/// Query of a special URL: the apostrophe is escaped too (URL standard).
inline constexpr ByteSet special_query_safest_set = path_safest_set.without('\'');
/// Username and password (w3lib _USERINFO_SAFEST_CHARS): no ':', ';', '='.
inline constexpr ByteSet userinfo_safest_set{"!$&'()*+,", true};
/// canonicalize_url's path set (w3lib _PATH_SAFE_CHARS): reserved without
/// '#', plus '|' and a literal '%'.
inline constexpr ByteSet canonical_path_set{":/?[]@!$&'()*+,;=|%", true};

/// What quoting does with a '%' that the set does not contain.
enum class PercentMode {
    /// A '%' starting a valid escape stays; a lone '%' becomes "%25".
    keep_escapes,
    /// Every '%' is data: "%25".
    encode,
};

inline constexpr char upper_hex_digits[] = "0123456789ABCDEF";

/// True when s[i] is '%' followed by two hex digits.
constexpr bool is_escape_at(std::string_view s, std::size_t i) noexcept
{
    return i + 2 < s.size() && s[i] == '%' && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0;
}

inline void append_escape(std::string& out, unsigned char b)
{
    const char esc[3] = {'%', upper_hex_digits[b >> 4], upper_hex_digits[b & 15]};
    out.append(esc, 3);
}

/// Appends `bytes` with every byte outside `safe` as %XX (upper case).
void append_quoted(std::string& out, std::string_view bytes, const ByteSet& safe, PercentMode mode);

/// Appends `bytes` with valid %XX escapes decoded (and '+' as a space when
/// `plus_as_space`); invalid escapes are kept as they are.
void append_unquoted(std::string& out, std::string_view bytes, bool plus_as_space = false);

} // namespace trawl::detail
