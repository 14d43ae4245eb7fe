#include "downloader/retry_after.hpp"

#include <gtest/gtest.h>

#include <chrono>

namespace trawl::test {
namespace {

using namespace std::chrono;
using middlewares::parse_http_date;
using middlewares::parse_retry_after;

const system_clock::time_point example = sys_days{year{1994} / 11 / 6} + hours{8} + minutes{49} + seconds{37};

TEST(RetryAfterTest, ParsesTheThreeHttpDateForms)
{
    EXPECT_EQ(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), example);
    EXPECT_EQ(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), example);
    EXPECT_EQ(parse_http_date("Sun Nov  6 08:49:37 1994"), example);
    EXPECT_EQ(parse_http_date("sun, 06 nov 1994 08:49:37 gmt"), example);
    // RFC 850 two-digit years below 70 are this century.
    EXPECT_EQ(parse_http_date("Friday, 01-Mar-30 00:00:00 GMT"), sys_days{year{2030} / 3 / 1});
    EXPECT_EQ(parse_http_date("Wed, 29 Feb 2024 23:59:59 GMT"), sys_days{year{2024} / 2 / 29} + hours{23} +
                                                                    minutes{59} + seconds{59});
}

TEST(RetryAfterTest, RejectsMalformedDates)
{
    for (const char* text : {"", "soon", "Sun, 06 Nov 1994", "Sun, 06 Foo 1994 08:49:37 GMT",
                             "Sun, 31 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 24:00:00 GMT",
                             "Sun, 06 Nov 1994 08:49 GMT", "Sun, 06 Nov 1994 08:49:37 GMT extra",
                             "Sun, 06 Nov 19945 08:49:37 GMT", "Thu, 29 Feb 2023 00:00:00 GMT", "12:00:00"}) {
        EXPECT_FALSE(parse_http_date(text).has_value()) << text;
    }
}

TEST(RetryAfterTest, SecondsOrDateRelativeToNow)
{
    EXPECT_EQ(parse_retry_after("120", example), duration<double>{120});
    EXPECT_EQ(parse_retry_after("  5\t", example), duration<double>{5});
    EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:50:37 GMT", example), duration<double>{60});
    EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", example), duration<double>{0});
    EXPECT_FALSE(parse_retry_after("-5", example).has_value());
    EXPECT_FALSE(parse_retry_after("1.5", example).has_value());
    EXPECT_FALSE(parse_retry_after("", example).has_value());
}

} // namespace
} // namespace trawl::test
