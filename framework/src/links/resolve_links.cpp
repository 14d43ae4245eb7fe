// Turning scanned hrefs into URLs a crawler can request.

#include <trawl/html_links.hpp>
#include <trawl/url.hpp>

#include <unordered_set>

namespace trawl {

namespace {

char to_lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c; }

bool istarts_with(std::string_view s, std::string_view lower_prefix) noexcept
{
    if (s.size() < lower_prefix.size()) {
        return false;
    }
    for (std::size_t i = 0; i < lower_prefix.size(); ++i) {
        if (to_lower(s[i]) != lower_prefix[i]) {
            return false;
        }
    }
    return true;
}

bool is_http(std::string_view url) noexcept { return istarts_with(url, "http://") || istarts_with(url, "https://"); }

// The scheme an href is written with ("" if it is relative), as a URL
// parser reads it: a letter, then letters, digits, '+', '-' or '.', then ':'.
std::string_view written_scheme(std::string_view href) noexcept
{
    if (href.empty() || !((href[0] >= 'a' && href[0] <= 'z') || (href[0] >= 'A' && href[0] <= 'Z'))) {
        return {};
    }
    for (std::size_t i = 1; i < href.size(); ++i) {
        const char c = href[i];
        if (c == ':') {
            return href.substr(0, i);
        }
        const bool scheme_char = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                                 c == '+' || c == '-' || c == '.';
        if (!scheme_char) {
            return {};
        }
    }
    return {};
}

// A cheap early reject: javascript:, mailto:, tel:, data: ... never
// become http(s) URLs, so they need no joining. (The joined URL is checked
// again: this only saves work.)
bool surely_not_http(std::string_view href) noexcept
{
    const auto scheme = written_scheme(href);
    return !scheme.empty() && !istarts_with(scheme, "http");
}

} // namespace

std::vector<std::string> resolve_links(const PageLinks& page, std::string_view page_url)
{
    std::string base{page_url};
    if (page.base_href && !page.base_href->empty()) {
        // The HTML standard falls back to the document's URL when <base
        // href> does not parse or names a javascript: or data: URL.
        if (auto joined = urljoin(page_url, *page.base_href);
            joined && !istarts_with(*joined, "javascript:") && !istarts_with(*joined, "data:")) {
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
        if (!is_http(url)) {
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
