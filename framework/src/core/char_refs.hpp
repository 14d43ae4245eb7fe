#pragma once
// HTML character references (&amp; &#39; &#x2F; &copy; ...): the one table
// of names and the one reading of numeric references. Callers keep their own
// rules on top: the selector's re() decodes as w3lib does, the link scanner
// as an HTML5 tokenizer does.

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace trawl::detail {

/// Flags of a NamedCharRef.
namespace char_ref {
/// In Python's html.entities.name2codepoint (HTML 4.01), the set w3lib decodes.
inline constexpr std::uint8_t html4 = 1;
/// One of HTML5's legacy names, valid without its ';' (the Latin-1 block,
/// amp lt gt quot and their upper-case forms, COPY, REG).
inline constexpr std::uint8_t legacy = 2;
} // namespace char_ref

struct NamedCharRef {
    std::string_view name;
    char32_t code_point;
    std::uint8_t flags; ///< char_ref::html4 | char_ref::legacy
};

/// Lengths of the longest name in the table and of the longest legacy name.
inline constexpr std::size_t longest_char_ref_name = 8;
inline constexpr std::size_t longest_legacy_char_ref_name = 6;

/// The entry for `name` (case-sensitive, without '&' and ';'), or nullptr.
/// Besides HTML 4 the table holds the HTML5 names pages use in URLs and
/// text (apos, colon, sol, ...), with neither flag.
const NamedCharRef* find_char_ref(std::string_view name) noexcept;

/// The number of a numeric reference: `value` saturates past U+10FFFF, and
/// `end` is the index after the last digit, or `start` when there is none.
struct NumericCharRef {
    std::uint32_t value;
    std::size_t end;
};

/// Reads the digits of a numeric reference; `text[start]` follows "&#": an
/// 'x' or 'X' then hex digits, or decimal digits. Stops before any ';'.
NumericCharRef read_numeric_char_ref(std::string_view text, std::size_t start) noexcept;

/// What a numeric reference's value stands for in HTML5: U+FFFD for 0,
/// surrogates and values past U+10FFFF; 0x80-0x9F as windows-1252 reads
/// that byte, where it defines one.
char32_t numeric_char_ref_code_point(std::uint32_t value) noexcept;

/// Whether `value` is one of the bytes 0x80-0x9F windows-1252 leaves
/// undefined (0x81 0x8D 0x8F 0x90 0x9D).
bool is_windows_1252_hole(std::uint32_t value) noexcept;

} // namespace trawl::detail
