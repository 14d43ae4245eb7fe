#pragma once
// trawl::LinkExtractor: the links of a response a crawler may follow, with
// the options and semantics of Scrapy's LinkExtractor (LxmlLinkExtractor).
//
//   trawl::LinkExtractor extractor{{.allow = {R"(/item/\d+$)"}, .deny_domains = {"ads.example"}}};
//   for (const auto& link : extractor.extract_links(response)) {
//       co_yield response.follow(link.url, "parse_item");
//   }
//
// What extract_links does, in Scrapy's order:
//   1. finds each element whose tag is in `tags` and each of its attributes
//      in `attrs` (by default <a href> and <area href>), in document order,
//      below the elements `restrict_xpaths` and then `restrict_css` select
//      (the whole page when there are none);
//   2. strips HTML whitespace from the value (`strip`), resolves it against
//      the page's base URL (the first <base href>, else the response URL),
//      hands that to `process_value`, resolves what it returns against the
//      response URL, percent-encoding as w3lib's safe_url_string does (the
//      query in the page's encoding, as browsers do);
//   3. keeps http, https, file and ftp URLs (Scrapy's _is_valid_url) that
//      pass allow, deny, allow_domains, deny_domains, deny_extensions and
//      restrict_text; canonicalizes them (`canonicalize`);
//   4. drops repeats (`unique`): a link whose URL, in canonical form
//      (w3lib's canonicalize_url with its fragment kept, or the
//      canonicalized URL itself with `canonicalize`), came earlier.
//
// Where trawl differs from Scrapy, on purpose:
//   - Link::url never has a fragment: it is split off into Link::fragment
//     (Scrapy keeps it in the URL). allow, deny and deny_extensions look at
//     the URL without its fragment; unique still tells "x#a" from "x#b"
//     unless `canonicalize` is set, as Scrapy does.
//   - Link::text is stripped of leading and trailing whitespace.
//   - allow_domains and deny_domains compare hosts without the port (Scrapy
//     compares the whole netloc, so "example.com" does not match
//     "example.com:8080" there); names compare case-insensitively.
//   - nofollow is a case-insensitive token of rel, separated by whitespace
//     or commas (HTML's rule; Scrapy's is case-sensitive).
//   - <base href> is the first one in the page, anywhere (Scrapy looks only
//     in the first 4096 characters); one that does not resolve, or names a
//     javascript: or data: URL, is ignored, as browsers ignore it.
//   - URLs are resolved as the URL standard does (trawl::urljoin): an
//     empty path becomes "/" ("http://example.com" links to
//     "http://example.com/"), and an empty href is the page's URL without
//     its fragment (Python's urljoin keeps the fragment).
//   - process_value gets the absolute URL already percent-encoded.
//
// Speed: with the default tags and attrs and no restrict_xpaths or
// restrict_css, extract_links reads the page with trawl::scan_links (one
// pass over the bytes, no tree). Otherwise it uses response.selector(),
// which parses the page once per response (cached on the Response); a body
// over Selector::max_document_size then throws std::length_error.
//
// Thread safety: a LinkExtractor is immutable after construction and cheap
// to copy (copies share their compiled state); extract_links may run on
// any number of threads at once, provided process_value may too.

#include <trawl/response.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace trawl {

/// One extracted link (Scrapy's scrapy.link.Link).
struct Link {
    /// Absolute URL, percent-encoded, without its fragment.
    std::string url;
    /// The element's text (XPath string()), leading and trailing
    /// whitespace removed; "" for <area> and elements without text.
    std::string text;
    /// What followed '#' in the URL ("" when nothing did).
    std::string fragment;
    /// rel has the token "nofollow".
    bool nofollow = false;

    bool operator==(const Link&) const = default;
};

/// Scrapy's IGNORED_EXTENSIONS (as of Scrapy 2.8), without dots: the
/// default LinkExtractorOptions::deny_extensions.
const std::vector<std::string>& ignored_extensions();

struct LinkExtractorOptions {
    /// Regular expressions (trawl::Regex syntax) searched in the absolute
    /// URL: a link must match one of `allow` (when there are any) and none
    /// of `deny`.
    std::vector<std::string> allow{};
    std::vector<std::string> deny{};
    /// Hosts: a link's host must be one of `allow_domains` or a subdomain
    /// of one (when there are any), and neither of any of `deny_domains`.
    std::vector<std::string> allow_domains{};
    std::vector<std::string> deny_domains{};
    /// Only links inside the elements these select, XPath first then CSS.
    std::vector<std::string> restrict_xpaths{};
    std::vector<std::string> restrict_css{};
    /// Regular expressions searched in the link's text: it must match one
    /// (when there are any).
    std::vector<std::string> restrict_text{};
    /// Element and attribute names to take links from (compared in lower
    /// case). Empty: no links.
    std::vector<std::string> tags{"a", "area"};
    std::vector<std::string> attrs{"href"};
    /// Links' URLs in canonical form (trawl::canonicalize_url): for
    /// comparing, not for requesting (the server may not understand it).
    bool canonicalize = false;
    /// Each link once (see step 4 above).
    bool unique = true;
    /// Extensions (without the dot, any case) of URL paths to drop: a path
    /// ending in "." + one of them. nullopt: ignored_extensions(); an empty
    /// list drops nothing.
    std::optional<std::vector<std::string>> deny_extensions{};
    /// Strip HTML whitespace from attribute values before resolving them.
    /// (Kept for Scrapy's sake: resolving drops surrounding spaces and
    /// control characters anyway, as the URL standard does.)
    bool strip = true;
    /// Receives each value resolved against the base URL; returns the value
    /// to use (absolute, or relative to the response URL), or nullopt to
    /// drop the link. Called on the thread that calls extract_links.
    std::function<std::optional<std::string>(std::string_view)> process_value{};
};

class LinkExtractor {
public:
    using Options = LinkExtractorOptions;

    /// Scrapy's defaults: every <a href> and <area href>.
    LinkExtractor();
    /// Compiles the options. Throws std::invalid_argument naming the option
    /// and the expression for an invalid regular expression (allow, deny,
    /// restrict_text), XPath (restrict_xpaths) or CSS selector
    /// (restrict_css).
    explicit LinkExtractor(Options options);

    /// The links of `response`, in document order. Any body is valid input
    /// (it is read as HTML); never throws for what a page contains, except
    /// std::length_error for a body too large to parse when a tree is
    /// needed (see above) and what process_value throws.
    std::vector<Link> extract_links(const Response& response) const;

    /// Scrapy's matches(): whether an absolute `url` passes allow, deny,
    /// allow_domains and deny_domains.
    bool matches(std::string_view url) const;

    const Options& options() const noexcept;

private:
    struct Impl;
    std::shared_ptr<const Impl> impl_;
};

} // namespace trawl
