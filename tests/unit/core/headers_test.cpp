#include <trawl/headers.hpp>

#include <gtest/gtest.h>

namespace {

TEST(Headers, NamesAreCaseInsensitive)
{
    trawl::Headers h;
    h.add("Content-Type", "text/html");
    EXPECT_EQ(h.get("content-type"), "text/html");
    EXPECT_TRUE(h.contains("CONTENT-TYPE"));
    EXPECT_FALSE(h.contains("Content-Length"));
}

TEST(Headers, RepeatedFieldsKeepTheirOrder)
{
    trawl::Headers h;
    h.add("Set-Cookie", "a=1");
    h.add("X-Other", "x");
    h.add("set-cookie", "b=2");
    auto all = h.get_all("Set-Cookie");
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0], "a=1");
    EXPECT_EQ(all[1], "b=2");
    EXPECT_EQ(h.get("set-cookie"), "a=1");
}

TEST(Headers, SetReplacesEveryFieldOfThatName)
{
    trawl::Headers h{{"Accept", "a"}, {"accept", "b"}};
    h.set("ACCEPT", "c");
    EXPECT_EQ(h.size(), 1u);
    EXPECT_EQ(h.get("accept"), "c");
    EXPECT_EQ(h.erase("Accept"), 1u);
    EXPECT_TRUE(h.empty());
}

TEST(Headers, IequalsComparesOnlyAscii)
{
    EXPECT_TRUE(trawl::iequals("Host", "hOST"));
    EXPECT_FALSE(trawl::iequals("Host", "Hosts"));
    EXPECT_FALSE(trawl::iequals("\xC3\xA9", "\xC3\x89"));  // é vs É: not folded
}

} // namespace
