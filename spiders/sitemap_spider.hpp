#pragma once
// The built-in `sitemap` spider: crawls the pages a site's sitemaps list,
// with no code to write.
//
//   trawl crawl sitemap -a url=https://site.example/robots.txt -O pages.jsonl
//
// `url` may be a sitemap, a sitemap index (plain or gzip, served with or
// without Content-Encoding) or a robots.txt whose Sitemap: lines lead to
// them; trawl::SitemapSpider does the reading. Each page gives one item of
// kind "page": {"url", "status", "title", "referer"} plus "lastmod" when
// the sitemap entry had one; "referer" is the URL of the sitemap that
// listed the page. The title is read with trawl::scan_links from HTML
// responses ("" for others).
//
// Arguments (-a NAME=VALUE):
//   url     required; an absolute http(s) URL.
//   follow  a regular expression: only the sitemaps of an index whose URL
//           it finds are read (default: all).
//   rules   a regular expression: only pages whose URL it finds are
//           fetched (default: all).
// A missing or invalid argument (an invalid expression included) makes the
// crawl fail at start-up with std::invalid_argument.

#include <trawl/sitemap_spider.hpp>

namespace trawl::spiders {

class SitemapPagesSpider final : public SitemapSpider {
public:
    SitemapPagesSpider();

    /// Reads and checks the arguments, then opens the SitemapSpider.
    void opened(Crawler& crawler) override;
    Callback parse(Response response) override;

protected:
    void sitemap_request(Request& request, const SitemapEntry& entry, const Response& sitemap) override;
};

} // namespace trawl::spiders
