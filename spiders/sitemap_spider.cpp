#include <sitemap_spider.hpp>

#include <trawl/html_links.hpp>
#include <trawl/url.hpp>

#include <boost/json/value.hpp>

#include <stdexcept>
#include <string_view>

namespace trawl::spiders {

namespace {

// Where the page request came from: set by sitemap_request().
constexpr const char* sitemap_key = "sitemap";
constexpr const char* lastmod_key = "lastmod";

} // namespace

SitemapPagesSpider::SitemapPagesSpider() { name = "sitemap"; }

void SitemapPagesSpider::opened(Crawler& crawler)
{
    const auto url = arguments.find("url");
    if (url == arguments.end() || url->second.empty()) {
        throw std::invalid_argument(
            "the sitemap spider needs the URL of a sitemap, sitemap index or robots.txt: -a url=URL");
    }
    auto normalized = urljoin(url->second, url->second);
    if (!normalized || !has_http_scheme(*normalized)) {
        throw std::invalid_argument("sitemap spider: url must be an absolute http(s) URL, not '" + url->second + "'");
    }
    sitemap_urls = {std::move(*normalized)};
    sitemap_follow = {std::string{}};
    if (const auto follow = arguments.find("follow"); follow != arguments.end()) {
        sitemap_follow = {follow->second};
    }
    sitemap_rules = {SitemapRule{}};
    if (const auto rules = arguments.find("rules"); rules != arguments.end()) {
        sitemap_rules = {SitemapRule{rules->second, "parse"}};
    }
    SitemapSpider::opened(crawler);  // compiles the expressions: a bad one throws here
}

void SitemapPagesSpider::sitemap_request(Request& request, const SitemapEntry& entry, const Response& sitemap)
{
    request.meta[sitemap_key] = sitemap.url();
    if (const auto lastmod = entry.fields.find("lastmod"); lastmod != entry.fields.end()) {
        request.meta[lastmod_key] = lastmod->second;
    }
}

Callback SitemapPagesSpider::parse(Response response)
{
    const auto& meta = response.request().meta;
    Item item{"page"};
    item["url"] = response.url();
    item["status"] = response.status();
    item["title"] = response.is_html() ? scan_links(response.body()).title : std::string{};
    const auto* sitemap = meta.if_contains(sitemap_key);
    item["referer"] = sitemap != nullptr ? *sitemap : boost::json::value(nullptr);
    if (const auto* lastmod = meta.if_contains(lastmod_key)) {
        item["lastmod"] = *lastmod;
    }
    co_yield std::move(item);
}

} // namespace trawl::spiders
