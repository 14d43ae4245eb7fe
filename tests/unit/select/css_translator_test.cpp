// The CSS -> XPath translation itself: the expressions for parsel's
// pseudo-elements, :scope, quoting, HTML versus XML semantics, and errors.

#include "select/css_translator.hpp"

#include <trawl/selector.hpp>

#include <gtest/gtest.h>

namespace trawl::detail::css {
namespace {

/// The SelectorError message for a selector, or "accepted".
std::string error_of(std::string_view selector)
{
    try {
        to_xpath(selector, true);
    } catch (const SelectorError& e) {
        return e.what();
    }
    return "accepted";
}

TEST(CssTranslator, ParselPseudoElements)
{
    EXPECT_EQ(to_xpath("p::text", true), "descendant-or-self::p/text()");
    EXPECT_EQ(to_xpath("p ::text", true), "descendant-or-self::p/descendant::text()");
    EXPECT_EQ(to_xpath("::text", true), "descendant-or-self::text()");
    EXPECT_EQ(to_xpath("p > ::text", true), "descendant-or-self::p/*/text()");
    EXPECT_EQ(to_xpath("a::attr(href)", true), "descendant-or-self::a/@href");
    EXPECT_EQ(to_xpath("a::attr(\"HREF\")", true), "descendant-or-self::a/@href");
    EXPECT_EQ(to_xpath("div ::attr(id)", true), "descendant-or-self::div/descendant-or-self::*/@id");
    EXPECT_EQ(to_xpath("a::text, b::attr(x)", true), "descendant-or-self::a/text() | descendant-or-self::b/@x");
}

TEST(CssTranslator, StructureAndCombinators)
{
    EXPECT_EQ(to_xpath("div p", true), "descendant-or-self::div/descendant::p");
    EXPECT_EQ(to_xpath("div > p", true), "descendant-or-self::div/p");
    EXPECT_EQ(to_xpath("div + p", true), "descendant-or-self::div/following-sibling::*[1]/self::p");
    EXPECT_EQ(to_xpath("div ~ p", true), "descendant-or-self::div/following-sibling::p");
    EXPECT_EQ(to_xpath(":scope > p", true), "self::*/p");
    EXPECT_EQ(to_xpath("#x.y", true),
              "descendant-or-self::*[(@id = 'x') and "
              "(@class and contains(concat(' ', normalize-space(@class), ' '), ' y '))]");
    EXPECT_EQ(to_xpath("DIV", true), "descendant-or-self::div");
    EXPECT_EQ(to_xpath("DIV", false), "descendant-or-self::DIV");
    EXPECT_EQ(to_xpath("[HREF]", true), "descendant-or-self::*[@href]");
    EXPECT_EQ(to_xpath("[HREF]", false), "descendant-or-self::*[@HREF]");
    EXPECT_EQ(to_xpath("ns|a", false), "descendant-or-self::ns:a");
    EXPECT_EQ(to_xpath("*|a", false), "descendant-or-self::*[local-name() = 'a']");
}

TEST(CssTranslator, PseudoClasses)
{
    EXPECT_EQ(to_xpath("li:nth-child(2n+1)", true), "descendant-or-self::li[(count(preceding-sibling::*)) mod 2 = 0]");
    EXPECT_EQ(to_xpath("li:nth-child(3)", true), "descendant-or-self::li[count(preceding-sibling::*) = 2]");
    EXPECT_EQ(to_xpath("li:nth-child(-n+3)", true), "descendant-or-self::li[count(preceding-sibling::*) <= 2]");
    EXPECT_EQ(to_xpath("li:nth-child(n)", true), "descendant-or-self::li");
    EXPECT_EQ(to_xpath("li:nth-child(-n)", true), "descendant-or-self::li[0]");
    EXPECT_EQ(to_xpath("li:nth-last-of-type(2n+4)", true),
              "descendant-or-self::li[count(following-sibling::li) >= 3 and "
              "(count(following-sibling::li) - 3) mod 2 = 0]");
    EXPECT_EQ(to_xpath("p:not(.a)", true),
              "descendant-or-self::p[not(@class and contains(concat(' ', normalize-space(@class), ' '), ' a '))]");
    EXPECT_EQ(to_xpath("p:not(b)", true), "descendant-or-self::p[not(self::b)]");
    EXPECT_EQ(to_xpath("p:is(b, .c)", true),
              "descendant-or-self::p[(self::b) or "
              "(@class and contains(concat(' ', normalize-space(@class), ' '), ' c '))]");
    EXPECT_EQ(to_xpath("p:is(*, b)", true), "descendant-or-self::p");
    EXPECT_EQ(to_xpath("p:has(> b c)", true), "descendant-or-self::p[b/descendant::c]");
    EXPECT_EQ(to_xpath("p:has(+ b, ~ i)", true),
              "descendant-or-self::p[following-sibling::*[1]/self::b or following-sibling::i]");
    EXPECT_EQ(to_xpath("p:contains(\"it's\")", true), "descendant-or-self::p[contains(., \"it's\")]");
    EXPECT_EQ(to_xpath(":lang(en)", false), "descendant-or-self::*[lang('en')]");
    EXPECT_EQ(to_xpath(":checked", false), "descendant-or-self::*[0]");
    EXPECT_EQ(to_xpath(":hover", true), "descendant-or-self::*[0]");
}

TEST(CssTranslator, AttributeOperators)
{
    EXPECT_EQ(to_xpath("[a='v']", true), "descendant-or-self::*[@a = 'v']");
    EXPECT_EQ(to_xpath("[a!=v]", true), "descendant-or-self::*[not(@a) or @a != 'v']");
    EXPECT_EQ(to_xpath("[a^=v]", true), "descendant-or-self::*[@a and starts-with(@a, 'v')]");
    EXPECT_EQ(to_xpath("[a$='é!']", true),
              "descendant-or-self::*[@a and substring(@a, string-length(@a) - 1) = 'é!']");
    EXPECT_EQ(to_xpath("[a*='']", true), "descendant-or-self::*[0]");
    EXPECT_EQ(to_xpath("[a|=en]", true), "descendant-or-self::*[@a and (@a = 'en' or starts-with(@a, 'en-'))]");
    EXPECT_EQ(to_xpath("[a~='x y']", true), "descendant-or-self::*[0]");
    EXPECT_EQ(to_xpath("[h\\a0 ref]", true), "descendant-or-self::*[attribute::*[name() = 'h\xc2\xa0ref']]");
}

TEST(CssTranslator, Literals)
{
    EXPECT_EQ(xpath_literal("plain"), "'plain'");
    EXPECT_EQ(xpath_literal("it's"), "\"it's\"");
    EXPECT_EQ(xpath_literal("it's \"q\""), "concat('it', \"'\", 's \"q\"')");
    EXPECT_EQ(xpath_literal("'"), "\"'\"");
}

TEST(CssTranslator, EscapesAndStrings)
{
    EXPECT_EQ(to_xpath("#a\\:b", true), "descendant-or-self::*[@id = 'a:b']");
    EXPECT_EQ(to_xpath("#\\31 23", true), "descendant-or-self::*[@id = '123']");
    EXPECT_EQ(to_xpath("[a=\"x\\\"y\"]", true), "descendant-or-self::*[@a = 'x\"y']");
    EXPECT_EQ(to_xpath("p /* comment */ b", true), "descendant-or-self::p/descendant::b");
}

TEST(CssTranslator, ErrorsNamePositionAndReason)
{
    EXPECT_EQ(error_of("div["), "invalid CSS selector 'div[': expected an attribute name, got end of selector at 4");
    EXPECT_EQ(error_of(""), "invalid CSS selector '': expected a selector, got end of selector at 0");
    EXPECT_EQ(error_of("a,"), "invalid CSS selector 'a,': expected a selector, got end of selector at 2");
    EXPECT_EQ(error_of(":contains(\"x"), "invalid CSS selector ':contains(\"x': unclosed string at 10");
    EXPECT_EQ(error_of("p:bogus"), "invalid CSS selector 'p:bogus': unknown pseudo-class ':bogus' at 2");
    EXPECT_EQ(error_of("p::before"),
              "invalid CSS selector 'p::before': unknown pseudo-element ::before "
              "(only ::text and ::attr(name) exist) at 3");
    EXPECT_EQ(error_of("a:nth-child(2x)"), "invalid CSS selector 'a:nth-child(2x)': invalid an+b argument '2x' at 2");
    EXPECT_EQ(error_of("[a=1]"), "invalid CSS selector '[a=1]': expected a string or identifier, got number 1 at 3");
}

// Found by the fuzzer (tests/fuzz/): libxml2 refuses XPath holding a
// character outside XML's Char, so the selector is refused first, with the
// character and where it is.
TEST(CssTranslator, CharactersXPathCannotCarryAreRefused)
{
    EXPECT_EQ(error_of("#\\\x13"
                       "1"),
              "invalid CSS selector '#\\\x13" "1': character U+0013 cannot be written in XPath at 2");
    EXPECT_EQ(error_of("a[x=\"\x80\"]"), "invalid CSS selector 'a[x=\"\x80\"]': invalid UTF-8 at 5");
    EXPECT_EQ(error_of("a[x=\"\xEF\xBF\xBF\"]"),
              "invalid CSS selector 'a[x=\"\xEF\xBF\xBF\"]': character U+FFFF cannot be written in XPath at 5");
    EXPECT_EQ(error_of("a[x=\"\\1F\"]"), "invalid CSS selector 'a[x=\"\\1F\"]': character U+001F cannot be written in XPath at 5");
    EXPECT_EQ(error_of("a[x=\"\xC3\xA9\t\"]"), "accepted");
}

TEST(CssTranslator, NthSeries)
{
    using Series = std::optional<std::pair<long long, long long>>;
    EXPECT_EQ(parse_nth("2n+1"), Series({2, 1}));
    EXPECT_EQ(parse_nth("-n+3"), Series({-1, 3}));
    EXPECT_EQ(parse_nth("+5"), Series({0, 5}));
    EXPECT_EQ(parse_nth("ODD"), Series({2, 1}));
    EXPECT_EQ(parse_nth("- n"), Series({-1, 0}));
    EXPECT_EQ(parse_nth(""), std::nullopt);
    EXPECT_EQ(parse_nth("'2'"), std::nullopt);
    EXPECT_EQ(parse_nth("99999999999999999999n"), std::nullopt);
}

} // namespace
} // namespace trawl::detail::css
