#include <trawl/download_result.hpp>
#include <trawl/error.hpp>

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace {

TEST(Error, CodesBelongToTheTrawlCategory)
{
    boost::system::error_code ec = trawl::errc::dns_not_found;
    EXPECT_STREQ(ec.category().name(), "trawl");
    EXPECT_EQ(ec.message(), "host name not found");
    EXPECT_TRUE(ec == trawl::errc::dns_not_found);
    EXPECT_FALSE(ec == trawl::errc::dns_failure);
}

TEST(Error, TimeoutsAreRecognised)
{
    EXPECT_TRUE(trawl::is_timeout(trawl::errc::timed_out));
    EXPECT_TRUE(trawl::is_timeout(trawl::errc::connect_timeout));
    EXPECT_TRUE(trawl::is_timeout(trawl::errc::read_timeout));
    EXPECT_FALSE(trawl::is_timeout(trawl::errc::connection_refused));
    EXPECT_FALSE(trawl::is_timeout({}));
}

TEST(Error, EveryCodeHasItsOwnMessage)
{
    std::set<std::string> messages;
    for (int v = static_cast<int>(trawl::errc::timed_out); v <= static_cast<int>(trawl::errc::internal_error); ++v) {
        auto m = trawl::make_error_code(static_cast<trawl::errc>(v)).message();
        EXPECT_NE(m, "unknown trawl error") << v;
        EXPECT_TRUE(messages.insert(m).second) << "duplicate message " << m;
    }
}

TEST(DownloadResult, ValueThrowsTheDownloadError)
{
    trawl::DownloadResult r{trawl::DownloadError{trawl::errc::timed_out, "took over 1 s", "http://x/"}};
    ASSERT_FALSE(r.has_value());
    try {
        (void)r.value();
        FAIL() << "value() did not throw";
    } catch (const trawl::DownloadFailed& e) {
        EXPECT_EQ(e.code(), trawl::errc::timed_out);
        EXPECT_NE(std::string(e.what()).find("http://x/: took over 1 s"), std::string::npos);
    }
}

} // namespace
