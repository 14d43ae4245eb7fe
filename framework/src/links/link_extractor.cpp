// LinkExtractor: candidates from the scanner (or a tree), then Scrapy's
// pipeline per link: resolve, filter, canonicalize, drop repeats.

#include <trawl/link_extractor.hpp>

#include "links/link_extractor_impl.hpp"
#include "links/link_parts.hpp"

#include "core/ascii.hpp"

#include <trawl/html_links.hpp>
#include <trawl/url.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <deque>
#include <functional>
#include <stdexcept>
#include <unordered_set>

namespace trawl {

namespace {

using links::detail::Candidate;
using links::detail::has_nofollow;
using links::detail::host_in;
using links::detail::is_ascii;
using links::detail::is_kept_scheme;
using links::detail::is_unreserved;
using links::detail::joined_host;
using links::detail::kept_url;
using links::detail::StringHash;
using links::detail::strip_html_space;
using links::detail::strip_text;
using links::detail::url_path;
using links::detail::written_scheme;

std::vector<Regex> compile(const std::vector<std::string>& patterns, std::string_view option)
{
    std::vector<Regex> out;
    for (const auto& pattern : patterns) {
        try {
            out.emplace_back(pattern);
        } catch (const RegexError& e) {
            throw std::invalid_argument(
                fmt::format("LinkExtractor: invalid {} regular expression '{}': {}", option, pattern, e.what()));
        }
    }
    return out;
}

// A hostile URL or text can push a pattern past its backtracking limit:
// that link counts as matched, for deny (it is dropped), and as not
// matched, for allow and restrict_text (dropped too).
bool any_search(const std::vector<Regex>& patterns, std::string_view text, bool on_error)
{
    for (const auto& pattern : patterns) {
        try {
            if (pattern.search(text)) {
                return true;
            }
        } catch (const RegexError&) {
            return on_error;
        }
    }
    return false;
}

// What one extract_links call knows about the page.
struct PageContext {
    std::string_view response_url;
    std::string base;
    std::string encoding;  ///< for queries; "" = UTF-8
};

} // namespace

const std::vector<std::string>& ignored_extensions()
{
    static const std::vector<std::string> extensions{
        // archives
        "7z", "7zip", "bz2", "rar", "tar", "tar.gz", "xz", "zip",
        // images
        "mng", "pct", "bmp", "gif", "jpg", "jpeg", "png", "pst", "psp", "tif", "tiff", "ai", "drw", "dxf", "eps",
        "ps", "svg", "cdr", "ico",
        // audio
        "mp3", "wma", "ogg", "wav", "ra", "aac", "mid", "au", "aiff",
        // video
        "3gp", "asf", "asx", "avi", "mov", "mp4", "mpg", "qt", "rm", "swf", "wmv", "m4a", "m4v", "flv", "webm",
        // office suites
        "xls", "xlsx", "ppt", "pptx", "pps", "doc", "docx", "odt", "ods", "odg", "odp",
        // other
        "css", "pdf", "exe", "bin", "rss", "dmg", "iso", "apk"};
    return extensions;
}

struct LinkExtractor::Impl {
    Options options;
    std::vector<Regex> allow;
    std::vector<Regex> deny;
    std::vector<Regex> restrict_text;
    std::vector<std::string> allow_domains;  // lower case
    std::vector<std::string> deny_domains;
    // "pdf", "tar.gz": lower case, without the leading dot.
    std::unordered_set<std::string, StringHash, std::equal_to<>> deny_extensions;
    links::detail::TreeQuery tree;
    // The scanner finds the candidates: default attrs, tags among a and
    // area, nothing to restrict to.
    bool scan = false;
    bool scan_a = false;
    bool scan_area = false;

    explicit Impl(Options o) : options(std::move(o))
    {
        allow = compile(options.allow, "allow");
        deny = compile(options.deny, "deny");
        restrict_text = compile(options.restrict_text, "restrict_text");
        for (const auto& domain : options.allow_domains) {
            allow_domains.push_back(trawl::detail::ascii_lower(domain));
        }
        for (const auto& domain : options.deny_domains) {
            deny_domains.push_back(trawl::detail::ascii_lower(domain));
        }
        for (const auto& extension : options.deny_extensions.value_or(ignored_extensions())) {
            deny_extensions.insert(trawl::detail::ascii_lower(extension));
        }
        tree.restrict_xpaths = options.restrict_xpaths;
        tree.restrict_css = options.restrict_css;
        for (const auto& tag : options.tags) {
            tree.tags.push_back(trawl::detail::ascii_lower(tag));
        }
        for (const auto& attr : options.attrs) {
            tree.attrs.push_back(trawl::detail::ascii_lower(attr));
        }
        links::detail::check_tree_query(tree);

        scan = tree.restrict_xpaths.empty() && tree.restrict_css.empty() &&
               std::all_of(tree.attrs.begin(), tree.attrs.end(), [](const auto& a) { return a == "href"; }) &&
               std::all_of(tree.tags.begin(), tree.tags.end(), [](const auto& t) { return t == "a" || t == "area"; });
        scan_a = std::find(tree.tags.begin(), tree.tags.end(), "a") != tree.tags.end();
        scan_area = std::find(tree.tags.begin(), tree.tags.end(), "area") != tree.tags.end();
        if (tree.attrs.empty()) {
            scan_a = scan_area = false;
        }
    }

    /// `value` resolved against `base`. Outside UTF-8 pages, non-ASCII
    /// text is percent-encoded first, so that the query takes the page's
    /// encoding (urljoin itself writes UTF-8).
    std::optional<std::string> join(const PageContext& page, std::string_view base, std::string_view value) const
    {
        std::string encoded;
        if (!page.encoding.empty() && !is_ascii(value)) {
            try {
                auto safe = safe_url_string(value, SafeUrlOptions{.encoding = page.encoding});
                if (!safe) {
                    return std::nullopt;
                }
                encoded = std::move(*safe);
                value = encoded;
            } catch (const std::invalid_argument&) {
                // An encoding iconv lacks: UTF-8 it is.
            }
        }
        auto joined = urljoin(base, value);
        if (!joined) {
            return std::nullopt;
        }
        return std::move(*joined);
    }

    // Scrapy's url_has_any_extension: the path ends with "." + one of
    // them, any case. Each '.' of the last segment may start one (an
    // extension can hold a dot: "tar.gz").
    bool has_denied_extension(std::string_view path) const
    {
        const auto last_slash = path.rfind('/');
        const auto segment = last_slash == std::string_view::npos ? path : path.substr(last_slash + 1);
        std::string tail;
        for (auto dot = segment.rfind('.'); dot != std::string_view::npos; dot = segment.rfind('.', dot - 1)) {
            tail = trawl::detail::ascii_lower(segment.substr(dot + 1));
            if (deny_extensions.contains(std::string_view(tail))) {
                return true;
            }
            if (dot == 0) {
                break;
            }
        }
        return false;
    }

    bool allowed(const Link& link) const
    {
        if (!allow.empty() && !any_search(allow, link.url, false)) {
            return false;
        }
        if (!deny.empty() && any_search(deny, link.url, true)) {
            return false;
        }
        if (!allow_domains.empty() || !deny_domains.empty()) {
            const auto host = joined_host(link.url);
            if (!allow_domains.empty() && (host.empty() || !host_in(host, allow_domains))) {
                return false;
            }
            if (!deny_domains.empty() && host_in(host, deny_domains)) {
                return false;
            }
        }
        if (!deny_extensions.empty() && has_denied_extension(url_path(link.url))) {
            return false;
        }
        return restrict_text.empty() || any_search(restrict_text, link.text, false);
    }

    /// Steps 2 and 3 for one candidate; nullopt when it is dropped.
    std::optional<Link> make_link(const PageContext& page, Candidate& candidate) const
    {
        std::string_view value = candidate.value;
        if (options.strip) {
            value = strip_html_space(value);
        }
        std::optional<std::string> url;
        if (options.process_value) {
            auto joined = join(page, page.base, value);
            if (!joined) {
                return std::nullopt;
            }
            auto processed = options.process_value(*joined);
            if (!processed) {
                return std::nullopt;
            }
            url = join(page, page.response_url, *processed);
        } else {
            // javascript:, mailto:, data: ... need no joining to be dropped.
            if (const auto scheme = written_scheme(value); !scheme.empty() && !is_kept_scheme(scheme)) {
                return std::nullopt;
            }
            url = join(page, page.base, value);
        }
        if (!url || !kept_url(*url)) {
            return std::nullopt;
        }
        Link link;
        if (const auto hash = url->find('#'); hash != std::string::npos) {
            link.fragment = url->substr(hash + 1);
            url->resize(hash);
        }
        link.url = std::move(*url);
        link.text = strip_text(std::move(candidate.text));
        if (!allowed(link)) {
            return std::nullopt;
        }
        link.nofollow = has_nofollow(candidate.rel);
        if (options.canonicalize) {
            link.url = canonicalize_url(link.url);
        }
        return link;
    }

    /// What step 4 compares: `link`'s URL itself when that is its
    /// canonical form (nullopt), else the canonical form.
    std::optional<std::string> unique_key(const Link& link) const
    {
        if (options.canonicalize) {
            return std::nullopt;
        }
        // What urljoin writes is already canonical when there is no query
        // to sort and no escape to normalise: skip the work.
        const bool plain = std::none_of(link.url.begin(), link.url.end(), [](char c) { return c == '?' || c == '%'; }) &&
                           std::all_of(link.fragment.begin(), link.fragment.end(), is_unreserved);
        if (link.fragment.empty()) {
            return plain ? std::nullopt : std::optional<std::string>(canonicalize_url(link.url));
        }
        std::string url = link.url + '#' + link.fragment;
        return plain ? url : canonicalize_url(url, CanonicalizeOptions{.keep_fragments = true});
    }

    std::vector<Candidate> scanned_candidates(std::string_view html, std::optional<std::string>& base_href) const
    {
        auto page = scan_links(html, ScanOptions{.link_details = true});
        base_href = std::move(page.base_href);
        std::vector<Candidate> out;
        out.reserve(page.hrefs.size());
        for (std::size_t i = 0; i < page.hrefs.size(); ++i) {
            auto& details = page.details[i];
            if (!(details.tag == "a" ? scan_a : scan_area)) {
                continue;
            }
            Candidate candidate;
            candidate.value = std::move(page.hrefs[i]);
            candidate.text = std::move(details.text);
            candidate.rel = std::move(details.rel);
            out.push_back(std::move(candidate));
        }
        return out;
    }
};

LinkExtractor::LinkExtractor() : LinkExtractor(Options{}) {}

LinkExtractor::LinkExtractor(Options options) : impl_(std::make_shared<const Impl>(std::move(options))) {}

const LinkExtractor::Options& LinkExtractor::options() const noexcept { return impl_->options; }

std::vector<Link> LinkExtractor::extract_links(const Response& response) const
{
    const Impl& impl = *impl_;
    PageContext page;
    page.response_url = response.url();
    if (const auto encoding = response.encoding(); !trawl::detail::starts_with_ignoring_case(encoding, "utf-")) {
        page.encoding = std::string(encoding);
    }

    std::optional<std::string> base_href;
    std::vector<Candidate> candidates;
    if (impl.scan) {
        // Scanned as the text Scrapy sees (UTF-8, whatever the page's encoding).
        candidates = impl.scanned_candidates(response.text(), base_href);
    } else {
        candidates = links::detail::tree_candidates(response, impl.tree, base_href);
    }

    page.base = response.url();
    if (base_href && !base_href->empty()) {
        // As browsers: a <base href> that does not resolve, or names a
        // javascript: or data: URL, leaves the document's URL in charge.
        if (auto joined = impl.join(page, page.response_url, *base_href);
            joined && !trawl::detail::starts_with_ignoring_case(*joined, "javascript:") && !trawl::detail::starts_with_ignoring_case(*joined, "data:")) {
            page.base = std::move(*joined);
        }
    }

    // Reserved up front: `seen` views the URLs in `out`, which must not
    // move; keys that are not a link's URL live in `keys`.
    std::vector<Link> out;
    out.reserve(candidates.size());
    std::unordered_set<std::string_view> seen;
    std::deque<std::string> keys;
    seen.reserve(impl.options.unique ? candidates.size() : 0);
    for (auto& candidate : candidates) {
        auto link = impl.make_link(page, candidate);
        if (!link) {
            continue;
        }
        if (!impl.options.unique) {
            out.push_back(std::move(*link));
            continue;
        }
        if (auto key = impl.unique_key(*link)) {
            if (seen.contains(*key)) {
                continue;
            }
            seen.insert(keys.emplace_back(std::move(*key)));
            out.push_back(std::move(*link));
        } else if (!seen.contains(link->url)) {
            out.push_back(std::move(*link));
            seen.insert(out.back().url);
        }
    }
    return out;
}

bool LinkExtractor::matches(std::string_view url) const
{
    const Impl& impl = *impl_;
    if (!impl.allow_domains.empty() || !impl.deny_domains.empty()) {
        const auto host = url_host(url);
        if (!impl.allow_domains.empty() && (host.empty() || !host_in(host, impl.allow_domains))) {
            return false;
        }
        if (!impl.deny_domains.empty() && host_in(host, impl.deny_domains)) {
            return false;
        }
    }
    const bool allowed = impl.allow.empty() || any_search(impl.allow, url, false);
    return allowed && !any_search(impl.deny, url, true);
}

} // namespace trawl
