// Selector and SelectorList: the parsel-like surface over the document,
// query and regex modules.

#include <trawl/selector.hpp>

#include "select/document.hpp"
#include "select/node_text.hpp"
#include "select/regex.hpp"
#include "select/xpath_eval.hpp"

#include <libxml/tree.h>

#include <cctype>

namespace trawl {
namespace {

using detail::SelectorAccess;

bool equal_ignoring_case(std::string_view a, std::string_view b)
{
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) {
            return false;
        }
    }
    return true;
}

bool is_element(const Selector& s)
{
    const xmlNodePtr node = SelectorAccess::node_of(s);
    return node != nullptr && node->type == XML_ELEMENT_NODE;
}

} // namespace

SelectorError::SelectorError(const std::string& message, std::string query, std::size_t position)
    : std::invalid_argument(message), query_(std::move(query)), position_(position)
{
}

Selector::Selector() = default;

Selector Selector::from_html(std::string_view html, std::string base_url)
{
    return SelectorAccess::root(detail::parse_html_document(html, "UTF-8", std::move(base_url)));
}

Selector Selector::from_xml(std::string_view xml, std::string base_url)
{
    return SelectorAccess::root(detail::parse_xml_document(xml, "UTF-8", std::move(base_url)));
}

SelectorList Selector::css(std::string_view query) const
{
    SelectorList out;
    detail::evaluate_query(out, *this, detail::QueryLanguage::css, query, nullptr);
    return out;
}

SelectorList Selector::xpath(std::string_view query) const
{
    SelectorList out;
    detail::evaluate_query(out, *this, detail::QueryLanguage::xpath, query, nullptr);
    return out;
}

SelectorList Selector::xpath(std::string_view query, const XPathVariables& variables) const
{
    SelectorList out;
    detail::evaluate_query(out, *this, detail::QueryLanguage::xpath, query, &variables);
    return out;
}

std::string Selector::get() const
{
    switch (kind_) {
    case SelectorKind::value:
        return value_;
    case SelectorKind::text:
    case SelectorKind::attribute:
        return detail::node_content(node_);
    case SelectorKind::element:
        break;
    }
    return detail::serialize_node(document_->doc, node_, document_->html);
}

std::vector<std::string> Selector::getall() const { return {get()}; }

std::optional<std::string> Selector::attrib(std::string_view name) const
{
    if (!is_element(*this)) {
        return std::nullopt;
    }
    const bool html = document_->html;
    for (xmlAttrPtr a = node_->properties; a != nullptr; a = a->next) {
        auto* node = reinterpret_cast<xmlNodePtr>(a);
        const std::string qualified = detail::qualified_name(node);
        const std::string_view local = reinterpret_cast<const char*>(a->name);
        const bool match = html ? equal_ignoring_case(qualified, name) || equal_ignoring_case(local, name)
                                : qualified == name || local == name;
        if (match) {
            return detail::node_content(reinterpret_cast<xmlNodePtr>(a));
        }
    }
    return std::nullopt;
}

std::vector<std::pair<std::string, std::string>> Selector::attributes() const
{
    std::vector<std::pair<std::string, std::string>> out;
    if (!is_element(*this)) {
        return out;
    }
    for (xmlAttrPtr a = node_->properties; a != nullptr; a = a->next) {
        auto* node = reinterpret_cast<xmlNodePtr>(a);
        out.emplace_back(detail::qualified_name(node), detail::node_content(node));
    }
    return out;
}

std::string Selector::text_content() const
{
    if (kind_ == SelectorKind::value) {
        return value_;
    }
    return detail::node_content(node_);
}

std::string Selector::name() const
{
    if (node_ == nullptr || (node_->type != XML_ELEMENT_NODE && node_->type != XML_ATTRIBUTE_NODE)) {
        return {};
    }
    return detail::qualified_name(node_);
}

std::vector<std::string> Selector::re(std::string_view pattern, bool replace_entities) const
{
    return detail::regex_extract(pattern, get(), replace_entities);
}

std::optional<std::string> Selector::re_first(std::string_view pattern, bool replace_entities) const
{
    auto found = detail::regex_extract(pattern, get(), replace_entities, 1);
    if (found.empty()) {
        return std::nullopt;
    }
    return std::move(found.front());
}

bool Selector::is_html() const noexcept { return document_ == nullptr || document_->html; }

const std::string& Selector::base_url() const noexcept
{
    static const std::string none;
    return document_ != nullptr ? document_->base_url : none;
}

void Selector::register_namespace(std::string prefix, std::string uri)
{
    auto updated = namespaces_ ? std::make_shared<Namespaces>(*namespaces_) : std::make_shared<Namespaces>();
    for (auto& [p, u] : *updated) {
        if (p == prefix) {
            u = std::move(uri);
            namespaces_ = std::move(updated);
            return;
        }
    }
    updated->emplace_back(std::move(prefix), std::move(uri));
    namespaces_ = std::move(updated);
}

SelectorList SelectorList::css(std::string_view query) const
{
    SelectorList out;
    for (const auto& s : *this) {
        detail::evaluate_query(out, s, detail::QueryLanguage::css, query, nullptr);
    }
    return out;
}

SelectorList SelectorList::xpath(std::string_view query) const
{
    SelectorList out;
    for (const auto& s : *this) {
        detail::evaluate_query(out, s, detail::QueryLanguage::xpath, query, nullptr);
    }
    return out;
}

SelectorList SelectorList::xpath(std::string_view query, const XPathVariables& variables) const
{
    SelectorList out;
    for (const auto& s : *this) {
        detail::evaluate_query(out, s, detail::QueryLanguage::xpath, query, &variables);
    }
    return out;
}

std::optional<std::string> SelectorList::get() const
{
    if (empty()) {
        return std::nullopt;
    }
    return front().get();
}

std::vector<std::string> SelectorList::getall() const
{
    std::vector<std::string> out;
    out.reserve(size());
    for (const auto& s : *this) {
        out.push_back(s.get());
    }
    return out;
}

std::optional<std::string> SelectorList::attrib(std::string_view name) const
{
    if (empty()) {
        return std::nullopt;
    }
    return front().attrib(name);
}

std::vector<std::string> SelectorList::re(std::string_view pattern, bool replace_entities) const
{
    std::vector<std::string> out;
    for (const auto& s : *this) {
        auto found = s.re(pattern, replace_entities);
        out.insert(out.end(), std::make_move_iterator(found.begin()), std::make_move_iterator(found.end()));
    }
    return out;
}

std::optional<std::string> SelectorList::re_first(std::string_view pattern, bool replace_entities) const
{
    for (const auto& s : *this) {
        if (auto found = s.re_first(pattern, replace_entities)) {
            return found;
        }
    }
    return std::nullopt;
}

} // namespace trawl
