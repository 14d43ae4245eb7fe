// Turning scanned hrefs into URLs a crawler can request.

#include "core/ascii.hpp"
#include "links/link_parts.hpp"

#include <trawl/html_links.hpp>
#include <trawl/url.hpp>

#include <unordered_set>

namespace trawl {

namespace {

// A cheap early reject: javascript:, mailto:, tel:, data: ... never
// become http(s) URLs, so they need no joining. (The joined URL is checked
// again: this only saves work.)
bool surely_not_http(std::string_view href) noexcept
{
    const auto scheme = links::detail::written_scheme(href);
    return !scheme.empty() && !detail::starts_with_ignoring_case(scheme, "http");
}

} // namespace

std::vector<std::string> resolve_links(const PageLinks& page, std::string_view page_url)
{
    std::string base{page_url};
    if (page.base_href && !page.base_href->empty()) {
        // The HTML standard falls back to the document's URL when <base
        // href> does not parse or names a javascript: or data: URL.
        if (auto joined = urljoin(page_url, *page.base_href);
            joined && !detail::starts_with_ignoring_case(*joined, "javascript:") && !detail::starts_with_ignoring_case(*joined, "data:")) {
            base = std::move(*joined);
        }
    }

    std::vector<std::string> out;
    // Reserved up front: `seen` points into these strings, which must not
    // move.
    out.reserve(page.hrefs.size());
    std::unordered_set<std::string_view> seen;
    seen.reserve(page.hrefs.size());
    for (const auto& href : page.hrefs) {
        if (href.empty() || surely_not_http(href)) {
            continue;
        }
        auto joined = urljoin(base, href);
        if (!joined) {
            continue;
        }
        std::string& url = *joined;
        if (const auto hash = url.find('#'); hash != std::string::npos) {
            url.resize(hash);
        }
        if (!has_http_scheme(url)) {
            continue;
        }
        out.push_back(std::move(url));
        if (!seen.insert(out.back()).second) {
            out.pop_back();
        }
    }
    return out;
}

} // namespace trawl
