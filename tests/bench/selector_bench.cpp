// trawl's side of the selector benchmark (bench_selectors.sh runs it beside
// parsel_bench.py, on the same pages, and prints the ratios). Cases, named
// as in parsel_bench.py:
//   parse_listing / extract_listing  the ~100 KB listing of 120 products:
//       the parse alone, and parse + per product css() of five fields and
//       the tags (what a spider's parse callback does);
//   parse_links / links_css / links_css_no_urljoin / links_extractor  the
//       20 KB link-only page: the parse alone, parse + a::attr(href) + urljoin
//       (parsel's way), the same without urljoin, and LinkExtractor on a
//       fresh Response (Scrapy's LinkExtractor on an HtmlResponse);
//   css_X / xpath_X  one query on the parsed listing, as CSS and as the
//       equivalent XPath written by hand.
// Pages come from gen_selector_pages.py. Run (CPU time, single thread):
//   build/tests/bench/selector_bench PAGES_DIR [--benchmark_filter=...]

#include <trawl/link_extractor.hpp>
#include <trawl/response.hpp>
#include <trawl/selector.hpp>
#include <trawl/url.hpp>

#include <benchmark/benchmark.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace {

constexpr const char* page_url = "http://127.0.0.1:8080/list/page/7";

// The queries, shared with parsel_bench.py (keep them in step).
constexpr const char* item_query = "div.product";
constexpr const char* field_queries[] = {"h3 a::text", "h3 a::attr(href)", "span.amount::text",
                                         "p.description::text", "div.rating::attr(data-stars)"};
constexpr const char* tags_query = "ul.tags a::text";
struct QueryPair {
    const char* name;
    const char* css;
    const char* xpath;
};
constexpr QueryPair css_vs_xpath[] = {
    {"class", "div.product h3 a::attr(href)",
     "//div[contains(concat(' ', normalize-space(@class), ' '), ' product ')]//h3//a/@href"},
    {"child", "li > a", "//li/a"},
};

struct Pages {
    std::string listing;
    std::string links;
};
Pages pages;

std::string read_file(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw std::runtime_error("cannot read " + path + " (make the pages with gen_selector_pages.py)");
    }
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

struct Product {
    std::vector<std::optional<std::string>> fields;
    std::vector<std::string> tags;
};

std::vector<Product> extract(const std::string& page)
{
    const auto sel = trawl::Selector::from_html(page, page_url);
    std::vector<Product> out;
    for (const auto& product : sel.css(item_query)) {
        Product p;
        for (const char* query : field_queries) {
            p.fields.push_back(product.css(query).get());
        }
        p.tags = product.css(tags_query).getall();
        out.push_back(std::move(p));
    }
    return out;
}

std::vector<std::string> links_css(const std::string& page, bool join)
{
    const auto sel = trawl::Selector::from_html(page, page_url);
    auto hrefs = sel.css("a::attr(href)").getall();
    if (join) {
        for (auto& href : hrefs) {
            auto url = trawl::urljoin(page_url, href);
            href = url ? std::move(*url) : std::string();
        }
    }
    return hrefs;
}

void BM_parse_listing(benchmark::State& state)
{
    for (auto _ : state) {
        benchmark::DoNotOptimize(trawl::Selector::from_html(pages.listing, page_url));
    }
}

void BM_extract_listing(benchmark::State& state)
{
    std::size_t items = 0;
    for (auto _ : state) {
        auto products = extract(pages.listing);
        items = products.size();
        benchmark::DoNotOptimize(products);
    }
    state.counters["items"] = static_cast<double>(items);
}

void BM_parse_links(benchmark::State& state)
{
    for (auto _ : state) {
        benchmark::DoNotOptimize(trawl::Selector::from_html(pages.links, page_url));
    }
}

void links_case(benchmark::State& state, bool join)
{
    std::size_t links = 0;
    for (auto _ : state) {
        auto hrefs = links_css(pages.links, join);
        links = hrefs.size();
        benchmark::DoNotOptimize(hrefs);
    }
    state.counters["links"] = static_cast<double>(links);
}
void BM_links_css(benchmark::State& state) { links_case(state, true); }
void BM_links_css_no_urljoin(benchmark::State& state) { links_case(state, false); }

void BM_links_extractor(benchmark::State& state)
{
    const trawl::LinkExtractor extractor;
    std::size_t links = 0;
    for (auto _ : state) {
        trawl::Response::Data data;
        data.url = page_url;
        data.body = pages.links;
        data.headers.add("Content-Type", "text/html; charset=utf-8");
        const trawl::Response response{std::move(data)};
        auto result = extractor.extract_links(response);
        links = result.size();
        benchmark::DoNotOptimize(result);
    }
    state.counters["links"] = static_cast<double>(links);
}

void query_case(benchmark::State& state, const char* query, bool css)
{
    const auto sel = trawl::Selector::from_html(pages.listing, page_url);
    std::size_t found = 0;
    for (auto _ : state) {
        auto result = css ? sel.css(query) : sel.xpath(query);
        found = result.size();
        benchmark::DoNotOptimize(result);
    }
    state.counters["nodes"] = static_cast<double>(found);
}

void register_benchmarks()
{
    benchmark::RegisterBenchmark("parse_listing", BM_parse_listing)->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark("extract_listing", BM_extract_listing)->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark("parse_links", BM_parse_links)->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark("links_css", BM_links_css)->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark("links_css_no_urljoin", BM_links_css_no_urljoin)->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark("links_extractor", BM_links_extractor)->Unit(benchmark::kMicrosecond);
    for (const auto& pair : css_vs_xpath) {
        benchmark::RegisterBenchmark((std::string("css_") + pair.name).c_str(), query_case, pair.css, true)
            ->Unit(benchmark::kMicrosecond);
        benchmark::RegisterBenchmark((std::string("xpath_") + pair.name).c_str(), query_case, pair.xpath, false)
            ->Unit(benchmark::kMicrosecond);
    }
}

/// The two queries of each pair must select the same nodes, or the
/// comparison means nothing.
bool check_pairs()
{
    const auto sel = trawl::Selector::from_html(pages.listing, page_url);
    for (const auto& pair : css_vs_xpath) {
        if (sel.css(pair.css).getall() != sel.xpath(pair.xpath).getall()) {
            std::fprintf(stderr, "selector_bench: the %s queries do not select the same nodes\n", pair.name);
            return false;
        }
    }
    return true;
}

} // namespace

int main(int argc, char** argv)
{
    benchmark::Initialize(&argc, argv);
    if (argc != 2) {
        std::fprintf(stderr, "usage: selector_bench PAGES_DIR [benchmark flags]\n"
                             "  (PAGES_DIR from tests/bench/gen_selector_pages.py; bench_selectors.sh does both)\n");
        return 2;
    }
    try {
        pages.listing = read_file(std::string(argv[1]) + "/listing.html");
        pages.links = read_file(std::string(argv[1]) + "/links.html");
    } catch (const std::exception& e) {
        std::fprintf(stderr, "selector_bench: %s\n", e.what());
        return 1;
    }
    if (!check_pairs()) {
        return 1;
    }
    register_benchmarks();
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
