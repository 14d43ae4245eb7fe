#include <sitemap_spider.hpp>

#include <trawl/html_links.hpp>
#include <trawl/url.hpp>

#include <boost/json/value.hpp>

#include <stdexcept>
#include <string_view>

namespace trawl::spiders {

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

bool is_html(const Response& response)
{
    if (auto type = response.headers().get("Content-Type")) {
        while (!type->empty() && (type->front() == ' ' || type->front() == '\t')) {
            type->remove_prefix(1);
        }
        return istarts_with(*type, "text/html") || istarts_with(*type, "application/xhtml+xml");
    }
    const auto body = response.body();
    const auto first = body.find_first_not_of(" \t\r\n\f");
    return first != std::string_view::npos && body[first] == '<';
}

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
    if (!normalized || !(istarts_with(*normalized, "http://") || istarts_with(*normalized, "https://"))) {
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
    item["title"] = is_html(response) ? scan_links(response.body()).title : std::string{};
    const auto* sitemap = meta.if_contains(sitemap_key);
    item["referer"] = sitemap != nullptr ? *sitemap : boost::json::value(nullptr);
    if (const auto* lastmod = meta.if_contains(lastmod_key)) {
        item["lastmod"] = *lastmod;
    }
    co_yield std::move(item);
}

} // namespace trawl::spiders
