// Running libxml2's parsers under our limits (see parse_limits.hpp).

#include "select/parse_guard.hpp"
#include "select/parse_limits.hpp"

#include <libxml/HTMLparser.h>
#include <libxml/entities.h>
#include <libxml/parser.h>

#include <fmt/format.h>

#include <cstdint>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <unordered_map>

namespace trawl::detail {
namespace {

struct DocDeleter {
    void operator()(xmlDocPtr doc) const { xmlFreeDoc(doc); }
};
using DocPtr = std::unique_ptr<xmlDoc, DocDeleter>;

struct ContextDeleter {
    void operator()(xmlParserCtxtPtr ctxt) const { xmlFreeParserCtxt(ctxt); }
};
using ContextPtr = std::unique_ptr<xmlParserCtxt, ContextDeleter>;

/// What the SAX hooks of the HTML parse on this thread count. Thread-local,
/// not ctxt->_private: the read functions reset the context they are given.
struct HtmlGuard {
    startElementSAXFunc start_element = nullptr;
    std::uint64_t scanned = 0;
    std::string failure;
};
thread_local HtmlGuard* html_guard = nullptr;

/// Set by the XML parse's error handler: libxml2 reports amplification in
/// an attribute value without halting, so the flag is the only trace.
thread_local bool xml_entity_loop = false;

void record_xml_error(void*, xmlErrorPtr error)
{
    if (error != nullptr && error->code == XML_ERR_ENTITY_LOOP) {
        xml_entity_loop = true;
    }
}

void stop(xmlParserCtxtPtr ctxt, HtmlGuard& guard, std::string why)
{
    if (guard.failure.empty()) {
        guard.failure = std::move(why);
        xmlStopParser(ctxt);
    }
}

void guarded_start_element(void* ctx, const xmlChar* name, const xmlChar** attributes)
{
    auto* ctxt = static_cast<xmlParserCtxtPtr>(ctx);
    HtmlGuard& guard = *html_guard;
    // The element is built first, so the tree stays consistent when we stop.
    guard.start_element(ctx, name, attributes);
    if (ctxt->nameNr > max_html_depth) {
        stop(ctxt, guard,
             fmt::format("HTML document nested deeper than the selector limit of {} elements", max_html_depth));
    }
}

// libxml2 has just scanned every open element for the stray end tag it
// reports here (htmlParseEndTag): charge that work.
void counting_error(void* ctx, const char*, ...)
{
    auto* ctxt = static_cast<xmlParserCtxtPtr>(ctx);
    HtmlGuard& guard = *html_guard;
    if (ctxt->errNo != XML_ERR_TAG_NAME_MISMATCH) {
        return;
    }
    guard.scanned += static_cast<std::uint64_t>(ctxt->nameNr) + 1;
    if (guard.scanned > max_end_tag_scan) {
        stop(ctxt, guard,
             fmt::format("HTML document has too many stray end tags below {} open elements (the selector limit "
                         "is {} open elements searched)",
                         ctxt->nameNr, max_end_tag_scan));
    }
}

std::string trimmed_message(const xmlError& error)
{
    std::string message = error.message != nullptr ? error.message : "unknown error";
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
        message.pop_back();
    }
    return message;
}

/// Node-by-node walk of the subtree list starting at `first`, whose parent
/// is `top`, without recursion. Entity references are visited, never
/// entered (their children point at the entity declaration).
template <typename Visit>
void walk(xmlNodePtr first, const void* top, Visit visit)
{
    xmlNodePtr node = first;
    while (node != nullptr) {
        visit(node);
        if (node->type == XML_ELEMENT_NODE) {
            for (xmlAttrPtr a = node->properties; a != nullptr; a = a->next) {
                for (xmlNodePtr v = a->children; v != nullptr; v = v->next) {
                    visit(v);
                }
            }
        }
        if (node->type == XML_ELEMENT_NODE && node->children != nullptr) {
            node = node->children;
            continue;
        }
        while (node != nullptr && node->next == nullptr) {
            node = node->parent;
            if (static_cast<const void*>(node) == top) {
                node = nullptr;
            }
        }
        if (node != nullptr) {
            node = node->next;
        }
    }
}

constexpr std::size_t unbounded = static_cast<std::size_t>(-1);

std::size_t saturating_add(std::size_t a, std::size_t b) { return a > unbounded - b ? unbounded : a + b; }

/// Expanded text sizes of entities, memoised: a reference costs its
/// entity's size, whatever the entity's own references add up to.
class EntitySizes {
public:
    explicit EntitySizes(xmlDocPtr doc) : doc_(doc) {}

    std::size_t of_reference(xmlNodePtr reference) { return of(xmlGetDocEntity(doc_, reference->name), 0); }

private:
    // Entity nesting is bounded by libxml2 (40 levels without HUGE); this
    // bound keeps the recursion shallow whatever the parser allowed.
    static constexpr int max_nesting = 64;

    std::size_t of(xmlEntityPtr entity, int nesting)
    {
        if (entity == nullptr || entity->children == nullptr) {
            return 0;
        }
        if (nesting > max_nesting) {
            return unbounded;
        }
        const auto [it, inserted] = sizes_.try_emplace(entity, unbounded); // a cycle counts as unbounded
        if (!inserted) {
            return it->second;
        }
        std::size_t total = 0;
        walk(entity->children, entity, [&](xmlNodePtr node) {
            if (total == unbounded) {
                return;
            }
            if (node->type == XML_ENTITY_REF_NODE) {
                total = saturating_add(total, of(xmlGetDocEntity(doc_, node->name), nesting + 1));
            } else if ((node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE) &&
                       node->content != nullptr) {
                total = saturating_add(total, static_cast<std::size_t>(xmlStrlen(node->content)));
            }
        });
        sizes_[entity] = total;
        return total;
    }

    xmlDocPtr doc_;
    std::unordered_map<xmlEntityPtr, std::size_t> sizes_;
};

} // namespace

xmlDocPtr read_html_guarded(std::string_view text, const char* url, const char* encoding, int options)
{
    ContextPtr ctxt(htmlNewParserCtxt());
    if (!ctxt || ctxt->sax == nullptr) {
        throw std::bad_alloc();
    }
    HtmlGuard guard;
    guard.start_element = ctxt->sax->startElement;
    ctxt->sax->startElement = guarded_start_element;
    ctxt->sax->error = counting_error;
    html_guard = &guard;
    DocPtr doc(htmlCtxtReadMemory(ctxt.get(), text.data(), static_cast<int>(text.size()), url, encoding, options));
    html_guard = nullptr;
    if (!guard.failure.empty()) {
        throw std::length_error(guard.failure);
    }
    return doc.release();
}

xmlDocPtr read_xml_guarded(std::string_view text, const char* url, const char* encoding, int options)
{
    ContextPtr ctxt(xmlNewParserCtxt());
    if (!ctxt || ctxt->sax == nullptr) {
        throw std::bad_alloc();
    }
    ctxt->sax->serror = record_xml_error; // not touched by the options, unlike sax->error
    xml_entity_loop = false;
    DocPtr doc(xmlCtxtReadMemory(ctxt.get(), text.data(), static_cast<int>(text.size()), url, encoding, options));
    if (xml_entity_loop) {
        throw std::length_error(
            "XML entities expand past libxml2's amplification limit (entity loop or \"billion laughs\")");
    }
    // With XML_PARSE_RECOVER only xmlHaltParser() disables SAX: libxml2 hit
    // one of its limits and what it built so far is a fragment.
    if (ctxt->disableSAX != 0) {
        const std::string message = trimmed_message(ctxt->lastError);
        if (message.starts_with("Excessive depth")) {
            throw std::length_error(
                fmt::format("XML document nested deeper than libxml2's limit of {} elements", max_xml_depth));
        }
        throw std::length_error(fmt::format("XML document stopped at a libxml2 limit: {}", message));
    }
    return doc.release();
}

void check_entity_expansion(xmlDocPtr doc)
{
    if (doc == nullptr || (doc->intSubset == nullptr && doc->extSubset == nullptr)) {
        return; // no declarations, so no reference can expand
    }
    EntitySizes sizes(doc);
    std::size_t total = 0;
    walk(doc->children, doc, [&](xmlNodePtr node) {
        if (node->type == XML_ENTITY_REF_NODE && total <= max_entity_expansion) {
            total = saturating_add(total, sizes.of_reference(node));
        }
    });
    if (total > max_entity_expansion) {
        throw std::length_error(fmt::format("XML entity references expand to more than the selector limit of {} bytes",
                                            max_entity_expansion));
    }
}

} // namespace trawl::detail
