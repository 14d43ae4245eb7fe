// RFC 6265 §5.1.1: every date format servers send, and the dates the
// algorithm rejects.

#include <trawl/cookie_jar.hpp>

#include <gtest/gtest.h>

namespace trawl {
namespace {

using namespace std::chrono;

sys_seconds at(int y, unsigned m, unsigned d, int hh, int mm, int ss)
{
    return sys_days{year{y} / month{m} / day{d}} + hours{hh} + minutes{mm} + seconds{ss};
}

TEST(CookieDateTest, ReadsTheThreeHttpDateFormats)
{
    const auto expected = at(1994, 11, 6, 8, 49, 37);
    EXPECT_EQ(parse_cookie_date("Sun, 06 Nov 1994 08:49:37 GMT"), expected);   // RFC 1123
    EXPECT_EQ(parse_cookie_date("Sunday, 06-Nov-94 08:49:37 GMT"), expected);  // RFC 850
    EXPECT_EQ(parse_cookie_date("Sun Nov  6 08:49:37 1994"), expected);        // asctime
}

TEST(CookieDateTest, ReadsTheVariantsServersSend)
{
    const auto expected = at(2021, 6, 9, 10, 18, 14);
    for (const char* text : {"Wed, 09 Jun 2021 10:18:14 GMT", "Wed, 09-Jun-2021 10:18:14 GMT",
                             "Wed, 09 Jun 21 10:18:14 GMT", "Wed, 9 Jun 2021 10:18:14 GMT",
                             "wed, 09 JUNE 2021 10:18:14 gmt", "09 Jun 2021 10:18:14", "2021 Jun 09 10:18:14",
                             "Wed Jun 09 2021 10:18:14 GMT+0000 (UTC)", "Wed, 09 Jun 2021 10:18:14 +0200",
                             "Wed,09-Jun-2021 10:18:14 UTC", "Jun 9 10:18:14 2021", "10:18:14 9 jun 2021",
                             "Wed, 09/Jun/2021 10:18:14"}) {
        EXPECT_EQ(parse_cookie_date(text), expected) << text;
    }
    // Single-digit time fields; trailing text after a field's digits.
    EXPECT_EQ(parse_cookie_date("1 Jan 2030 1:2:3"), at(2030, 1, 1, 1, 2, 3));
    EXPECT_EQ(parse_cookie_date("1st Jan 2030 01:02:03am"), at(2030, 1, 1, 1, 2, 3));
}

TEST(CookieDateTest, TwoDigitYears)
{
    EXPECT_EQ(parse_cookie_date("01 Jan 70 00:00:00"), at(1970, 1, 1, 0, 0, 0));
    EXPECT_EQ(parse_cookie_date("01 Jan 99 00:00:00"), at(1999, 1, 1, 0, 0, 0));
    EXPECT_EQ(parse_cookie_date("01 Jan 00 00:00:00"), at(2000, 1, 1, 0, 0, 0));
    EXPECT_EQ(parse_cookie_date("01 Jan 69 00:00:00"), at(2069, 1, 1, 0, 0, 0));
}

TEST(CookieDateTest, ExtremeButValidDates)
{
    EXPECT_EQ(parse_cookie_date("Thu, 01 Jan 1970 00:00:00 GMT"), sys_seconds{});
    EXPECT_EQ(parse_cookie_date("Fri, 31 Dec 9999 23:59:59 GMT"), at(9999, 12, 31, 23, 59, 59));
    EXPECT_EQ(parse_cookie_date("01 Jan 1601 00:00:00"), at(1601, 1, 1, 0, 0, 0));
    EXPECT_EQ(parse_cookie_date("29 Feb 2024 00:00:00"), at(2024, 2, 29, 0, 0, 0));
}

TEST(CookieDateTest, RejectsInvalidDates)
{
    for (const char* text : {"", "garbage", "Sun, 06 Nov 1994", "Sun, 06 Nov 08:49:37 GMT", "Sun, Nov 1994 08:49:37",
                             "06 1994 08:49:37", "32 Jan 2020 00:00:00", "00 Jan 2020 00:00:00",
                             "30 Feb 2020 00:00:00", "29 Feb 2023 00:00:00", "31 Apr 2020 00:00:00",
                             "01 Jan 1600 00:00:00", "01 Jan 2020 24:00:00", "01 Jan 2020 23:60:00",
                             "01 Jan 2020 23:59:60", "01 Jan 12020 00:00:00", "01 Jan 2020 123:00:00",
                             "001 Jan 2020 00:00:00", "01 Jan 2020 00:00", "\xff\xfe", "1 2 3 4 5 6 7"}) {
        EXPECT_FALSE(parse_cookie_date(text).has_value()) << text;
    }
}

} // namespace
} // namespace trawl
