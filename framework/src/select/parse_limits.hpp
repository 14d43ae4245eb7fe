#pragma once
// The limits a hostile or broken page runs into, and why they are ours.
//
// HTML is parsed with XML_PARSE_HUGE: without it libxml2 2.9.14 stops at
// nesting depth 256 and hands back an empty document, which real pages reach.
// HUGE also lifts libxml2's other limits (10 MB text nodes, name lengths), so
// these take their place:
//   - Selector::max_document_size bounds the input (and so every text node);
//   - max_html_depth bounds the element nesting, checked as the parser opens
//     each element;
//   - max_end_tag_scan bounds the work of stray end tags: for each end tag
//     that matches no open element, libxml2's HTML parser scans the whole
//     stack of open elements, so 100,000 open <div>s followed by 100,000
//     </p>s take 10^10 steps (~18 s) where the page is 1 MB.
// XML keeps libxml2's own limits (no HUGE): HUGE would also switch off its
// entity amplification checks, and attribute values expand entities while
// parsing ("billion laughs" in an attribute never finishes). So XML nested
// deeper than 256 elements, or with a text node over 10 MB, fails.
// Besides, reading text expands entity references (an XPath string-value,
// get() of a text node): max_entity_expansion bounds what the references
// left in an XML tree add up to, since libxml2 checks amplification only
// while parsing (a 110 KB document can read as 100 MB of text).
//
// Every limit fails the document with std::length_error whose message names
// the limit: never a partial or silently empty document. Nothing of ours
// walks the tree recursively, so the depth limit is not there for our stack:
// libxml2's parser, serialisers, xmlFreeDoc and XPath axes are iterative in
// 2.9.14 (tried at 100,000 levels, also under ASan): it bounds query cost.

#include <cstddef>
#include <cstdint>

namespace trawl::detail {

/// Deepest element nesting accepted in HTML (<html> counts as 1). Far above
/// real pages (lxml stops at 256 without HUGE, browsers flatten past 512),
/// and low enough that queries costing depth x nodes ("div span" walks the
/// descendants of every div: ~10^10 steps on a 100,000-deep chain) stay
/// cheap.
inline constexpr int max_html_depth = 1024;

/// Deepest element nesting libxml2 accepts in XML without XML_PARSE_HUGE
/// (xmlParserMaxDepth is 256, checked before it opens one more).
inline constexpr int max_xml_depth = 257;

/// Open elements libxml2's HTML parser may compare, summed over all stray
/// end tags of one document (a ~0.2 s budget; real pages use a few thousand).
inline constexpr std::uint64_t max_end_tag_scan = 100'000'000;

/// Bytes of text the entity references of one XML document may expand to.
inline constexpr std::size_t max_entity_expansion = 16u * 1024 * 1024;

/// libxml2 XPath operations one query may take (its opLimit): bounds
/// queries whose cost multiplies with the depth or size of the tree
/// ("//*[ancestor::div]" on a 100,000-deep page) to well under a second.
inline constexpr unsigned long max_xpath_operations = 50'000'000;

} // namespace trawl::detail
