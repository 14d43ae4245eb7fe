#pragma once
// Sitemaps (sitemaps.org): urlset and sitemapindex documents, gzip-compressed
// sitemap bodies and the Sitemap: lines of robots.txt, read as Scrapy's
// scrapy.utils.sitemap and SitemapSpider read them. The XML is parsed with
// no DTD processing at all: no entity is ever expanded, internal or external,
// so neither XXE nor "billion laughs" documents can do harm.
// tests/conformance/KNOWN_DIFFERENCES.md ("sitemaps") lists where the
// results differ from Scrapy's (lxml in recover mode).

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace trawl {

enum class SitemapType { urlset, sitemapindex, unknown };

struct SitemapEntry {
    /// The <loc> text, whitespace-trimmed (Python's str.strip() set,
    /// including U+00A0). If an entry has several, the last one.
    std::string loc;
    /// Every other child element by local name (lastmod, changefreq,
    /// priority, news, image...): its text up to its first child element,
    /// trimmed; "" for an empty element. A repeated name keeps the last.
    std::map<std::string, std::string> fields;
    /// href of each child element named `link` in any namespace (in practice
    /// xhtml:link rel="alternate"), trimmed, in document order; a link
    /// without href is skipped. As in Scrapy, rel is not checked.
    std::vector<std::string> alternates;
};

struct Sitemap {
    /// From the root element's local name; unknown for any other root and
    /// for input that is not well-formed XML.
    SitemapType type = SitemapType::unknown;
    /// One per child element of the root that has a <loc>, in order (also
    /// for a well-formed document of another root type, as Scrapy's Sitemap
    /// iterates any document).
    std::vector<SitemapEntry> entries;
};

/// Parses a sitemap or sitemap index. Never throws on bad input (only
/// std::bad_alloc): input that is not well-formed XML gives type unknown and
/// no entries; the one error tolerated is junk after the root element's end
/// tag (lxml keeps the document too). Namespaces are ignored (local names
/// are compared), so wrong or missing namespaces are accepted. Encodings:
/// UTF-8, UTF-16/32 with a BOM, and ISO-8859-1 when declared; text is not
/// checked for valid UTF-8. Character references and the five predefined
/// entities are decoded; any other entity reference is dropped from the
/// text. Nothing recurses: a document nested 100,000 levels deep is safe.
Sitemap parse_sitemap(std::string_view xml);

/// Scrapy's SitemapSpider._get_sitemap_body: the XML of a sitemap response.
/// A body that starts with the gzip magic bytes 1f 8b (whatever the headers
/// say: servers send .xml.gz files with and without Content-Encoding) is
/// gunzipped, producing at most `max_size` bytes (0 = no limit; exactly
/// `max_size` is allowed); more than that, a corrupt or truncated stream,
/// or trailing bytes that are not another gzip member -> nullopt, never a
/// partial document. Any other body is returned as it is if it looks like
/// XML (after an optional UTF-8/UTF-16 BOM and whitespace, it starts with
/// '<'), else nullopt (an HTML error page served with status 200 also
/// passes; parse_sitemap then finds no sitemap in it).
std::optional<std::string> sitemap_body(std::string_view body, std::size_t max_size);

/// The Sitemap: lines of a robots.txt body (name case-insensitive, leading
/// whitespace allowed, a UTF-8 BOM skipped), in file order, each resolved
/// against `robots_url` with trawl::urljoin. Lines end at LF, CR or CRLF.
/// A value that is empty, not valid UTF-8, or does not resolve to a valid
/// URL is skipped; a comment starting with whitespace and '#' is removed
/// (a '#' inside the URL starts its fragment). If `robots_url` is not
/// absolute, only absolute values are returned. Independent of the
/// robots.txt matcher (RobotsTxt), which reads the same lines.
std::vector<std::string> robots_sitemap_urls(std::string_view robots_body, std::string_view robots_url);

/// SitemapSpider's settings that decide which URLs one response leads to.
struct SitemapRules {
    /// sitemap_alternate_links: also request each entry's alternates (of
    /// sitemap index entries too, as Scrapy does).
    bool alternate_links = false;
    /// sitemap_follow: which sitemap URLs of an index to follow; empty = all.
    std::function<bool(std::string_view loc)> follow;
    /// sitemap_filter, as a predicate: entries of a urlset or an index for
    /// which it returns false are skipped, alternates included; empty = all.
    std::function<bool(const SitemapEntry& entry)> filter;
};

/// The URLs a SitemapSpider requests from one response.
struct SitemapLinks {
    /// URLs to read as sitemaps: Sitemap: lines of a robots.txt, followed
    /// entries of a sitemap index.
    std::vector<std::string> sitemaps;
    /// Page URLs from a urlset (locs, then each entry's alternates when
    /// alternate_links), for the spider's sitemap_rules to route.
    std::vector<std::string> pages;
    /// The response was not a sitemap body (sitemap_body() gave nullopt:
    /// not XML, corrupt gzip, over max_size): Scrapy logs "Ignoring invalid
    /// sitemap" then. XML that is not well-formed or has another root just
    /// yields nothing.
    bool invalid = false;
};

/// What SitemapSpider._parse_sitemap requests for one response: when the
/// path of `response_url` ends with "/robots.txt", its Sitemap: lines;
/// otherwise the body goes through sitemap_body(body, max_size) and
/// parse_sitemap(), a sitemapindex gives the locs `rules.follow` accepts, a
/// urlset its locs. Nothing is deduplicated (the scheduler's dupefilter
/// does that). `body` is the response body as received after the HTTP
/// content decoding.
SitemapLinks sitemap_links(std::string_view response_url, std::string_view body, const SitemapRules& rules,
                           std::size_t max_size);

} // namespace trawl
