#pragma once
// LinkExtractor's compiled state and the two ways it finds candidate links:
// the streaming scanner (link_extractor.cpp) and a selector tree
// (link_extractor_tree.cpp).

#include <trawl/link_extractor.hpp>
#include <trawl/regex.hpp>

#include <optional>
#include <string>
#include <vector>

namespace trawl::links::detail {

/// A link as found in the page, before it is resolved and filtered.
struct Candidate {
    std::string value;  ///< the attribute's value, references decoded
    std::string text;   ///< the element's text, as written
    std::string rel;    ///< its rel attribute ("" when absent)
};

/// Where to look for links in a tree: below each element the restricting
/// queries select, XPath queries first, then CSS (the whole document when
/// there are none), in elements named in `tags` and attributes named in
/// `attrs` (lower case).
struct TreeQuery {
    std::vector<std::string> restrict_xpaths;
    std::vector<std::string> restrict_css;
    std::vector<std::string> tags;
    std::vector<std::string> attrs;
};

/// The candidates of `response`, in document order for each selected
/// element, one selected element after another (an element selected twice
/// gives its links twice: unique drops them later, as in Scrapy). The
/// first <base href> of the tree goes to `base_href`: the tree may see one
/// the scanner does not (libxml2 does not read <title> as raw text, so an
/// unclosed one hides nothing from it).
std::vector<Candidate> tree_candidates(const Response& response, const TreeQuery& query,
                                       std::optional<std::string>& base_href);

/// Throws std::invalid_argument naming the option when an XPath or CSS
/// query of `query` does not compile.
void check_tree_query(const TreeQuery& query);

} // namespace trawl::links::detail
