// Truncated and mangled pages: the scanner must survive every prefix and
// random byte damage without reading outside its input (ASan checks that:
// each case is scanned from a heap copy of exactly its size).

#include <trawl/html_links.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace trawl {
namespace {

const std::string sample_page = R"(<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Sample &amp; &#x263A; &copy page</title>
<base href='/base/'>
<script>if (a < b) document.write("<a href='/no'>"); // </scr + ipt>
</script><style>p > a { color: red }</style>
</head><body>
<!-- comment <a href="/hidden"> -- --> <!--> <!---> <![CDATA[ <a href=x> ]]> <?pi x?>
<p class=x id='y' data-z="w">text &lt;a href=no&gt; <a href="/one?a=1&amp;b=2">one</a>
<a HREF = '/two' href="/dup">two</a> <a href=/three/>three</a> <area href="&#47;four">
<a href="  /five  " title=">">5</a><textarea><a href="/no"></textarea>
<a href="&#1234567890;&#x;&bogus;&notit;&ampx=1">refs</a></a title=x></ bogus >
<a/href=six><a href>seven</a><a href=>eight</a></body></html>
)";

// Scans a heap copy of exactly `text`'s bytes, so that any read past the
// end hits ASan's redzone instead of the rest of a larger buffer.
PageLinks scan_exact(std::string_view text)
{
    auto copy = std::make_unique<char[]>(text.size() == 0 ? 1 : text.size());
    std::copy(text.begin(), text.end(), copy.get());
    return scan_links(std::string_view(copy.get(), text.size()));
}

TEST(ScanFuzz, TheSamplePageScansAsExpected)
{
    const auto page = scan_exact(sample_page);
    EXPECT_EQ(page.title, "Sample & \xE2\x98\xBA \xC2\xA9 page");
    EXPECT_EQ(page.base_href, "/base/");
    EXPECT_EQ(page.hrefs, (std::vector<std::string>{"/one?a=1&b=2", "/two", "/three/", "/four", "/five",
                                                    "\xEF\xBF\xBD&#x;&bogus;&notit;&ampx=1", "six", "", ""}));
}

TEST(ScanFuzz, EveryPrefixOfThePage)
{
    std::size_t previous_links = 0;
    for (std::size_t size = 0; size <= sample_page.size(); ++size) {
        const auto page = scan_exact(std::string_view(sample_page).substr(0, size));
        // A longer prefix never loses a link a shorter one found.
        ASSERT_GE(page.hrefs.size(), previous_links) << "prefix " << size;
        previous_links = page.hrefs.size();
        (void)resolve_links(page, "http://s.example/dir/page");
    }
    EXPECT_EQ(previous_links, 9u);
}

TEST(ScanFuzz, EverySuffixOfThePage)
{
    for (std::size_t start = 0; start <= sample_page.size(); ++start) {
        (void)scan_exact(std::string_view(sample_page).substr(start));
    }
}

// Bytes that steer the tokenizer: each one changes a state.
constexpr char interesting[] = {'<', '>', '/', '!', '-', '?', '"', '\'', '=', '&', '#', ';', ' ',
                                '\n', 'a', 'x', '[', ']', '\0', '\xFF', 'A', '0'};

TEST(ScanFuzz, RandomMutations)
{
    std::mt19937 rng(12345);
    for (int round = 0; round < 4000; ++round) {
        std::string text = sample_page;
        const int edits = 1 + static_cast<int>(rng() % 12);
        for (int e = 0; e < edits && !text.empty(); ++e) {
            const std::size_t at = rng() % text.size();
            switch (rng() % 4) {
            case 0:
                text[at] = interesting[rng() % sizeof(interesting)];
                break;
            case 1:
                text.insert(text.begin() + static_cast<std::ptrdiff_t>(at), interesting[rng() % sizeof(interesting)]);
                break;
            case 2:
                text.erase(at, 1 + rng() % 16);
                break;
            default:
                text[at] = static_cast<char>(rng() & 0xFF);
                break;
            }
        }
        text.resize(rng() % (text.size() + 1));
        const auto page = scan_exact(text);
        for (const auto& href : page.hrefs) {
            ASSERT_LE(href.size(), text.size() * 4) << "round " << round;
        }
        (void)resolve_links(page, "https://s.example/");
    }
}

TEST(ScanFuzz, RandomBytes)
{
    std::mt19937 rng(777);
    for (int round = 0; round < 2000; ++round) {
        std::string text(rng() % 300, '\0');
        for (auto& c : text) {
            c = rng() % 2 ? interesting[rng() % sizeof(interesting)] : static_cast<char>(rng() & 0xFF);
        }
        (void)resolve_links(scan_exact(text), "http://s.example/");
    }
}

TEST(ScanFuzz, PathologicalInputsStayLinear)
{
    // Many unclosed constructs: each would rescan to the end if the
    // scanner backtracked. These must finish quickly even under ASan.
    for (std::string_view unit : {"<!--", "<script>", "<a href='", "</", "<!", "<title>", "&#", "<a b=\"\">", "--"}) {
        std::string text;
        while (text.size() < 200'000) {
            text.append(unit);
        }
        (void)scan_exact(text);
    }
}

} // namespace
} // namespace trawl
