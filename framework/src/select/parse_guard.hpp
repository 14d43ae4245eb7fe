#pragma once
// libxml2's parsers run under the limits of parse_limits.hpp. Each function
// throws std::length_error naming the limit a document runs into, so that a
// document is either whole or refused, never silently cut short.

#include <libxml/tree.h>

#include <string_view>

namespace trawl::detail {

/// htmlCtxtReadMemory() with max_html_depth and max_end_tag_scan enforced.
/// `options` must not contain HTML_PARSE_NOERROR (the error handler is how
/// stray end tags are counted; nothing is printed). Returns what libxml2
/// returns (nullptr when it builds no document).
xmlDocPtr read_html_guarded(std::string_view text, const char* url, const char* encoding, int options);

/// xmlCtxtReadMemory(); refuses a document libxml2 stopped parsing at one
/// of its own limits (depth, text node size, entity amplification) instead
/// of returning the part before it.
xmlDocPtr read_xml_guarded(std::string_view text, const char* url, const char* encoding, int options);

/// Throws std::length_error when the entity references left in `doc` would
/// expand to more than max_entity_expansion bytes of text when read.
void check_entity_expansion(xmlDocPtr doc);

} // namespace trawl::detail
