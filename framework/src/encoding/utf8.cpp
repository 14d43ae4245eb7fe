// UTF-8 validation and repair. Pages are mostly ASCII, so runs of ASCII are
// skipped eight bytes at a time.

#include "encoding/utf8.hpp"

#include <cstdint>
#include <cstring>

namespace trawl::detail {
namespace {

constexpr std::uint64_t high_bits = 0x8080808080808080ULL;

/// Index of the first non-ASCII byte at or after `i`.
std::size_t skip_ascii(std::string_view s, std::size_t i) noexcept
{
    while (i + 8 <= s.size()) {
        std::uint64_t block;
        std::memcpy(&block, s.data() + i, sizeof block);
        if ((block & high_bits) != 0) {
            break;
        }
        i += 8;
    }
    while (i < s.size() && static_cast<unsigned char>(s[i]) < 0x80) {
        ++i;
    }
    return i;
}

/// The length of the well-formed sequence starting at s[i] (a non-ASCII
/// byte), or, when there is none, minus the length of its maximal
/// ill-formed subpart: the longest prefix that could still have begun a
/// well-formed sequence, at least one byte.
int sequence_at(std::string_view s, std::size_t i) noexcept
{
    const auto byte = [&](std::size_t k) { return k < s.size() ? static_cast<unsigned char>(s[k]) : 0u; };
    const unsigned lead = byte(i);
    int length = 0;
    unsigned low = 0x80;  // bounds of the second byte; later ones are 80..BF
    unsigned high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        low = lead == 0xE0 ? 0xA0 : 0x80;  // no overlong forms
        high = lead == 0xED ? 0x9F : 0xBF; // no surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        low = lead == 0xF0 ? 0x90 : 0x80;  // no overlong forms
        high = lead == 0xF4 ? 0x8F : 0xBF; // nothing past U+10FFFF
    } else {
        return -1;
    }
    for (int k = 1; k < length; ++k) {
        const unsigned b = byte(i + static_cast<std::size_t>(k));
        if (b < (k == 1 ? low : 0x80u) || b > (k == 1 ? high : 0xBFu)) {
            return -k;
        }
    }
    return length;
}

} // namespace

std::size_t valid_utf8_prefix(std::string_view bytes) noexcept
{
    std::size_t i = 0;
    for (;;) {
        i = skip_ascii(bytes, i);
        if (i == bytes.size()) {
            return i;
        }
        const int n = sequence_at(bytes, i);
        if (n < 0) {
            return i;
        }
        i += static_cast<std::size_t>(n);
    }
}

void append_utf8_replacing(std::string& out, std::string_view bytes)
{
    out.reserve(out.size() + bytes.size() + 16);
    std::size_t i = 0;
    while (i < bytes.size()) {
        const std::size_t valid_end = i + valid_utf8_prefix(bytes.substr(i));
        out.append(bytes.data() + i, valid_end - i);
        i = valid_end;
        if (i == bytes.size()) {
            break;
        }
        // Each bad byte costs one pass here and yields at most three bytes
        // of output: linear time, and the 3x bound on the output.
        out.append(replacement_character);
        i += static_cast<std::size_t>(-sequence_at(bytes, i));
    }
}

} // namespace trawl::detail
