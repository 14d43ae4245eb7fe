#pragma once
// Text encodings for URL queries: the query of a URL found in a page is
// percent-encoded in the page's encoding, as browsers and w3lib do. UTF-8 is
// handled inline; any other encoding goes through glibc's iconv.

#include <string>
#include <string_view>

namespace trawl::detail {

bool is_ascii(std::string_view s) noexcept;
bool is_valid_utf8(std::string_view s) noexcept;

/// True for the spellings of UTF-8 that Python accepts ("utf-8", "UTF8", "u8", ...).
bool is_utf8_name(std::string_view encoding) noexcept;

/// Appends the UTF-8 text `utf8` converted to `encoding` (a Python codec name
/// such as "latin-1", "cp1251", "iso2022jp", or any name iconv knows).
/// Returns false, leaving `out` as it was, when `utf8` is not valid UTF-8 or
/// holds a character that `encoding` cannot represent.
/// Throws std::invalid_argument for an encoding iconv does not know: that is
/// a configuration error, not a property of the URL.
bool append_encoded(std::string& out, std::string_view utf8, std::string_view encoding);

} // namespace trawl::detail
