#pragma once
// CSS selectors to XPath 1.0, by hand: there is no C++ library for it in
// Debian. The output follows cssselect's GenericTranslator (XML) and
// HTMLTranslator (HTML) semantics, plus parsel's ::text and ::attr(name);
// the expressions themselves are trawl's own (for example :first-child is
// not(preceding-sibling::*), which stops at the first sibling).
//
// Supported: type (ns|type, *), #id, .class, [attr] with = ~= |= ^= $= *= !=,
// the four combinators, selector lists, :not(compound), :is()/:where()
// (compound lists, as cssselect), :has(relative selectors), :nth-child(),
// :nth-last-child(), :nth-of-type(), :nth-last-of-type() (an+b, odd, even),
// :first-/last-/only-child, :first-/last-/only-of-type, :empty, :root,
// :scope (at the start), :contains(text), :lang(code), and for HTML
// :link/:checked/:enabled/:disabled as cssselect defines them
// (:visited/:hover/:active/:focus/:target never match).

#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace trawl::detail::css {

/// The XPath expression for `selector`, relative to the context node
/// (parsel's "descendant-or-self::" prefix). `html` selects the HTML
/// semantics. Throws SelectorError naming the position and the reason.
std::string to_xpath(std::string_view selector, bool html);

/// The (a, b) of an :nth-child() argument such as "2n+1", "odd", "-n + 3",
/// or nullopt if it is not a valid series.
std::optional<std::pair<long long, long long>> parse_nth(std::string_view argument);

/// `text` as an XPath string literal (concat() when it has both quotes).
std::string xpath_literal(std::string_view text);

} // namespace trawl::detail::css
