// RFC 6265 §5.2: the Set-Cookie field, its attributes, and garbage.

#include <trawl/cookie_jar.hpp>

#include <gtest/gtest.h>

#include <random>

namespace trawl {
namespace {

using namespace std::chrono;

SetCookie parse(std::string_view field)
{
    auto cookie = parse_set_cookie(field);
    EXPECT_TRUE(cookie.has_value()) << field;
    return cookie.value_or(SetCookie{});
}

TEST(SetCookieParserTest, NameAndValue)
{
    auto c = parse("session=abc123");
    EXPECT_EQ(c.name, "session");
    EXPECT_EQ(c.value, "abc123");
    EXPECT_FALSE(c.expires || c.max_age || c.domain || c.path);
    EXPECT_FALSE(c.secure || c.http_only);
    EXPECT_EQ(c.same_site, SameSite::unset);

    c = parse("  name  =  a value with spaces \t; Path=/");
    EXPECT_EQ(c.name, "name");
    EXPECT_EQ(c.value, "a value with spaces");
    c = parse("empty=");
    EXPECT_EQ(c.value, "");
    c = parse("a=b=c");  // the first '=' splits
    EXPECT_EQ(c.name, "a");
    EXPECT_EQ(c.value, "b=c");
    c = parse("q=\"quoted\"");  // quotes are part of the value
    EXPECT_EQ(c.value, "\"quoted\"");
    c = parse("utf8=caf\xc3\xa9");
    EXPECT_EQ(c.value, "caf\xc3\xa9");
}

TEST(SetCookieParserTest, IgnoresFieldsTheRfcSaysToIgnore)
{
    using namespace std::string_view_literals;
    for (std::string_view field : std::initializer_list<std::string_view>{"", ";", "noequals", "noequals; Path=/", "=value", "  =value", "; a=b",
                                   "a=b\x01", "a\nb=c", "a=b; Path=/\r\n", "a=\0b"sv, "a=\x7f"sv}) {
        EXPECT_FALSE(parse_set_cookie(field).has_value()) << field;
    }
    EXPECT_TRUE(parse_set_cookie("a=b\tc").has_value());  // tab is allowed
}

TEST(SetCookieParserTest, SizeLimits)
{
    // The jar limits name + value (CookieJarTest.SizeLimit).
    EXPECT_EQ(parse("n=" + std::string(5000, 'v')).value.size(), 5000u);
    // An attribute value over 1024 bytes is ignored, not the cookie.
    auto c = parse("a=b; Path=/" + std::string(1024, 'p'));
    EXPECT_FALSE(c.path);
    c = parse("a=b; Path=/" + std::string(1023, 'p'));
    EXPECT_EQ(c.path->size(), 1024u);
}

TEST(SetCookieParserTest, Attributes)
{
    auto c = parse("id=1; Expires=Wed, 09 Jun 2021 10:18:14 GMT; Max-Age=60; Domain=.Example.COM; Path=/docs; "
                   "Secure; HttpOnly; SameSite=Lax");
    EXPECT_EQ(c.expires, sys_days{2021y / June / 9} + 10h + 18min + 14s);
    EXPECT_EQ(c.max_age, 60);
    EXPECT_EQ(c.domain, "example.com");  // leading dot dropped, lower case
    EXPECT_EQ(c.path, "/docs");
    EXPECT_TRUE(c.secure);
    EXPECT_TRUE(c.http_only);
    EXPECT_EQ(c.same_site, SameSite::lax);

    // Attribute names are case-insensitive, spaces around them ignored.
    c = parse("id=1;secure;HTTPONLY ;  samesite = strict ;DOMAIN=a.com;path = /x");
    EXPECT_TRUE(c.secure);
    EXPECT_TRUE(c.http_only);
    EXPECT_EQ(c.same_site, SameSite::strict);
    EXPECT_EQ(c.domain, "a.com");
    EXPECT_EQ(c.path, "/x");
    EXPECT_EQ(parse("id=1; SameSite=None").same_site, SameSite::none);
    EXPECT_EQ(parse("id=1; SameSite=bogus").same_site, SameSite::unset);
    EXPECT_EQ(parse("id=1; Secure=yes").secure, true);  // a value does not matter
}

TEST(SetCookieParserTest, TheLastValidAttributeWins)
{
    auto c = parse("id=1; Max-Age=10; Max-Age=20; Domain=a.com; Domain=b.com; Path=/a; Path=/b");
    EXPECT_EQ(c.max_age, 20);
    EXPECT_EQ(c.domain, "b.com");
    EXPECT_EQ(c.path, "/b");
    // An invalid Max-Age or Expires, or an empty Domain, is skipped...
    c = parse("id=1; Max-Age=10; Max-Age=abc; Max-Age=; Max-Age=1e3; Max-Age=+5; Domain=a.com; Domain=");
    EXPECT_EQ(c.max_age, 10);
    EXPECT_EQ(c.domain, "a.com");
    c = parse("id=1; Expires=Wed, 09 Jun 2021 10:18:14 GMT; Expires=never");
    EXPECT_EQ(c.expires, sys_days{2021y / June / 9} + 10h + 18min + 14s);
    // ...but a Path that does not start with '/' means the default path.
    c = parse("id=1; Path=/a; Path=relative");
    EXPECT_FALSE(c.path);
    c = parse("id=1; Path=/a; Path=");
    EXPECT_FALSE(c.path);
}

TEST(SetCookieParserTest, MaxAge)
{
    EXPECT_EQ(parse("a=b; Max-Age=0").max_age, 0);
    EXPECT_EQ(parse("a=b; Max-Age=-1").max_age, -1);
    EXPECT_EQ(parse("a=b; Max-Age=007").max_age, 7);
    EXPECT_EQ(parse("a=b; Max-Age=99999999999999999999999").max_age, std::numeric_limits<std::int64_t>::max());
    EXPECT_FALSE(parse("a=b; Max-Age=-").max_age);
    EXPECT_FALSE(parse("a=b; Max-Age=1 2").max_age);
}

TEST(SetCookieParserTest, GarbageAttributesAreIgnored)
{
    auto c = parse("a=b; ; ;; =; =x; foo; bar=baz; Expires; Domain; Path; Max-Age; SameSite; \xff\xfe=\x80");
    EXPECT_EQ(c.name, "a");
    EXPECT_EQ(c.value, "b");
    EXPECT_FALSE(c.expires || c.max_age || c.domain || c.path);
}

TEST(SetCookieParserTest, RandomBytesNeverThrow)
{
    std::mt19937 random{12345};
    std::uniform_int_distribution<int> byte{0, 255};
    std::uniform_int_distribution<int> length{0, 200};
    const std::string alphabet = "=; ,-:/.aAzZ09\t\"";
    for (int i = 0; i < 20000; ++i) {
        std::string field(static_cast<std::size_t>(length(random)), ' ');
        for (auto& ch : field) {
            const int b = byte(random);
            ch = b < 128 ? alphabet[static_cast<std::size_t>(b) % alphabet.size()] : static_cast<char>(b);
        }
        EXPECT_NO_THROW({
            (void)parse_set_cookie(field);
            (void)parse_cookie_date(field);
        });
    }
}

} // namespace
} // namespace trawl
