#include "select/node_text.hpp"

#include <libxml/HTMLtree.h>
#include <libxml/xmlIO.h>
#include <libxml/xmlsave.h>

#include <algorithm>
#include <memory>
#include <new>
#include <string_view>
#include <vector>

namespace trawl::detail {
namespace {

struct OutputBufferDeleter {
    void operator()(xmlOutputBufferPtr buffer) const { xmlOutputBufferClose(buffer); }
};

std::string_view text_of(const xmlChar* s) { return s != nullptr ? reinterpret_cast<const char*>(s) : ""; }

/// The namespace declarations `node` needs to stand alone, in the order lxml
/// writes them: its own namespace and its attributes' (when declared on an
/// ancestor), then every declaration of its ancestors, nearest first; never
/// a prefix twice, never one the node declares itself, never "xml".
std::string inherited_namespaces(xmlNodePtr node)
{
    std::vector<const xmlNs*> declared;
    for (const xmlNs* ns = node->nsDef; ns != nullptr; ns = ns->next) {
        declared.push_back(ns);
    }
    std::string out;
    auto add = [&](const xmlNs* ns) {
        if (ns == nullptr || text_of(ns->prefix) == "xml") {
            return;
        }
        for (const xmlNs* d : declared) {
            if (text_of(d->prefix) == text_of(ns->prefix)) {
                return;
            }
        }
        declared.push_back(ns);
        out += ns->prefix != nullptr ? " xmlns:" + std::string(text_of(ns->prefix)) : std::string(" xmlns");
        // A namespace name is a URI: only '"', '&' and '<' need escaping.
        out += "=\"";
        for (char c : text_of(ns->href)) {
            out += c == '"' ? "&quot;" : c == '&' ? "&amp;" : c == '<' ? "&lt;" : std::string(1, c);
        }
        out += '"';
    };
    add(node->ns);
    for (xmlAttrPtr a = node->properties; a != nullptr; a = a->next) {
        add(a->ns);
    }
    for (xmlNodePtr p = node->parent; p != nullptr && p->type == XML_ELEMENT_NODE; p = p->parent) {
        for (const xmlNs* ns = p->nsDef; ns != nullptr; ns = ns->next) {
            add(ns);
        }
    }
    return out;
}

/// Where in "<name xmlns:a="..." attr=...>" the inherited declarations go:
/// after the name and the node's own declarations.
std::size_t declaration_insert_point(const std::string& markup, xmlNodePtr node)
{
    std::size_t pos = 1 + (node->ns != nullptr && node->ns->prefix != nullptr ? xmlStrlen(node->ns->prefix) + 1 : 0) +
                      static_cast<std::size_t>(xmlStrlen(node->name));
    for (const xmlNs* ns = node->nsDef; ns != nullptr && pos < markup.size(); ns = ns->next) {
        // ' xmlns[:p]="..."' (or '...')
        const std::size_t equals = markup.find('=', pos);
        if (equals == std::string::npos || equals + 1 >= markup.size()) {
            break;
        }
        const char quote = markup[equals + 1];
        const std::size_t close = markup.find(quote, equals + 2);
        if (close == std::string::npos) {
            break;
        }
        pos = close + 1;
    }
    return std::min(pos, markup.size());
}

} // namespace

std::string serialize_node(xmlDocPtr doc, xmlNodePtr node, bool html)
{
    std::unique_ptr<xmlOutputBuffer, OutputBufferDeleter> buffer(xmlAllocOutputBuffer(nullptr));
    if (!buffer) {
        throw std::bad_alloc();
    }
    if (html) {
        // Not htmlNodeDumpOutput(): through xmlsave.c it rewrites the
        // document's <meta> charset and doc->encoding while dumping.
        htmlNodeDumpFormatOutput(buffer.get(), doc, node, "UTF-8", 0);
    } else {
        xmlNodeDumpOutput(buffer.get(), doc, node, 0, 0, "UTF-8");
    }
    xmlOutputBufferFlush(buffer.get());
    const auto* content = reinterpret_cast<const char*>(xmlOutputBufferGetContent(buffer.get()));
    std::string markup;
    if (content != nullptr) {
        markup.assign(content, static_cast<std::size_t>(xmlOutputBufferGetSize(buffer.get())));
    }
    // As lxml: an XML element below the root carries the namespace
    // declarations it inherits, so that its markup parses on its own.
    if (!html && node->type == XML_ELEMENT_NODE && node->parent != nullptr && node->parent->type == XML_ELEMENT_NODE) {
        const std::string declarations = inherited_namespaces(node);
        if (!declarations.empty()) {
            markup.insert(declaration_insert_point(markup, node), declarations);
        }
    }
    return markup;
}

std::string node_content(xmlNodePtr node)
{
    if ((node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE || node->type == XML_COMMENT_NODE) &&
        node->content != nullptr) {
        return reinterpret_cast<const char*>(node->content);
    }
    xmlChar* content = xmlNodeGetContent(node);
    if (content == nullptr) {
        return {};
    }
    std::string out(reinterpret_cast<const char*>(content));
    xmlFree(content);
    return out;
}

std::string qualified_name(xmlNodePtr node)
{
    if (node->name == nullptr) {
        return {};
    }
    std::string name;
    if (node->ns != nullptr && node->ns->prefix != nullptr) {
        name = reinterpret_cast<const char*>(node->ns->prefix);
        name.push_back(':');
    }
    name += reinterpret_cast<const char*>(node->name);
    return name;
}

} // namespace trawl::detail
