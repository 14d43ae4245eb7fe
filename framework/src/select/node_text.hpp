#pragma once
// Reading nodes: markup serialisation (what Selector::get() returns for an
// element) and text content. Read-only on the document, so safe on a
// document shared between threads (the libxml2 calls used here never touch
// the tree, unlike its whole-document dump functions).

#include <libxml/tree.h>

#include <string>

namespace trawl::detail {

/// Outer markup of `node`: libxml2's HTML serialiser for HTML documents (as
/// lxml's tostring(method="html")), its XML serialiser otherwise. Not
/// followed by the node's tail text.
std::string serialize_node(xmlDocPtr doc, xmlNodePtr node, bool html);

/// XPath string-value of `node` (all descendant text for an element, the
/// value for an attribute).
std::string node_content(xmlNodePtr node);

/// "prefix:name" or "name".
std::string qualified_name(xmlNodePtr node);

} // namespace trawl::detail
