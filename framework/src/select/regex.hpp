#pragma once
// Regular expressions for Selector::re() and XPath's re:test(): PCRE2 with
// Python-like settings (UTF-8, Unicode \w \d \s), a per-thread cache of
// compiled patterns, and limits on backtracking so that a catastrophic
// pattern fails with SelectorError instead of hanging the parse thread.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace trawl::detail {

/// parsel's extract_regex(): the "extract" group of the first match, else
/// every match's groups (flattened) or whole match, at most `max_results`.
/// Throws SelectorError (invalid pattern, limit exceeded).
std::vector<std::string> regex_extract(std::string_view pattern, std::string_view text, bool replace_entities,
                                       std::size_t max_results = static_cast<std::size_t>(-1));

/// True if `pattern` matches somewhere in `text`. Throws SelectorError.
bool regex_test(std::string_view pattern, std::string_view text, bool caseless);

/// w3lib's replace_entities(text, keep=["lt", "amp"]): decodes &#NN;,
/// &#xHH; and the HTML 4 named entities except &lt; and &amp;; drops unknown
/// references that end with ';'.
std::string replace_entities(std::string_view text);

} // namespace trawl::detail
