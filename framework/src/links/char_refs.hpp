#pragma once
// HTML character references (&amp; &#39; &#x2F; &copy; ...) for the link
// scanner, read by the HTML5 tokenizer's rules on top of core/char_refs.hpp's
// table: what a reference without its ';' means, and how attributes differ.

#include <string>
#include <string_view>

namespace trawl::links::detail {

/// Appends `text` to `out` with its character references decoded as
/// UTF-8. References not in the table stay as written. With
/// `in_attribute`, a named reference without ';' that is followed by '='
/// or a letter or digit stays as written, so "?a=1&copy=2" survives in an
/// href as a browser keeps it.
void append_decoded(std::string& out, std::string_view text, bool in_attribute);

} // namespace trawl::links::detail
