#pragma once
// Running a query (CSS or XPath) against a Selector's node with libxml2.
//
// Each thread keeps one xmlXPathContext and a bounded LRU cache of compiled
// expressions keyed by the query text (CSS ones translated first). Compiled
// expressions are not shared between threads: libxml2 writes a resolved
// function pointer into the expression the first time it runs, so a shared
// expression would be written by several threads at once.

#include <trawl/selector.hpp>

#include <libxml/xpathInternals.h>

#include <string>
#include <string_view>

namespace trawl::detail {

enum class QueryLanguage : char { css = 'c', xpath = 'x' };

/// Appends the results of `query` evaluated with `context` as the context
/// node to `out`. Does nothing for a value selector. Throws SelectorError.
void evaluate_query(SelectorList& out, const Selector& context, QueryLanguage language, std::string_view query,
                    const XPathVariables* variables);

/// Registers trawl's XPath extension functions (re:test) on `context`
/// (xpath_functions.cpp).
void register_extension_functions(xmlXPathContextPtr context);

/// The message of the last failure inside an extension function on this
/// thread (an invalid pattern in re:test), then forgotten; "" if none.
std::string take_extension_error();

/// The namespace URI bound to the prefix "re" by default.
inline constexpr const char* exslt_regexp_namespace = "http://exslt.org/regular-expressions";

/// How parsel prints an XPath number: Python's repr of a float ("3.0",
/// "0.5", "1e+16", "nan").
std::string python_float_text(double value);

} // namespace trawl::detail
