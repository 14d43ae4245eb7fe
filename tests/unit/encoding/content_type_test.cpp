// http_content_type_encoding: the charset parameter of a Content-Type value.
// (w3lib's own cases run in encoding_conformance_test.cpp.)

#include <trawl/encoding.hpp>

#include <gtest/gtest.h>

namespace trawl {
namespace {

std::string charset(std::string_view value) { return http_content_type_encoding(value).value_or("(none)"); }

TEST(HttpContentTypeEncoding, PlainAndQuoted)
{
    EXPECT_EQ(charset("text/html; charset=windows-1252"), "windows-1252");
    EXPECT_EQ(charset("text/html;charset=Shift_JIS"), "Shift_JIS");
    EXPECT_EQ(charset("text/html; CHARSET=\"EUC-KR\""), "EUC-KR");
    EXPECT_EQ(charset("text/html; charset=ISO-8859-1"), "windows-1252"); // as browsers read it
    EXPECT_EQ(charset("application/xhtml+xml; q=1; charset=koi8-r"), "KOI8-R");
    EXPECT_EQ(charset("text/html; charset=\"ut\\f-8\""), "UTF-8"); // a quoted-pair is the character itself
}

TEST(HttpContentTypeEncoding, NoCharset)
{
    EXPECT_EQ(charset(""), "(none)");
    EXPECT_EQ(charset("text/html"), "(none)");
    EXPECT_EQ(charset("text/html;"), "(none)");
    EXPECT_EQ(charset("text/html; charset"), "(none)");
    EXPECT_EQ(charset("text/html; charset="), "(none)");
    EXPECT_EQ(charset("text/html; charset=\"\""), "(none)");
    EXPECT_EQ(charset("text/html; format=flowed"), "(none)");
}

TEST(HttpContentTypeEncoding, MalformedValuesCountAsAbsent)
{
    EXPECT_EQ(charset("text/html; charset =utf-8"), "(none)");
    EXPECT_EQ(charset("text/html; charset=utf-8 x"), "(none)");
    EXPECT_EQ(charset("text/html; charset=\"utf-8\" x"), "(none)");
    EXPECT_EQ(charset("text/html; charset=\"utf-8"), "(none)");
    EXPECT_EQ(charset("text/html; a=\"b; charset=utf-8"), "(none)"); // all inside an open quote
}

TEST(HttpContentTypeEncoding, UnknownLabelEndsTheSearch)
{
    EXPECT_EQ(charset("text/html; charset=x-klingon"), "(none)");
    EXPECT_EQ(charset("text/html; charset=x-klingon; charset=utf-8"), "(none)");
}

TEST(HttpContentTypeEncoding, SeveralMediaTypes)
{
    EXPECT_EQ(charset("text/html, text/plain; charset=koi8-u"), "KOI8-U");
    EXPECT_EQ(charset("text/html; charset=gbk, text/plain; charset=utf-8"), "gb18030");
    EXPECT_EQ(charset("text/html; a=\"x,y\"; charset=big5"), "Big5");
}

TEST(HttpContentTypeEncoding, LineEndingsAndPrefix)
{
    EXPECT_EQ(charset("Content-Type: text/html; charset=utf-8\r\n"), "UTF-8");
    EXPECT_EQ(charset("text/html;\tcharset=utf-8 \t"), "UTF-8");
}

} // namespace
} // namespace trawl
