// scan_links on ~20 KB pages: the test server's /page/N (mostly text, 21
// links, the shape the crawl tests fetch) and a markup-dense page (a
// navigation-heavy shop page: many tags, attributes, a script, comments,
// references). Also resolve_links on the /page/N links, the rest of what
// the `links` spider does per page. Run:
//   build/tests/bench/links_scan_bench --benchmark_min_time=1

#include "support/test_server_internal.hpp"

#include <trawl/html_links.hpp>

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

} // namespace

BENCHMARK_MAIN();
