// LinkExtractor's candidates from a parsed tree (response.selector()): what
// it needs for restrict_xpaths, restrict_css and tags or attributes the
// scanner does not know.

#include "links/link_extractor_impl.hpp"

#include <trawl/selector.hpp>

#include <fmt/format.h>

#include "core/ascii.hpp"

#include <algorithm>
#include <stdexcept>

namespace trawl::links::detail {

namespace {

bool contains(const std::vector<std::string>& names, std::string_view name)
{
    return std::find(names.begin(), names.end(), name) != names.end();
}

// Elements below (and including) the context node whose local name is one
// of `tags`, in document order. local-name() lets an XHTML document parsed
// as XML match too (Scrapy strips the XHTML namespace from tag names). A
// name with a quote in it travels as an XPath variable instead of a
// literal (variables cost a lookup per node).
std::pair<std::string, XPathVariables> tag_query(const std::vector<std::string>& tags)
{
    std::string query = "descendant-or-self::*[";
    XPathVariables variables;
    for (std::size_t i = 0; i < tags.size(); ++i) {
        query += i == 0 ? "" : " or ";
        if (tags[i].find_first_of("'\"") == std::string::npos) {
            query += fmt::format("local-name()='{}'", tags[i]);
        } else {
            const auto name = fmt::format("t{}", i);
            query += fmt::format("local-name()=${}", name);
            variables.emplace_back(name, tags[i]);
        }
    }
    query += ']';
    return {std::move(query), std::move(variables)};
}

void collect(const Selector& element, const TreeQuery& query, std::vector<Candidate>& out)
{
    std::optional<std::string> text;  // computed once per element, if it has a link
    std::optional<std::string> rel;
    for (auto& [name, value] : element.attributes()) {
        if (!contains(query.attrs, trawl::detail::ascii_lower(name))) {
            continue;
        }
        if (!text) {
            text = element.text_content();
            rel = element.attrib("rel");
        }
        Candidate candidate;
        candidate.value = std::move(value);
        candidate.text = *text;
        candidate.rel = rel.value_or("");
        out.push_back(std::move(candidate));
    }
}

} // namespace

void check_tree_query(const TreeQuery& query)
{
    // Compiling happens on first use: run each query on an empty document.
    const auto empty = Selector::from_html("<html></html>");
    for (const auto& xpath : query.restrict_xpaths) {
        try {
            (void)empty.xpath(xpath);
        } catch (const SelectorError& e) {
            throw std::invalid_argument(fmt::format("LinkExtractor: invalid restrict_xpaths '{}': {}", xpath, e.what()));
        }
    }
    for (const auto& css : query.restrict_css) {
        try {
            (void)empty.css(css);
        } catch (const SelectorError& e) {
            throw std::invalid_argument(fmt::format("LinkExtractor: invalid restrict_css '{}': {}", css, e.what()));
        }
    }
}

std::vector<Candidate> tree_candidates(const Response& response, const TreeQuery& query,
                                       std::optional<std::string>& base_href)
{
    std::vector<Candidate> out;
    if (query.tags.empty() || query.attrs.empty()) {
        return out;
    }
    const Selector root = response.selector();
    base_href = root.xpath("(//*[local-name()='base'][@href])[1]/@href").get();
    SelectorList scopes;
    if (query.restrict_xpaths.empty() && query.restrict_css.empty()) {
        scopes.push_back(root);
    }
    for (const auto& xpath : query.restrict_xpaths) {
        auto found = root.xpath(xpath);
        scopes.insert(scopes.end(), found.begin(), found.end());
    }
    for (const auto& css : query.restrict_css) {
        auto found = root.css(css);
        scopes.insert(scopes.end(), found.begin(), found.end());
    }
    const auto [elements_query, variables] = tag_query(query.tags);
    for (const auto& scope : scopes) {
        // Text, attribute and value results hold no elements to look in.
        if (scope.kind() != SelectorKind::element) {
            continue;
        }
        for (const auto& element : scope.xpath(elements_query, variables)) {
            collect(element, query, out);
        }
    }
    return out;
}

} // namespace trawl::links::detail
