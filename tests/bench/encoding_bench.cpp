// Decoding ~20 KB pages to UTF-8 (a UTF-8 page and the same page in
// windows-1252), and what it adds to Response::selector(): the "direct"
// benchmarks parse the body the way selector() did before text() existed
// (libxml2 given the bytes and the header's charset), the "response" ones
// go through Response::text() and then parse. Run:
//   build/tests/bench/encoding_bench --benchmark_min_time=1

#include "select/document.hpp"

#include <trawl/encoding.hpp>
#include <trawl/response.hpp>
#include <trawl/selector.hpp>

#include <benchmark/benchmark.h>

#include <string>

namespace {

/// A text-heavy page with a little non-ASCII: `e_acute`, `euro` and the
/// quotes spelled in the page's encoding.
std::string page(std::string_view e_acute, std::string_view euro, std::string_view open_quote,
                 std::string_view close_quote)
{
    std::string out = "<!DOCTYPE html>\n<html lang=\"fr\"><head><title>Caf";
    out += e_acute;
    out += " &amp; more</title></head><body>\n";
    for (int i = 0; out.size() < 20 * 1024 - 200; ++i) {
        out += "<div class=\"item\"><h3><a href=\"/p/" + std::to_string(i) + "\">Produit " + std::to_string(i) +
               "</a></h3>\n<p>";
        out += open_quote;
        out += "Une description assez longue du produit, avec des d";
        out += e_acute;
        out += "tails et un prix de 9,99 ";
        out += euro;
        out += close_quote;
        out += " pour un caf";
        out += e_acute;
        out += " cr";
        out += e_acute;
        out += "me.</p></div>\n";
    }
    out += "</body></html>\n";
    return out;
}

const std::string& utf8_page()
{
    static const std::string p = page("\xC3\xA9", "\xE2\x82\xAC", "\xE2\x80\x9C", "\xE2\x80\x9D");
    return p;
}

const std::string& windows_1252_page()
{
    static const std::string p = page("\xE9", "\x80", "\x93", "\x94");
    return p;
}

trawl::Response response_of(const std::string& body, const char* charset)
{
    trawl::Response::Data data;
    data.url = "http://127.0.0.1/page";
    data.body = body;
    data.headers.add("Content-Type", std::string("text/html; charset=") + charset);
    return trawl::Response(std::move(data));
}

void html_to_unicode(benchmark::State& state, const std::string& body, const char* content_type)
{
    for (auto _ : state) {
        auto decoded = trawl::html_to_unicode(content_type, body);
        benchmark::DoNotOptimize(decoded);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * body.size()));
    state.counters["page_bytes"] = static_cast<double>(body.size());
}

void BM_HtmlToUnicodeUtf8(benchmark::State& state) { html_to_unicode(state, utf8_page(), "text/html; charset=utf-8"); }
BENCHMARK(BM_HtmlToUnicodeUtf8)->Unit(benchmark::kMicrosecond);

void BM_HtmlToUnicodeWindows1252(benchmark::State& state)
{
    html_to_unicode(state, windows_1252_page(), "text/html; charset=windows-1252");
}
BENCHMARK(BM_HtmlToUnicodeWindows1252)->Unit(benchmark::kMicrosecond);

void BM_CheckUtf8(benchmark::State& state)
{
    // The whole cost text() adds for a UTF-8 page: one validating pass.
    for (auto _ : state) {
        auto guess = trawl::detect_utf8_or_windows_1252(utf8_page());
        benchmark::DoNotOptimize(guess);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * utf8_page().size()));
}
BENCHMARK(BM_CheckUtf8)->Unit(benchmark::kMicrosecond);

/// Response::text() on a new response each time. The response is made
/// with the timer paused (it copies the body).
void response_text(benchmark::State& state, const std::string& body, const char* charset)
{
    for (auto _ : state) {
        state.PauseTiming();
        const trawl::Response response = response_of(body, charset);
        state.ResumeTiming();
        benchmark::DoNotOptimize(response.text().data());
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * body.size()));
}

void BM_ResponseTextUtf8(benchmark::State& state) { response_text(state, utf8_page(), "utf-8"); }
BENCHMARK(BM_ResponseTextUtf8)->Unit(benchmark::kMicrosecond);

void BM_ResponseTextWindows1252(benchmark::State& state) { response_text(state, windows_1252_page(), "windows-1252"); }
BENCHMARK(BM_ResponseTextWindows1252)->Unit(benchmark::kMicrosecond);

void BM_ResponseTextUndeclaredUtf8(benchmark::State& state)
{
    // No charset anywhere: the UTF-8 check doubles as Scrapy's guess.
    for (auto _ : state) {
        state.PauseTiming();
        trawl::Response::Data data;
        data.body = utf8_page();
        const trawl::Response response(std::move(data));
        state.ResumeTiming();
        benchmark::DoNotOptimize(response.text().data());
    }
}
BENCHMARK(BM_ResponseTextUndeclaredUtf8)->Unit(benchmark::kMicrosecond);

/// The parse as selector() did it before text(): libxml2 reads the bytes
/// in the header's charset.
void direct_parse(benchmark::State& state, const std::string& body, const char* charset)
{
    for (auto _ : state) {
        auto document = trawl::detail::parse_html_document(body, charset, "http://127.0.0.1/page");
        benchmark::DoNotOptimize(document);
    }
}

void BM_DirectParseUtf8(benchmark::State& state) { direct_parse(state, utf8_page(), "utf-8"); }
BENCHMARK(BM_DirectParseUtf8)->Unit(benchmark::kMicrosecond);

void BM_DirectParseWindows1252(benchmark::State& state) { direct_parse(state, windows_1252_page(), "windows-1252"); }
BENCHMARK(BM_DirectParseWindows1252)->Unit(benchmark::kMicrosecond);

/// Response::selector() today: text(), then the parse of the UTF-8 text.
void response_selector(benchmark::State& state, const std::string& body, const char* charset)
{
    for (auto _ : state) {
        state.PauseTiming();
        const trawl::Response response = response_of(body, charset);
        state.ResumeTiming();
        auto root = response.selector();
        benchmark::DoNotOptimize(root);
    }
}

/// selector() as it was before text(): the same Response handling, the
/// bytes and the header's charset handed to libxml2.
void response_parse_bytes(benchmark::State& state, const std::string& body, const char* charset)
{
    for (auto _ : state) {
        state.PauseTiming();
        const trawl::Response response = response_of(body, charset);
        state.ResumeTiming();
        auto root = trawl::detail::SelectorAccess::root(
            trawl::detail::parse_html_document(response.body(), charset, response.url()));
        benchmark::DoNotOptimize(root);
    }
}

void BM_ResponseParseBytesUtf8(benchmark::State& state) { response_parse_bytes(state, utf8_page(), "utf-8"); }
BENCHMARK(BM_ResponseParseBytesUtf8)->Unit(benchmark::kMicrosecond);

void BM_ResponseParseBytesWindows1252(benchmark::State& state)
{
    response_parse_bytes(state, windows_1252_page(), "windows-1252");
}
BENCHMARK(BM_ResponseParseBytesWindows1252)->Unit(benchmark::kMicrosecond);

void BM_ResponseSelectorUtf8(benchmark::State& state) { response_selector(state, utf8_page(), "utf-8"); }
BENCHMARK(BM_ResponseSelectorUtf8)->Unit(benchmark::kMicrosecond);

void BM_ResponseSelectorWindows1252(benchmark::State& state)
{
    response_selector(state, windows_1252_page(), "windows-1252");
}
BENCHMARK(BM_ResponseSelectorWindows1252)->Unit(benchmark::kMicrosecond);

} // namespace

BENCHMARK_MAIN();
