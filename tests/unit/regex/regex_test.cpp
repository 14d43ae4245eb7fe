#include <trawl/regex.hpp>

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace {

using trawl::Regex;
using trawl::RegexError;

std::vector<std::string> find_all(const Regex& regex, std::string_view text)
{
    std::vector<std::string> out;
    regex.for_each_match(text, [&](Regex::Groups groups) {
        out.emplace_back(text.substr(groups[0], groups[1] - groups[0]));
        return true;
    });
    return out;
}

TEST(Regex, SearchFindsAMatchAnywhere)
{
    const Regex regex{R"(/item/\d+$)"};
    EXPECT_TRUE(regex.search("http://example.com/item/42"));
    EXPECT_FALSE(regex.search("http://example.com/item/42/reviews"));
    EXPECT_FALSE(regex.search(""));
}

TEST(Regex, CaselessOption)
{
    EXPECT_FALSE(Regex{"PRODUCT"}.search("/product/1"));
    EXPECT_TRUE((Regex{"PRODUCT", {.caseless = true}}.search("/product/1")));
}

TEST(Regex, UnicodeClassesAsPython)
{
    // \w matches letters beyond ASCII, as Python 3's str patterns do.
    EXPECT_EQ(find_all(Regex{R"(\w+)"}, "Łódź café"), (std::vector<std::string>{"Łódź", "café"}));
}

TEST(Regex, InvalidUtf8InTheSubjectIsNotAnError)
{
    EXPECT_TRUE(Regex{"b"}.search(std::string("a\xff\xfe" "b", 4)));
}

TEST(Regex, FindAllIsNonOverlappingWithEmptyMatchesAsPython)
{
    EXPECT_EQ(find_all(Regex{"a*"}, "baaa"), (std::vector<std::string>{"", "aaa", ""}));
    EXPECT_EQ(find_all(Regex{"aa"}, "aaaaa"), (std::vector<std::string>{"aa", "aa"}));
}

TEST(Regex, GroupsAndNamedGroups)
{
    const Regex regex{R"((?P<key>\w+)=(\d+)?)"};
    EXPECT_EQ(regex.capture_count(), 2U);
    EXPECT_EQ(regex.group_number("key"), 1U);
    EXPECT_EQ(regex.group_number("missing"), 0U);
    std::vector<std::size_t> second_group_begins;
    regex.for_each_match("a=1 b=", [&](Regex::Groups groups) {
        EXPECT_EQ(groups.size(), 6U);
        second_group_begins.push_back(groups[4]);
        return true;
    });
    EXPECT_EQ(second_group_begins, (std::vector<std::size_t>{2, Regex::npos}));
}

TEST(Regex, StopsWhenTheCallbackSaysSo)
{
    int calls = 0;
    Regex{"x"}.for_each_match("xxxx", [&](Regex::Groups) { return ++calls < 2; });
    EXPECT_EQ(calls, 2);
}

TEST(Regex, NestedMatchesOnOneThreadKeepTheirOwnState)
{
    const Regex outer{R"((\d)(\d))"};
    const Regex inner{"(a)(b)(c)(d)"};
    std::vector<std::string> seen;
    outer.for_each_match("12 34", [&](Regex::Groups groups) {
        EXPECT_TRUE(inner.search("xabcdx"));
        inner.for_each_match("abcd", [](Regex::Groups) { return true; });
        seen.emplace_back(std::string_view("12 34").substr(groups[0], 2));
        return true;
    });
    EXPECT_EQ(seen, (std::vector<std::string>{"12", "34"}));
}

TEST(Regex, InvalidPatternNamesThePatternAndOffset)
{
    try {
        Regex regex{"ab(c"};
        FAIL() << "expected RegexError";
    } catch (const RegexError& error) {
        EXPECT_EQ(error.pattern(), "ab(c");
        EXPECT_EQ(error.position(), 4U);
        EXPECT_NE(std::string(error.what()).find("ab(c"), std::string::npos) << error.what();
    }
}

TEST(Regex, CatastrophicBacktrackingFailsInsteadOfHanging)
{
    const Regex regex{"(a+)+$"};
    const std::string text = std::string(40, 'a') + "!";
    try {
        (void)regex.search(text);
        FAIL() << "expected RegexError";
    } catch (const RegexError& error) {
        EXPECT_EQ(error.position(), RegexError::no_position);
        EXPECT_NE(std::string(error.what()).find("limit"), std::string::npos) << error.what();
    }
}

TEST(Regex, OneObjectSharedByThreads)
{
    const Regex regex{R"(^/page/(\d+)$)"};
    std::vector<std::thread> threads;
    std::vector<int> matches(4, 0);
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 2000; ++i) {
                const std::string path = "/page/" + std::to_string(i) + (i % 2 == 0 ? "" : "/x");
                matches[t] += regex.search(path) ? 1 : 0;
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    EXPECT_EQ(matches, (std::vector<int>{1000, 1000, 1000, 1000}));
}

TEST(Regex, CopiesShareTheCompiledPattern)
{
    const Regex original{"abc"};
    const Regex copy = original;
    EXPECT_EQ(&copy.pattern(), &original.pattern());
    EXPECT_TRUE(copy.search("xabcx"));
}

} // namespace
