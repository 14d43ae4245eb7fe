#include "core/char_refs.hpp"

#include <gtest/gtest.h>

namespace {

using trawl::detail::find_char_ref;
using trawl::detail::is_windows_1252_hole;
using trawl::detail::numeric_char_ref_code_point;
using trawl::detail::read_numeric_char_ref;
namespace char_ref = trawl::detail::char_ref;

std::uint8_t flags_of(std::string_view name)
{
    const auto* ref = find_char_ref(name);
    EXPECT_NE(ref, nullptr) << name;
    return ref ? ref->flags : 0xFF;
}

TEST(CharRefs, NamesAreCaseSensitive)
{
    ASSERT_NE(find_char_ref("alpha"), nullptr);
    EXPECT_EQ(find_char_ref("alpha")->code_point, U'\u03B1');
    EXPECT_EQ(find_char_ref("Alpha")->code_point, U'\u0391');
    EXPECT_EQ(find_char_ref("ALPHA"), nullptr);
    EXPECT_EQ(find_char_ref("copy")->code_point, U'\u00A9');
    EXPECT_EQ(find_char_ref("COPY")->code_point, U'\u00A9');
    EXPECT_EQ(find_char_ref("Copy"), nullptr);
}

TEST(CharRefs, UnknownEmptyAndOverlongNamesAreNotFound)
{
    EXPECT_EQ(find_char_ref(""), nullptr);
    EXPECT_EQ(find_char_ref("bogus"), nullptr);
    EXPECT_EQ(find_char_ref("notinva"), nullptr);
    EXPECT_EQ(find_char_ref("copyright"), nullptr);
    EXPECT_EQ(find_char_ref("amp;"), nullptr);
    EXPECT_EQ(find_char_ref(std::string(100, 'a')), nullptr);
    // First and last entries, for the binary search's ends.
    EXPECT_NE(find_char_ref("AElig"), nullptr);
    EXPECT_NE(find_char_ref("zwnj"), nullptr);
    EXPECT_EQ(find_char_ref("A"), nullptr);
    EXPECT_EQ(find_char_ref("zzzz"), nullptr);
}

TEST(CharRefs, Html4FlagIsPythonsName2codepoint)
{
    for (const char* name : {"amp", "lt", "gt", "quot", "nbsp", "yuml", "alpha", "notin", "thetasym", "hellip",
                             "euro", "zwj", "Yuml", "OElig"}) {
        EXPECT_TRUE(flags_of(name) & char_ref::html4) << name;
    }
    // HTML5 additions: decoded by the link scanner, not by w3lib.
    for (const char* name : {"apos", "colon", "sol", "quest", "equals", "num", "percnt", "period", "comma", "excl",
                             "lpar", "rpar", "plus", "lowbar", "Tab", "NewLine", "semi", "commat", "dollar", "ast",
                             "AMP", "LT", "GT", "QUOT", "COPY", "REG"}) {
        EXPECT_FALSE(flags_of(name) & char_ref::html4) << name;
    }
    EXPECT_EQ(find_char_ref("apos")->code_point, U'\'');
    EXPECT_EQ(find_char_ref("NewLine")->code_point, U'\n');
    EXPECT_EQ(find_char_ref("notin")->code_point, U'\u2209');
}

TEST(CharRefs, LegacyFlagIsHtml5sNamesWithoutSemicolon)
{
    // The Latin-1 block, U+00A0 to U+00FF.
    for (const char* name : {"nbsp", "iexcl", "copy", "reg", "shy", "frac34", "iquest", "Agrave", "ETH", "times",
                             "szlig", "eth", "divide", "thorn", "yuml"}) {
        EXPECT_TRUE(flags_of(name) & char_ref::legacy) << name;
        const char32_t code = find_char_ref(name)->code_point;
        EXPECT_TRUE(code >= 0xA0 && code <= 0xFF) << name;
    }
    for (const char* name : {"amp", "lt", "gt", "quot", "AMP", "LT", "GT", "QUOT", "COPY", "REG"}) {
        EXPECT_TRUE(flags_of(name) & char_ref::legacy) << name;
    }
    for (const char* name : {"apos", "hellip", "euro", "alpha", "Yuml", "OElig", "notin", "mdash"}) {
        EXPECT_FALSE(flags_of(name) & char_ref::legacy) << name;
    }
}

TEST(CharRefs, NumericReferencesReadDigitsUpToTheFirstOther)
{
    auto read = [](std::string_view text) { return read_numeric_char_ref(text, 0); };
    EXPECT_EQ(read("65;").value, 65u);
    EXPECT_EQ(read("65;").end, 2u);
    EXPECT_EQ(read("x41zz").value, 0x41u);
    EXPECT_EQ(read("x41zz").end, 3u);
    EXPECT_EQ(read("X2f").value, 0x2Fu);
    EXPECT_EQ(read("0065").value, 65u);
    // Decimal digits only after no 'x': "65a" ends at 'a'.
    EXPECT_EQ(read("65a").end, 2u);
    // No digits: end stays at the start.
    EXPECT_EQ(read("").end, 0u);
    EXPECT_EQ(read(";").end, 0u);
    EXPECT_EQ(read("x;").end, 0u);
    EXPECT_EQ(read("xg").end, 0u);
    EXPECT_EQ(read_numeric_char_ref("&#12", 2).value, 12u);
    EXPECT_EQ(read_numeric_char_ref("&#12", 2).end, 4u);
    // Huge numbers saturate past U+10FFFF instead of wrapping.
    EXPECT_GT(read("99999999999999999999").value, 0x10FFFFu);
    EXPECT_EQ(read("99999999999999999999").end, 20u);
    EXPECT_GT(read("x100000000000041").value, 0x10FFFFu);
    EXPECT_EQ(read("x10FFFF").value, 0x10FFFFu);
}

TEST(CharRefs, NumericCodePointsFollowHtml5)
{
    EXPECT_EQ(numeric_char_ref_code_point(65), U'A');
    EXPECT_EQ(numeric_char_ref_code_point(0x1F600), U'\U0001F600');
    EXPECT_EQ(numeric_char_ref_code_point(0), U'\uFFFD');
    EXPECT_EQ(numeric_char_ref_code_point(0xD800), U'\uFFFD');
    EXPECT_EQ(numeric_char_ref_code_point(0xDFFF), U'\uFFFD');
    EXPECT_EQ(numeric_char_ref_code_point(0x110000), U'\uFFFD');
    EXPECT_EQ(numeric_char_ref_code_point(0x10FFFF), char32_t{0x10FFFF});
    // C1 numbers as windows-1252 bytes; its holes keep their code point.
    EXPECT_EQ(numeric_char_ref_code_point(0x80), U'\u20AC');
    EXPECT_EQ(numeric_char_ref_code_point(150), U'\u2013');
    EXPECT_EQ(numeric_char_ref_code_point(0x9F), U'\u0178');
    EXPECT_EQ(numeric_char_ref_code_point(0x81), char32_t{0x81});
    EXPECT_EQ(numeric_char_ref_code_point(0x7F), char32_t{0x7F});
    EXPECT_EQ(numeric_char_ref_code_point(0xA0), char32_t{0xA0});
}

TEST(CharRefs, Windows1252Holes)
{
    int holes = 0;
    for (std::uint32_t v = 0; v < 0x200; ++v) {
        if (is_windows_1252_hole(v)) {
            EXPECT_TRUE(v == 0x81 || v == 0x8D || v == 0x8F || v == 0x90 || v == 0x9D) << v;
            ++holes;
        }
    }
    EXPECT_EQ(holes, 5);
}

} // namespace
