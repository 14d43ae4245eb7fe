// The test server's generated HTML: the /page/N link site, the /links/N
// tree, the index page and the sample text behind the compressed resources.
// Everything here is a pure function of its arguments.

#include "support/test_server_internal.hpp"

#include <array>
#include <cstdint>
#include <string>

namespace trawl::testing::detail {
namespace {

constexpr std::array<std::string_view, 32> words = {
    "crawl",  "spider", "request", "response", "engine",  "scheduler", "middleware", "pipeline",
    "item",   "link",   "page",    "header",   "body",    "cookie",    "redirect",   "retry",
    "delay",  "slot",   "domain",  "robots",   "encoding", "gzip",     "selector",   "xpath",
    "css",    "the",    "a",       "of",       "and",     "to",        "with",       "for"};

/// A small linear congruential generator: deterministic across platforms,
/// unlike the distributions of <random>.
class Lcg {
public:
    explicit Lcg(std::uint64_t seed) : state_(seed * 6364136223846793005ULL + 1442695040888963407ULL) {}
    std::uint32_t next() {
        state_ = state_ * 6364136223846793005ULL + 1442695040888963407ULL;
        return static_cast<std::uint32_t>(state_ >> 33);
    }

private:
    std::uint64_t state_;
};

/// Appends a sentence-like run of words to `out`.
void append_sentence(Lcg& rng, std::string& out) {
    const std::size_t count = 6 + rng.next() % 10;
    for (std::size_t i = 0; i < count; ++i) {
        std::string_view word = words[rng.next() % words.size()];
        if (i == 0) {
            out += static_cast<char>(word[0] - 'a' + 'A');
            out.append(word.substr(1));
        } else {
            out += ' ';
            out.append(word);
        }
    }
    out += ". ";
}

std::string page_href(int from, int to, int k, std::string_view base_url) {
    const std::string m = std::to_string(to);
    // The forms a crawler must resolve: root-relative, document-relative,
    // dot-dot, absolute, and with a fragment it must strip.
    switch (k % 5) {
    case 0:
        return "/page/" + m;
    case 1:
        return m;
    case 2:
        return std::string(base_url) + "/page/" + m;
    case 3:
        return "/page/" + m + "#section-" + std::to_string(from % 7);
    default:
        return "../page/" + m;
    }
}

} // namespace

std::string sample_text(std::size_t size) {
    // One generator run, cut to size: sample_text(n) is a prefix of
    // sample_text(m) for n < m.
    Lcg rng(42);
    std::string out;
    out.reserve(size + 128);
    while (out.size() < size) {
        append_sentence(rng, out);
        if (rng.next() % 8 == 0) {
            out += '\n';
        }
    }
    out.resize(size);
    return out;
}

std::string index_page() {
    return "<!DOCTYPE html>\n<html><head><title>trawl test server</title></head><body>\n"
           "<h1>trawl test server</h1>\n<ul>\n"
           "<li><a href=\"/page/0\">link site</a></li>\n"
           "<li><a href=\"/links/0?count=10\">link tree</a></li>\n"
           "<li><a href=\"/robots.txt\">robots.txt</a></li>\n"
           "<li><a href=\"/echo\">echo</a></li>\n"
           "<li><a href=\"/status/200\">status</a></li>\n"
           "</ul>\n</body></html>\n";
}

std::string site_page(int n, int pages, std::string_view base_url) {
    constexpr std::size_t target_size = 20 * 1024;
    constexpr int link_count = 20;
    Lcg rng(static_cast<std::uint64_t>(n) + 1000);

    std::string out;
    out.reserve(target_size + 1024);
    out += "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Page ";
    out += std::to_string(n);
    out += "</title></head>\n<body>\n<h1>Page ";
    out += std::to_string(n);
    out += "</h1>\n<ul class=\"links\">\n";
    for (int k = 0; k < link_count; ++k) {
        // Link 0 goes to the next page, so the whole site hangs off /page/0
        // whatever the other links pick.
        const int to = k == 0 ? (n + 1) % pages
                              : static_cast<int>((static_cast<long long>(n) * 7 + k * 131LL) % pages);
        out += "<li><a href=\"";
        out += page_href(n, to, k, base_url);
        out += "\">Page ";
        out += std::to_string(to);
        out += "</a></li>\n";
    }
    out += "<li><a href=\"http://example.invalid/\">elsewhere</a></li>\n</ul>\n";
    int section = 0;
    while (out.size() < target_size) {
        out += "<h2 id=\"section-" + std::to_string(section++) + "\">Section</h2>\n<p>";
        for (int s = 0; s < 8; ++s) {
            append_sentence(rng, out);
        }
        out += "</p>\n";
    }
    out += "</body></html>\n";
    return out;
}

std::string links_page(long long n, int count) {
    const std::string query = "?count=" + std::to_string(count);
    std::string out = "<!DOCTYPE html>\n<html><head><title>Links ";
    out += std::to_string(n);
    out += "</title></head>\n<body>\n<ul>\n";
    // Children of n are n*count+1 .. n*count+count: a count-ary tree rooted at 0.
    for (int i = 1; i <= count; ++i) {
        const std::string child = std::to_string(n * count + i);
        out += "<li><a href=\"/links/" + child + query + "\">Links " + child + "</a></li>\n";
    }
    out += "</ul>\n</body></html>\n";
    return out;
}

} // namespace trawl::testing::detail
