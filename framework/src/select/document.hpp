#pragma once
// The parsed document behind every Selector, and the only place that calls
// libxml2's parsers.

#include <trawl/selector.hpp>

#include "select/parse_stats.hpp"

#include <libxml/tree.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace trawl::detail {

struct SelectorDocument {
    SelectorDocument(xmlDocPtr doc_, bool html_, std::string base_url_)
        : doc(doc_), html(html_), base_url(std::move(base_url_))
    {
    }
    ~SelectorDocument();
    SelectorDocument(const SelectorDocument&) = delete;
    SelectorDocument& operator=(const SelectorDocument&) = delete;

    xmlDocPtr doc;        ///< owned; never modified after parsing
    bool html;            ///< parsed as HTML (CSS gets HTML semantics)
    std::string base_url;
};

/// Parses `bytes` as HTML. `encoding` is a charset label (nullptr or unknown
/// = UTF-8). `known_valid_utf8`: `bytes` are valid UTF-8 (Response::text()
/// is, by construction), so they are not validated again. Throws
/// std::length_error above Selector::max_document_size or at one of the
/// limits of parse_limits.hpp.
std::shared_ptr<const SelectorDocument> parse_html_document(std::string_view bytes, const char* encoding,
                                                            std::string base_url, bool known_valid_utf8 = false);
/// Parses `bytes` as XML. `encoding` nullptr = what the document declares.
std::shared_ptr<const SelectorDocument> parse_xml_document(std::string_view bytes, const char* encoding,
                                                           std::string base_url, bool known_valid_utf8 = false);

/// Makes sure libxml2's global state is set up (once, thread-safely).
void init_libxml();

/// Builds and inspects Selectors; the only code that sees their members.
struct SelectorAccess {
    static Selector root(std::shared_ptr<const SelectorDocument> document);
    static Selector node(const Selector& origin, xmlNodePtr node, SelectorKind kind);
    static Selector value(const Selector& origin, std::string value);

    static const SelectorDocument* document(const Selector& s) { return s.document_.get(); }
    static xmlNodePtr node_of(const Selector& s) { return s.node_; }
    static const Selector::Namespaces* namespaces(const Selector& s) { return s.namespaces_.get(); }
};

} // namespace trawl::detail
