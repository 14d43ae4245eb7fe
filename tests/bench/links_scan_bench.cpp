// scan_links on ~20 KB pages: the test server's /page/N (mostly text, 21
// links, the shape the crawl tests fetch) and a markup-dense page (a
// navigation-heavy shop page: many tags, attributes, a script, comments,
// references). Also resolve_links on the /page/N links, and
// LinkExtractor::extract_links (the whole job: a fresh Response, its text,
// the scan, resolving, filtering, canonical repeats) on /page/N and on a
// 20 KB page of nothing but links (407), and the `links` spider's link work
// per page before and after it moved from scan_links + resolve_links onto
// LinkExtractor. The peer is Scrapy's LinkExtractor on the same bytes, timed per
// page as LinkExtractor().extract_links(HtmlResponse(url, body=page)) with
// Debian's /usr/bin/python3 (a fresh response each time, so lxml parses
// each page). Run:
//   build/tests/bench/links_scan_bench --benchmark_min_time=1

#include "support/test_server_internal.hpp"

#include <trawl/html_links.hpp>
#include <trawl/link_extractor.hpp>

#include <benchmark/benchmark.h>

#include <string>

namespace {

std::string dense_page()
{
    std::string out = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                      "<title>Shop &amp; more &mdash; category</title>\n"
                      "<link rel=\"stylesheet\" href=\"/static/site.css?v=3\">\n"
                      "<script>window.dataLayer = []; if (a < b && c > d) { x('<a href=\"/no\">'); }</script>\n"
                      "</head><body class=\"category\">\n";
    for (int i = 0; out.size() < 20 * 1024 - 200; ++i) {
        out += "<div class='product' data-id=\"" + std::to_string(i) + "\">\n  <!-- product " +
               std::to_string(i) + " -->\n  <a class=\"thumb\" href=\"/p/" + std::to_string(i) +
               "?ref=cat&amp;pos=" + std::to_string(i) + "\"><img src=\"/img/" + std::to_string(i) +
               ".jpg\" alt=\"Item\" width=200 height=150></a>\n  <h3><a href='/p/" + std::to_string(i) +
               "'>Product " + std::to_string(i) + "</a></h3><span class=price>&euro;9.99</span>\n</div>\n";
    }
    out += "</body></html>\n";
    return out;
}

const std::string& site_page()
{
    static const std::string page = trawl::testing::detail::site_page(7, 2000, "http://127.0.0.1:8080");
    return page;
}

void scan(benchmark::State& state, const std::string& page)
{
    std::size_t links = 0;
    for (auto _ : state) {
        auto result = trawl::scan_links(page);
        links = result.hrefs.size();
        benchmark::DoNotOptimize(result);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * page.size()));
    state.counters["links"] = static_cast<double>(links);
    state.counters["page_bytes"] = static_cast<double>(page.size());
}

void BM_ScanSitePage(benchmark::State& state) { scan(state, site_page()); }
BENCHMARK(BM_ScanSitePage)->Unit(benchmark::kMicrosecond);

void BM_ScanDensePage(benchmark::State& state)
{
    static const std::string page = dense_page();
    scan(state, page);
}
BENCHMARK(BM_ScanDensePage)->Unit(benchmark::kMicrosecond);

void BM_ResolveSitePageLinks(benchmark::State& state)
{
    const auto page = trawl::scan_links(site_page());
    for (auto _ : state) {
        auto urls = trawl::resolve_links(page, "http://127.0.0.1:8080/page/7");
        benchmark::DoNotOptimize(urls);
    }
}
BENCHMARK(BM_ResolveSitePageLinks)->Unit(benchmark::kMicrosecond);

// ~20 KB of list items, each a link written in one of the forms pages use.
std::string link_only_page()
{
    std::string out = "<!DOCTYPE html>\n<html><head><title>Links</title></head><body><ul>\n";
    for (int i = 0; out.size() < 20 * 1024 - 30; ++i) {
        const auto n = std::to_string(i);
        const std::string forms[] = {"/item/" + n, "item/" + n + "?ref=list", "../item/" + n + "#top",
                                     "http://127.0.0.1:8080/item/" + n};
        out += "<li><a href=\"" + forms[i % 4] + "\">Item " + n + "</a></li>\n";
    }
    out += "</ul></body></html>\n";
    return out;
}

void extract(benchmark::State& state, const std::string& page, const trawl::LinkExtractor& extractor)
{
    std::size_t links = 0;
    for (auto _ : state) {
        trawl::Response::Data data;
        data.url = "http://127.0.0.1:8080/list/page/7";
        data.body = page;
        data.headers.add("Content-Type", "text/html; charset=utf-8");
        const trawl::Response response{std::move(data)};
        auto result = extractor.extract_links(response);
        links = result.size();
        benchmark::DoNotOptimize(result);
    }
    state.counters["links"] = static_cast<double>(links);
    state.counters["page_bytes"] = static_cast<double>(page.size());
}

void BM_ExtractSitePage(benchmark::State& state) { extract(state, site_page(), trawl::LinkExtractor{}); }
BENCHMARK(BM_ExtractSitePage)->Unit(benchmark::kMicrosecond);

void BM_ExtractLinkOnlyPage(benchmark::State& state)
{
    static const std::string page = link_only_page();
    extract(state, page, trawl::LinkExtractor{});
}
BENCHMARK(BM_ExtractLinkOnlyPage)->Unit(benchmark::kMicrosecond);

// The same page through a libxml2 tree (what restrict_css and other tags
// or attributes cost).
void BM_ExtractLinkOnlyPageTree(benchmark::State& state)
{
    static const std::string page = link_only_page();
    extract(state, page, trawl::LinkExtractor{{.restrict_css = {"body"}}});
}
BENCHMARK(BM_ExtractLinkOnlyPageTree)->Unit(benchmark::kMicrosecond);

// The `links` spider's link work per page, before and after it moved onto
// LinkExtractor: scan_links + resolve_links on the body, against a fresh
// Response's title scan + extract_links as the spider configures it.
void BM_LinksSpiderOldWay(benchmark::State& state)
{
    for (auto _ : state) {
        trawl::Response::Data data;
        data.url = "http://127.0.0.1:8080/page/7";
        data.body = site_page();
        const trawl::Response response{std::move(data)};
        auto page = trawl::scan_links(response.body());
        auto urls = trawl::resolve_links(page, response.url());
        benchmark::DoNotOptimize(page.title);
        benchmark::DoNotOptimize(urls);
    }
}
BENCHMARK(BM_LinksSpiderOldWay)->Unit(benchmark::kMicrosecond);

void BM_LinksSpiderNewWay(benchmark::State& state)
{
    const trawl::LinkExtractor extractor{
        {.allow_domains = {"127.0.0.1"}, .deny_extensions = std::vector<std::string>{}}};
    for (auto _ : state) {
        trawl::Response::Data data;
        data.url = "http://127.0.0.1:8080/page/7";
        data.body = site_page();
        data.headers.add("Content-Type", "text/html; charset=utf-8");
        const trawl::Response response{std::move(data)};
        auto title = trawl::scan_links(response.text(), trawl::ScanOptions{.title_only = true}).title;
        auto links = extractor.extract_links(response);
        benchmark::DoNotOptimize(title);
        benchmark::DoNotOptimize(links);
    }
}
BENCHMARK(BM_LinksSpiderNewWay)->Unit(benchmark::kMicrosecond);

} // namespace

BENCHMARK_MAIN();
