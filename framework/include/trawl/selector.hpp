#pragma once
// Selectors as Scrapy users know them from parsel: CSS and XPath queries over
// a parsed HTML or XML document, with ::text and ::attr(name), get()/getall(),
// re() and re_first().
//
//   for (const auto& quote : response.css("div.quote")) {
//       auto text = quote.css("span.text::text").get();      // std::optional
//       auto tags = quote.css("a.tag::text").getall();       // std::vector
//   }
//   auto next = response.css("li.next a::attr(href)").get();
//
// A Selector is a small handle: a shared pointer to the immutable parsed
// document plus a pointer to one node in it (or, for XPath results that are
// strings, numbers or booleans, the value itself). Copying one is cheap, and
// a Selector keeps its document alive. Documents are never modified after
// parsing, so Selectors of one document may be used from several threads at
// once.
//
// Queries: CSS is translated to XPath 1.0 with the semantics of cssselect's
// HTMLTranslator (HTML documents: case-insensitive element and attribute
// names, :checked/:disabled/:enabled/:link) or GenericTranslator (XML), plus
// parsel's pseudo-elements:
//   sel::text          the matched elements' own (direct) text nodes
//   sel ::text         every text node below the matched elements
//   sel::attr(name)    the value of attribute `name` of the matched elements
//   sel ::attr(name)   that attribute of the matched elements and all below
// XPath is libxml2's XPath 1.0. The EXSLT regular-expression namespace is
// bound to the prefix "re" (only re:test(string, pattern[, flags]) is
// implemented; flags "i" = ignore case). Both kinds of query are compiled once
// per thread and reused.
//
// This header is deliberately free of libxml2: the node type is only
// forward-declared.

#include <cstddef>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

struct _xmlNode; // libxml2's node; opaque here

namespace trawl {

/// An invalid CSS selector, XPath expression or regular expression, or a
/// regular expression that exceeded its backtracking limit. what() names the
/// query, the position and the reason, e.g.
///   invalid CSS selector 'div[': expected attribute name at 4
class SelectorError : public std::invalid_argument {
public:
    static constexpr std::size_t no_position = static_cast<std::size_t>(-1);

    SelectorError(const std::string& message, std::string query, std::size_t position);

    /// The query as given.
    const std::string& query() const noexcept { return query_; }
    /// Byte offset of the problem in query(), or no_position.
    std::size_t position() const noexcept { return position_; }

private:
    std::string query_;
    std::size_t position_;
};

namespace detail {
struct SelectorDocument;
struct SelectorAccess;
} // namespace detail

/// What a Selector points at; decides what get() returns.
enum class SelectorKind : unsigned char {
    element,   ///< an element (also a comment, processing instruction or the document node): get() = markup
    text,      ///< a text or CDATA node: get() = its text
    attribute, ///< an attribute node: get() = its value
    value,     ///< an XPath string, number or boolean result: get() = the value as text
};

/// A value for an XPath variable ($name in the expression). Passing values
/// this way, instead of pasting them into the expression, needs no quoting.
using XPathValue = std::variant<std::string, double, bool>;
using XPathVariables = std::vector<std::pair<std::string, XPathValue>>;

class SelectorList;

class Selector {
public:
    /// Documents larger than this are refused (std::length_error). libxml2's
    /// own size and depth limits are lifted for HTML (XML_PARSE_HUGE: without
    /// it, a page nested deeper than 256 elements parses as an empty
    /// document), so limits of ours take their place: this size, 1024 levels
    /// of nesting, a budget for stray end tags, and an operation limit per
    /// XPath query (framework/src/select/parse_limits.hpp says why). A page
    /// past one fails with std::length_error naming the limit, never as a
    /// partial or empty document.
    static constexpr std::size_t max_document_size = 64u * 1024 * 1024;

    /// An empty value selector (get() = ""), so Selector can be a member or a
    /// container element. Queries on it return nothing.
    Selector();

    /// Parses UTF-8 HTML with libxml2's HTML parser (the one lxml and so
    /// parsel use): errors are recovered from, never reported. As parsel,
    /// surrounding whitespace and NUL characters are dropped; invalid UTF-8
    /// becomes U+FFFD. The selector is the root element (<html>); an empty
    /// input gives an empty <html>. Throws std::length_error above
    /// max_document_size.
    static Selector from_html(std::string_view html, std::string base_url = {});
    /// Parses XML without network access and without expanding entities
    /// (external entities and DTDs are never loaded: no XXE), recovering
    /// from errors. libxml2's own limits stay on for XML, since lifting them
    /// would also lift its entity-expansion ("billion laughs") checks: a
    /// document nested deeper than 256 elements, with a text node over
    /// 10 MB, or whose entity references expand past libxml2's amplification
    /// check or to more than 16 MB of text throws std::length_error naming
    /// the limit. The selector is the root element; input that has none
    /// gives an empty <html> element, as parsel does. Invalid UTF-8 becomes
    /// U+FFFD. Throws std::length_error above max_document_size.
    static Selector from_xml(std::string_view xml, std::string base_url = {});

    /// Elements (or text/attribute values with ::text / ::attr()) matching a
    /// CSS selector, searched in this node and its descendants
    /// ("descendant-or-self"), in document order. Throws SelectorError.
    SelectorList css(std::string_view query) const;
    /// XPath 1.0 evaluated with this node as the context node. Node sets give
    /// one Selector per node in document order; a string, number or boolean
    /// gives a single value Selector (numbers as parsel prints them: "3.0",
    /// booleans "1"/"0"). Throws SelectorError.
    SelectorList xpath(std::string_view query) const;
    SelectorList xpath(std::string_view query, const XPathVariables& variables) const;

    /// Elements serialised as markup (HTML serialisation for HTML documents,
    /// without the trailing text), text nodes as their text, attributes as
    /// their value, values as themselves.
    std::string get() const;
    /// { get() }, as parsel.
    std::vector<std::string> getall() const;

    /// The value of attribute `name` of this element (names compare
    /// case-insensitively in HTML documents); nullopt when absent or when
    /// this is not an element.
    std::optional<std::string> attrib(std::string_view name) const;
    /// All attributes of this element, in document order ("prefix:name" for
    /// namespaced attributes).
    std::vector<std::pair<std::string, std::string>> attributes() const;

    /// The XPath string-value: for an element, all the text below it
    /// concatenated (lxml's text_content()); otherwise the same as get().
    std::string text_content() const;
    /// Element or attribute name ("" for text and values).
    std::string name() const;

    /// Applies a regular expression (PCRE2, Python-like: Unicode \w \d \s) to
    /// get() and returns, as parsel: the group named "extract" of the first
    /// match if the pattern has one; else every match's groups (all groups,
    /// flattened, "" for a group that did not take part), or the whole match
    /// when there are no groups. With replace_entities, character references
    /// and common named entities in the results are decoded, except &lt; and
    /// &amp;. Throws SelectorError for an invalid pattern and when matching
    /// exceeds the backtracking limit (catastrophic patterns do not hang).
    std::vector<std::string> re(std::string_view pattern, bool replace_entities = true) const;
    std::optional<std::string> re_first(std::string_view pattern, bool replace_entities = true) const;

    SelectorKind kind() const noexcept { return kind_; }
    /// True when the document was parsed as HTML (CSS uses HTML semantics).
    bool is_html() const noexcept;
    /// The URL given when parsing (a response's URL); "" if none.
    const std::string& base_url() const noexcept;

    /// Binds `prefix` to `uri` for this selector's XPath and CSS (ns|name)
    /// queries; selectors obtained from it inherit the binding. Affects this
    /// handle only, never the document or other handles.
    void register_namespace(std::string prefix, std::string uri);

private:
    friend struct detail::SelectorAccess;
    using Namespaces = std::vector<std::pair<std::string, std::string>>;

    std::shared_ptr<const detail::SelectorDocument> document_;
    _xmlNode* node_ = nullptr; // the node in document_, or null for a value
    std::shared_ptr<const Namespaces> namespaces_;
    std::string value_;        // kind_ == value only
    SelectorKind kind_ = SelectorKind::value;
};

/// The result of a query: a vector of Selectors with parsel's list methods.
class SelectorList : public std::vector<Selector> {
public:
    using std::vector<Selector>::vector;

    /// Each selector's css()/xpath() results, concatenated in list order.
    SelectorList css(std::string_view query) const;
    SelectorList xpath(std::string_view query) const;
    SelectorList xpath(std::string_view query, const XPathVariables& variables) const;

    /// get() of the first selector; nullopt when the list is empty.
    std::optional<std::string> get() const;
    /// get() of every selector.
    std::vector<std::string> getall() const;
    /// attrib(name) of the first selector.
    std::optional<std::string> attrib(std::string_view name) const;
    /// Each selector's re() results, concatenated.
    std::vector<std::string> re(std::string_view pattern, bool replace_entities = true) const;
    /// The first of re(); nullopt when nothing matches.
    std::optional<std::string> re_first(std::string_view pattern, bool replace_entities = true) const;
};

} // namespace trawl
