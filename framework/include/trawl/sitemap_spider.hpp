#pragma once
// trawl::SitemapSpider: crawls the pages that sitemaps list, as Scrapy's
// SitemapSpider does.
//
//   struct Shop : trawl::SitemapSpider {
//       Shop() {
//           name = "shop";
//           sitemap_urls = {"https://shop.example/robots.txt"};
//           sitemap_rules = {{"/product/", "parse_product"}, {"", "parse"}};
//           sitemap_follow = {"/sitemap_products"};
//           callback("parse_product", &Shop::parse_product);
//       }
//       trawl::Callback parse_product(trawl::Response response) { ... }
//       trawl::Callback parse(trawl::Response response) override { ... }
//   };
//
// start_requests() requests each of sitemap_urls with an internal callback
// ("_parse_sitemap") that reads the response with trawl::sitemap_links:
//   - a robots.txt (URL path ending in /robots.txt): each Sitemap: line is
//     requested as a sitemap;
//   - a sitemap index: each entry sitemap_filter() accepts whose URL one of
//     sitemap_follow's expressions finds (Python's re.search) is requested
//     as a sitemap;
//   - a urlset: each entry sitemap_filter() accepts (and its alternates,
//     with sitemap_alternate_links) is requested with the callback of the
//     first sitemap_rules entry whose expression finds its URL; URLs no
//     rule matches are not requested.
// Sitemaps may be gzip files (served with or without Content-Encoding): a
// body starting with the gzip magic bytes is gunzipped to at most
// DOWNLOAD_MAXSIZE bytes (the request's meta "download_maxsize" wins, 0 = no
// limit); a bigger one is dropped. A response that is not a sitemap is
// logged as a warning "Ignoring invalid sitemap: <url>" and the crawl goes
// on: a body that is neither XML nor gzip, a corrupt or oversized gzip
// body, and, as in Scrapy, a response that is neither gzip nor XML by its
// Content-Type and whose URL does not end in .xml or .xml.gz (e.g. an HTML
// error page served with status 200). A sitemap that is XML of another
// kind yields nothing. Requests are not deduplicated here: the scheduler's
// dupefilter does that.
//
// Expressions are trawl::Regex (PCRE2, Python-like, with a backtracking
// limit). They are compiled in opened(): an invalid one fails the crawl at
// start-up with a RegexError naming it, and a rule naming a callback the
// spider has not registered with std::invalid_argument. A subclass that
// overrides opened() must call SitemapSpider::opened().
//
// Threads: as for every Spider, callbacks run concurrently on the parse
// pool; sitemap_filter() and sitemap_request() are called from them.

#include <trawl/regex.hpp>
#include <trawl/sitemap.hpp>
#include <trawl/spider.hpp>

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace trawl {

/// One entry of SitemapSpider::sitemap_rules.
struct SitemapRule {
    /// Searched for in each page URL ("" matches every URL).
    std::string pattern;
    /// The registered callback for the pages it matches ("" or "parse" =
    /// parse).
    std::string callback = "parse";
};

class SitemapSpider : public Spider {
public:
    /// The name of the internal callback sitemap requests carry.
    static constexpr const char* sitemap_callback = "_parse_sitemap";

    SitemapSpider();

    /// Sitemaps, sitemap indexes or robots.txt files to start from.
    std::vector<std::string> sitemap_urls;
    /// Page URL -> callback; the first rule that matches wins. Empty: no
    /// page is requested (as in Scrapy).
    std::vector<SitemapRule> sitemap_rules{SitemapRule{}};
    /// Which sitemaps of a sitemap index to follow: those that one of these
    /// expressions finds. The default {""} follows all; an empty list
    /// follows none (as in Scrapy).
    std::vector<std::string> sitemap_follow{std::string{}};
    /// Also request the alternate-language URLs of each entry
    /// (<xhtml:link rel="alternate" href="...">).
    bool sitemap_alternate_links = false;

    /// Decides which entries of a sitemap or sitemap index are used (for
    /// example by entry.fields["lastmod"]); the default accepts all. Called
    /// concurrently from callbacks.
    virtual bool sitemap_filter(const SitemapEntry& entry);

    /// Compiles sitemap_rules and sitemap_follow and reads DOWNLOAD_MAXSIZE.
    /// Throws RegexError for an invalid expression, std::invalid_argument
    /// for a rule naming an unregistered callback.
    void opened(Crawler& crawler) override;
    /// A request for each of sitemap_urls, with the internal callback.
    Generator<Request> start_requests() override;

protected:
    /// Called for each page request before it is yielded, with the entry
    /// that listed the page (its alternates map to the same entry) and the
    /// sitemap it came from: a place to carry entry fields to the page's
    /// callback in request.meta. (A trawl addition; Scrapy has none.) The
    /// default does nothing.
    virtual void sitemap_request(Request& request, const SitemapEntry& entry, const Response& sitemap);

private:
    Callback parse_sitemap(Response response);
    std::size_t max_size_for(const Response& response) const;

    // Set in opened(), read-only while callbacks run.
    std::vector<std::pair<Regex, std::string>> rules_;
    std::vector<Regex> follow_;
    std::size_t max_size_ = 0;
    bool compiled_ = false;
};

} // namespace trawl
