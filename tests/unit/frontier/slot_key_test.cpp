#include <trawl/slots.hpp>

#include <gtest/gtest.h>

namespace {

trawl::Request request(std::string url)
{
    return trawl::Request{std::move(url)};
}

TEST(SlotKey, IsTheLowerCaseHost)
{
    EXPECT_EQ(trawl::slot_key(request("http://Example.COM/path?q=1")), "example.com");
    EXPECT_EQ(trawl::slot_key(request("https://user:pw@www.example.com:8443/")), "www.example.com");
    EXPECT_EQ(trawl::slot_key(request("http://127.0.0.1:8080/")), "127.0.0.1");
}

TEST(SlotKey, PortDoesNotSplitTheSlot)
{
    EXPECT_EQ(trawl::slot_key(request("http://example.com:81/")), trawl::slot_key(request("https://example.com/")));
}

TEST(SlotKey, Ipv6LiteralWithoutBrackets)
{
    EXPECT_EQ(trawl::slot_key(request("http://[::1]:8080/x")), "::1");
}

TEST(SlotKey, UrlsWithoutHostShareTheEmptySlot)
{
    EXPECT_EQ(trawl::slot_key(request("data:text/plain,hello")), "");
    EXPECT_EQ(trawl::slot_key(request("file:///tmp/page.html")), "");
    EXPECT_EQ(trawl::slot_key(request("")), "");
}

TEST(SlotKey, UrlThatIsNotStrictRfc3986StillHasItsHost)
{
    // A raw space and a bare '%' are rejected by Boost.URL, not by Python's urlparse.
    EXPECT_EQ(trawl::slot_key(request("http://Example.com/a b%zz")), "example.com");
    EXPECT_EQ(trawl::slot_key(request("http://u@[::1]:80/a b")), "::1");
}

TEST(SlotKey, MetaDownloadSlotWins)
{
    auto r = request("http://example.com/");
    r.meta["download_slot"] = "Shared";
    EXPECT_EQ(trawl::slot_key(r), "Shared");  // used as given, not lower-cased
    r.meta["download_slot"] = 7;
    EXPECT_EQ(trawl::slot_key(r), "7");
    r.meta["download_slot"] = nullptr;
    EXPECT_EQ(trawl::slot_key(r), "example.com");
}

} // namespace
