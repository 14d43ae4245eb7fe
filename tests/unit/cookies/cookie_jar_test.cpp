// RFC 6265 §5.3 (storage model) and §5.4 (the Cookie header), with a
// clock the tests move by hand.

#include <trawl/cookie_jar.hpp>

#include <gtest/gtest.h>

#include <algorithm>

namespace trawl {
namespace {

using namespace std::chrono;
using namespace std::chrono_literals;

class CookieJarTest : public ::testing::Test {
protected:
    CookieJar make(CookieJar::Limits limits = {})
    {
        return CookieJar{limits, [this] { return now; }};
    }
    system_clock::time_point now = sys_days{2024y / March / 1} + 12h;
    CookieJar jar = make();

    std::optional<Cookie> find(const std::string& name) const
    {
        for (auto& c : jar.cookies()) {
            if (c.name == name) {
                return c;
            }
        }
        return std::nullopt;
    }
};

TEST_F(CookieJarTest, StoresAndSends)
{
    EXPECT_EQ(jar.cookie_header("http://example.com/"), "");
    EXPECT_EQ(jar.set_cookie("http://example.com/login", "session=abc; Path=/"), CookieStatus::stored);
    EXPECT_EQ(jar.size(), 1u);
    EXPECT_EQ(jar.cookie_header("http://example.com/"), "session=abc");
    EXPECT_EQ(jar.cookie_header("http://example.com/deep/page?q=1"), "session=abc");
    EXPECT_EQ(jar.cookie_header("http://EXAMPLE.com:8080/"), "session=abc");  // ports do not matter
    EXPECT_EQ(jar.cookie_header("http://other.com/"), "");
    EXPECT_EQ(jar.cookie_header("file:///etc/passwd"), "");
}

TEST_F(CookieJarTest, HostOnlyWithoutDomain)
{
    jar.set_cookie("http://example.com/", "a=1");
    auto c = find("a");
    ASSERT_TRUE(c);
    EXPECT_TRUE(c->host_only);
    EXPECT_EQ(c->domain, "example.com");
    EXPECT_EQ(jar.cookie_header("http://example.com/"), "a=1");
    EXPECT_EQ(jar.cookie_header("http://www.example.com/"), "");
}

TEST_F(CookieJarTest, DomainCookiesReachSubdomains)
{
    EXPECT_EQ(jar.set_cookie("http://www.example.com/", "a=1; Domain=example.com"), CookieStatus::stored);
    EXPECT_EQ(jar.set_cookie("http://www.example.com/", "b=2; Domain=.EXAMPLE.com"), CookieStatus::stored);
    auto c = find("b");
    ASSERT_TRUE(c);
    EXPECT_FALSE(c->host_only);
    EXPECT_EQ(c->domain, "example.com");
    EXPECT_EQ(jar.cookie_header("http://example.com/"), "a=1; b=2");
    EXPECT_EQ(jar.cookie_header("http://a.b.example.com/"), "a=1; b=2");
    EXPECT_EQ(jar.cookie_header("http://badexample.com/"), "");
}

TEST_F(CookieJarTest, DomainMustMatchTheRequestHost)
{
    EXPECT_EQ(jar.set_cookie("http://www.example.com/", "a=1; Domain=other.com"), CookieStatus::domain_mismatch);
    EXPECT_EQ(jar.set_cookie("http://example.com/", "a=1; Domain=www.example.com"), CookieStatus::domain_mismatch);
    EXPECT_EQ(jar.set_cookie("http://badexample.com/", "a=1; Domain=example.com"), CookieStatus::domain_mismatch);
    EXPECT_EQ(jar.set_cookie("http://127.0.0.1/", "a=1; Domain=0.0.1"), CookieStatus::domain_mismatch);
    EXPECT_TRUE(jar.empty());
}

TEST_F(CookieJarTest, PublicSuffixDomainsAreRefused)
{
    EXPECT_EQ(jar.set_cookie("http://www.bbc.co.uk/", "a=1; Domain=co.uk"), CookieStatus::public_suffix);
    EXPECT_EQ(jar.set_cookie("http://www.example.com/", "a=1; Domain=com"), CookieStatus::public_suffix);
    EXPECT_EQ(jar.set_cookie("http://foo.github.io/", "a=1; Domain=github.io"), CookieStatus::public_suffix);
    EXPECT_EQ(jar.set_cookie("http://foo.blogspot.com/", "a=1; Domain=.blogspot.com"), CookieStatus::public_suffix);
    EXPECT_TRUE(jar.empty());
    EXPECT_EQ(jar.set_cookie("http://www.bbc.co.uk/", "b=2; Domain=bbc.co.uk"), CookieStatus::stored);
    EXPECT_EQ(jar.cookie_header("http://news.bbc.co.uk/"), "b=2");
    EXPECT_EQ(jar.cookie_header("http://other.co.uk/"), "");
}

TEST_F(CookieJarTest, APublicSuffixThatIsTheHostMakesAHostOnlyCookie)
{
    EXPECT_EQ(jar.set_cookie("http://co.uk/", "a=1; Domain=co.uk"), CookieStatus::stored);
    auto c = find("a");
    ASSERT_TRUE(c);
    EXPECT_TRUE(c->host_only);
    EXPECT_EQ(jar.cookie_header("http://co.uk/"), "a=1");
    EXPECT_EQ(jar.cookie_header("http://bbc.co.uk/"), "");
    EXPECT_EQ(jar.set_cookie("http://localhost:8080/", "b=2; Domain=localhost"), CookieStatus::stored);
    EXPECT_EQ(jar.cookie_header("http://localhost/"), "b=2");
}

TEST_F(CookieJarTest, InternationalDomainsCompareAsALabels)
{
    EXPECT_EQ(jar.set_cookie("http://www.xn--bcher-kva.example/", "a=1; Domain=B\xc3\xbc" "cher.example"),
              CookieStatus::stored);
    EXPECT_EQ(find("a")->domain, "xn--bcher-kva.example");
    EXPECT_EQ(jar.cookie_header("http://xn--bcher-kva.example/"), "a=1");
    EXPECT_EQ(jar.cookie_header("http://b\xc3\xbc" "cher.example/"), "a=1");
}

TEST_F(CookieJarTest, IpAddressHosts)
{
    EXPECT_EQ(jar.set_cookie("http://127.0.0.1:8080/", "a=1"), CookieStatus::stored);
    EXPECT_EQ(jar.set_cookie("http://127.0.0.1:8080/", "b=2; Domain=127.0.0.1"), CookieStatus::stored);
    EXPECT_EQ(jar.cookie_header("http://127.0.0.1:9090/x"), "a=1; b=2");
    EXPECT_EQ(jar.cookie_header("http://127.0.0.2/"), "");
    EXPECT_EQ(jar.set_cookie("http://[::1]:8080/", "c=3"), CookieStatus::stored);
    EXPECT_EQ(jar.cookie_header("http://[::1]/"), "c=3");
}

TEST_F(CookieJarTest, DefaultPathAndPathAttribute)
{
    jar.set_cookie("http://example.com/docs/page", "a=1");  // default path /docs
    jar.set_cookie("http://example.com/docs/page", "b=2; Path=/");
    jar.set_cookie("http://example.com/", "c=3; Path=/docs/web");
    jar.set_cookie("http://example.com/", "d=4; Path=relative");  // default path of "/" is "/"
    EXPECT_EQ(find("a")->path, "/docs");
    EXPECT_EQ(find("d")->path, "/");
    EXPECT_EQ(jar.cookie_header("http://example.com/"), "b=2; d=4");
    EXPECT_EQ(jar.cookie_header("http://example.com/docs"), "a=1; b=2; d=4");
    EXPECT_EQ(jar.cookie_header("http://example.com/docsets"), "b=2; d=4");
    EXPECT_EQ(jar.cookie_header("http://example.com/docs/web/x"), "c=3; a=1; b=2; d=4");  // longest path first
}

TEST_F(CookieJarTest, OrderIsLongerPathThenEarlierCreation)
{
    jar.set_cookie("http://example.com/", "z=1; Path=/");
    now += 1s;
    jar.set_cookie("http://example.com/", "y=2; Path=/a/b");
    now += 1s;
    jar.set_cookie("http://example.com/", "x=3; Path=/");
    jar.set_cookie("http://example.com/", "w=4; Path=/a");  // same second as x: storage order decides
    EXPECT_EQ(jar.cookie_header("http://example.com/a/b/c"), "y=2; w=4; z=1; x=3");
}

TEST_F(CookieJarTest, ReplacingKeepsTheCreationTime)
{
    jar.set_cookie("http://example.com/", "a=1");
    now += 1s;
    jar.set_cookie("http://example.com/", "b=2");
    now += 1s;
    const auto created = find("a")->creation;
    EXPECT_EQ(jar.set_cookie("http://example.com/", "a=3; HttpOnly"), CookieStatus::stored);
    EXPECT_EQ(jar.size(), 2u);
    EXPECT_EQ(find("a")->creation, created);
    EXPECT_TRUE(find("a")->http_only);
    EXPECT_EQ(jar.cookie_header("http://example.com/"), "a=3; b=2");
    // Same name, other path or domain: a different cookie.
    jar.set_cookie("http://example.com/", "a=4; Path=/x");
    jar.set_cookie("http://www.example.com/", "a=5");
    EXPECT_EQ(jar.size(), 4u);
    // A domain cookie replaces a host-only one of the same domain (§5.3
    // step 11 compares name, domain and path only).
    jar.set_cookie("http://www.example.com/", "a=6; Domain=example.com");
    EXPECT_EQ(jar.size(), 4u);
    EXPECT_EQ(jar.cookie_header("http://sub.example.com/"), "a=6");  // b is host-only
}

TEST_F(CookieJarTest, SecureCookiesGoOverHttpsOnly)
{
    EXPECT_EQ(jar.set_cookie("https://example.com/", "s=1; Secure"), CookieStatus::stored);
    EXPECT_EQ(jar.set_cookie("http://example.com/", "t=2; Secure"), CookieStatus::stored);  // RFC 6265 allows it
    jar.set_cookie("http://example.com/", "p=3");
    EXPECT_EQ(jar.cookie_header("https://example.com/"), "s=1; t=2; p=3");
    EXPECT_EQ(jar.cookie_header("wss://example.com/"), "s=1; t=2; p=3");
    EXPECT_EQ(jar.cookie_header("http://example.com/"), "p=3");
    EXPECT_EQ(jar.cookie_header("http://localhost/"), "");
}

TEST_F(CookieJarTest, FlagsAreKept)
{
    jar.set_cookie("https://example.com/", "a=1; Secure; HttpOnly; SameSite=Strict");
    auto c = find("a");
    ASSERT_TRUE(c);
    EXPECT_TRUE(c->secure);
    EXPECT_TRUE(c->http_only);
    EXPECT_EQ(c->same_site, SameSite::strict);
    EXPECT_FALSE(c->expires);  // a session cookie
    EXPECT_EQ(jar.cookie_header("https://example.com/"), "a=1");  // HttpOnly: we are an HTTP client
}

TEST_F(CookieJarTest, ExpiresAndMaxAge)
{
    EXPECT_EQ(jar.set_cookie("http://example.com/", "e=1; Expires=Fri, 01 Mar 2024 13:00:00 GMT"), CookieStatus::stored);
    EXPECT_EQ(find("e")->expires, sys_days{2024y / March / 1} + 13h);
    EXPECT_EQ(jar.set_cookie("http://example.com/", "m=2; Max-Age=60"), CookieStatus::stored);
    EXPECT_EQ(find("m")->expires, sys_days{2024y / March / 1} + 12h + 1min);
    // Max-Age wins over Expires, whichever comes first.
    EXPECT_EQ(jar.set_cookie("http://example.com/", "w=3; Max-Age=3600; Expires=Thu, 01 Jan 1970 00:00:00 GMT"),
              CookieStatus::stored);
    EXPECT_EQ(jar.set_cookie("http://example.com/", "x=4; Expires=Fri, 01 Mar 2030 00:00:00 GMT; Max-Age=0"),
              CookieStatus::expired);
    EXPECT_EQ(jar.cookie_header("http://example.com/"), "e=1; m=2; w=3");

    now += 61s;
    EXPECT_EQ(jar.cookie_header("http://example.com/"), "e=1; w=3");
    EXPECT_EQ(jar.size(), 2u);  // the expired one was purged
    now += 1h;
    EXPECT_EQ(jar.cookie_header("http://example.com/"), "");
    EXPECT_TRUE(jar.empty());
}

TEST_F(CookieJarTest, AnExpiredCookieDeletesTheStoredOne)
{
    jar.set_cookie("http://example.com/", "a=1; Path=/");
    jar.set_cookie("http://example.com/", "b=2; Path=/");
    EXPECT_EQ(jar.set_cookie("http://example.com/", "a=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT"),
              CookieStatus::expired);
    EXPECT_EQ(jar.set_cookie("http://example.com/", "b=; Path=/; Max-Age=-1"), CookieStatus::expired);
    EXPECT_TRUE(jar.empty());
    // The deletion names the path: another path's cookie stays.
    jar.set_cookie("http://example.com/", "c=1; Path=/x");
    jar.set_cookie("http://example.com/", "c=; Path=/; Max-Age=0");
    EXPECT_EQ(jar.size(), 1u);
}

TEST_F(CookieJarTest, HugeMaxAgeDoesNotOverflow)
{
    EXPECT_EQ(jar.set_cookie("http://example.com/", "a=1; Max-Age=99999999999999999999"), CookieStatus::stored);
    EXPECT_GT(*find("a")->expires, sys_days{9999y / December / 31});
    EXPECT_EQ(jar.set_cookie("http://example.com/", "b=1; Expires=Fri, 31 Dec 9999 23:59:59 GMT"), CookieStatus::stored);
    EXPECT_EQ(jar.cookie_header("http://example.com/"), "a=1; b=1");
}

TEST_F(CookieJarTest, SizeLimit)
{
    const std::string name = "n";
    EXPECT_EQ(jar.set_cookie("http://example.com/", name + "=" + std::string(4095, 'v')), CookieStatus::stored);
    EXPECT_EQ(jar.set_cookie("http://example.com/", name + "=" + std::string(4096, 'v')), CookieStatus::too_large);
    EXPECT_EQ(jar.size(), 1u);
    CookieJar small = make({.max_cookie_size = 10});
    EXPECT_EQ(small.set_cookie("http://example.com/", "abc=1234567"), CookieStatus::stored);
    EXPECT_EQ(small.set_cookie("http://example.com/", "abc=12345678"), CookieStatus::too_large);
    SetCookie parsed;
    parsed.name = "abc";
    parsed.value = "12345678";
    EXPECT_EQ(small.set_cookie("http://example.com/", parsed), CookieStatus::too_large);
    CookieJar big = make({.max_cookie_size = 8192});
    EXPECT_EQ(big.set_cookie("http://example.com/", "n=" + std::string(5000, 'v')), CookieStatus::stored);
}

TEST_F(CookieJarTest, PerDomainLimitEvictsTheLeastRecentlyUsed)
{
    jar = make({.max_per_domain = 3});
    for (const char* field : {"a=1", "b=2", "c=3"}) {
        jar.set_cookie("http://example.com/", field);
        now += 1s;
    }
    jar.set_cookie("http://example.com/", "d=4");  // a goes
    EXPECT_EQ(jar.cookie_header("http://example.com/"), "b=2; c=3; d=4");
    jar.set_cookie("http://example.com/", "p=0; Path=/private");  // sending refreshed b, c, d alike: b is oldest
    EXPECT_EQ(jar.cookie_header("http://example.com/private"), "p=0; c=3; d=4");
    // Other domains have their own count.
    jar.set_cookie("http://other.com/", "x=1");
    EXPECT_EQ(jar.size(), 4u);
}

TEST_F(CookieJarTest, PerDomainLimitDropsExpiredCookiesFirst)
{
    jar = make({.max_per_domain = 2});
    jar.set_cookie("http://example.com/", "old=1");
    jar.set_cookie("http://example.com/", "short=2; Max-Age=5");
    now += 10s;
    jar.set_cookie("http://example.com/", "new=3");
    EXPECT_EQ(jar.cookie_header("http://example.com/"), "old=1; new=3");
}

TEST_F(CookieJarTest, TotalLimitEvictsTheLeastRecentlyUsed)
{
    jar = make({.max_per_domain = 180, .max_cookies = 3});
    jar.set_cookie("http://a.com/", "a=1");
    jar.set_cookie("http://b.com/", "b=1");
    jar.set_cookie("http://c.com/", "c=1");
    EXPECT_EQ(jar.cookie_header("http://a.com/"), "a=1");  // a is now the most recently used
    jar.set_cookie("http://d.com/", "d=1");
    EXPECT_EQ(jar.size(), 3u);
    EXPECT_EQ(jar.cookie_header("http://b.com/"), "");
    EXPECT_EQ(jar.cookie_header("http://a.com/"), "a=1");
    EXPECT_EQ(jar.cookie_header("http://c.com/"), "c=1");
    EXPECT_EQ(jar.cookie_header("http://d.com/"), "d=1");
}

TEST_F(CookieJarTest, DefaultLimitsAre180PerDomainAnd3000InAll)
{
    for (int i = 0; i < 200; ++i) {
        jar.set_cookie("http://example.com/", "c" + std::to_string(i) + "=1");
    }
    EXPECT_EQ(jar.size(), 180u);
    EXPECT_FALSE(find("c19"));
    EXPECT_TRUE(find("c20"));
    for (int d = 0; d < 40; ++d) {
        for (int i = 0; i < 100; ++i) {
            jar.set_cookie("http://host" + std::to_string(d) + ".example.org/", "c" + std::to_string(i) + "=1");
        }
    }
    EXPECT_EQ(jar.size(), 3000u);
}

TEST_F(CookieJarTest, GarbageIsRefusedWithoutThrowing)
{
    for (std::string_view field : {"", "garbage", "=x", "a=b\r\nSet-Cookie: c=d", "\x01\x02"}) {
        EXPECT_EQ(jar.set_cookie("http://example.com/", field), CookieStatus::malformed) << field;
    }
    EXPECT_EQ(jar.set_cookie("not a url", "a=1"), CookieStatus::no_host);
    EXPECT_EQ(jar.set_cookie("http://example.com/", "a=1; Domain=exa\xff" "mple.com"), CookieStatus::domain_mismatch);
    EXPECT_TRUE(jar.empty());
}

TEST_F(CookieJarTest, ParsedCookiesThatCouldNotBeSentBackAreRefused)
{
    for (auto [name, value] : {std::pair{"", "v"}, {"a;b", "v"}, {"a=b", "v"}, {"a", "v;x=y"}, {"a", "v\r\n"}}) {
        SetCookie cookie;
        cookie.name = name;
        cookie.value = value;
        EXPECT_EQ(jar.set_cookie("http://example.com/", cookie), CookieStatus::malformed) << name << value;
    }
    SetCookie good;
    good.name = "a";
    good.value = "caf\xc3\xa9 au lait";
    good.domain = "example.com";
    EXPECT_EQ(jar.set_cookie("http://www.example.com/", good), CookieStatus::stored);
    EXPECT_EQ(jar.cookie_header("http://example.com/"), "a=caf\xc3\xa9 au lait");
}

TEST_F(CookieJarTest, ClearAndMove)
{
    jar.set_cookie("http://example.com/", "a=1");
    CookieJar moved = std::move(jar);
    EXPECT_EQ(moved.cookie_header("http://example.com/"), "a=1");
    moved.clear();
    EXPECT_TRUE(moved.empty());
    EXPECT_EQ(moved.cookie_header("http://example.com/"), "");
    jar = make();
}

TEST(CookieStatusTest, Names)
{
    EXPECT_EQ(to_string(CookieStatus::stored), "stored");
    EXPECT_EQ(to_string(CookieStatus::public_suffix), "public_suffix");
    EXPECT_EQ(to_string(CookieStatus::domain_mismatch), "domain_mismatch");
}

} // namespace
} // namespace trawl
