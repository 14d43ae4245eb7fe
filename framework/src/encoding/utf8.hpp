#pragma once
// UTF-8 validation and repair: the fast path of every decode (internal).

#include <cstddef>
#include <string>
#include <string_view>

namespace trawl::detail {

/// The length of the longest prefix of `bytes` that is well-formed UTF-8
/// (Unicode 15, table 3-7: no overlong forms, surrogates or values past
/// U+10FFFF); bytes.size() when all of it is.
std::size_t valid_utf8_prefix(std::string_view bytes) noexcept;

inline bool is_valid_utf8(std::string_view bytes) noexcept { return valid_utf8_prefix(bytes) == bytes.size(); }

/// Appends `bytes` to `out` with each maximal ill-formed subpart replaced
/// by one U+FFFD (the W3C/WHATWG practice; what Python's "replace" gives).
void append_utf8_replacing(std::string& out, std::string_view bytes);

/// U+FFFD REPLACEMENT CHARACTER as UTF-8.
inline constexpr std::string_view replacement_character = "\xEF\xBF\xBD";

} // namespace trawl::detail
