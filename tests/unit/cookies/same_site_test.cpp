// SameSite enforcement (RFC 6265bis §5.8.3, §5.7): schemeful same-site by
// registrable domain, Strict / Lax / Lax-by-default / None, and the
// Secure rule for SameSite=None.

#include "cookies/cookie_rules.hpp"

#include <trawl/cookie_jar.hpp>

#include <gtest/gtest.h>

namespace trawl {
namespace {

using namespace std::chrono;
using namespace std::chrono_literals;

bool same_site(std::string_view request_url, std::string_view initiator_url)
{
    const auto target = detail::cookie_target(request_url);
    EXPECT_TRUE(target) << request_url;
    return target && detail::is_same_site(*target, initiator_url);
}

TEST(SameSiteRulesTest, RegistrableDomain)
{
    EXPECT_EQ(detail::registrable_domain("www.example.com"), "example.com");
    EXPECT_EQ(detail::registrable_domain("a.b.example.co.uk"), "example.co.uk");
    EXPECT_EQ(detail::registrable_domain("a.user.github.io"), "user.github.io");
    // A public suffix or a single label has none: it is its own site.
    EXPECT_EQ(detail::registrable_domain("github.io"), "github.io");
    EXPECT_EQ(detail::registrable_domain("localhost"), "localhost");
}

TEST(SameSiteRulesTest, SameSiteIsSchemeAndRegistrableDomain)
{
    EXPECT_TRUE(same_site("https://www.example.com/a", ""));  // no initiator
    EXPECT_TRUE(same_site("https://www.example.com/a", "https://example.com/"));
    EXPECT_TRUE(same_site("https://a.example.com/", "https://b.example.com:8443/x?y"));
    EXPECT_TRUE(same_site("https://A.Example.COM/", "https://b.example.com/"));
    EXPECT_FALSE(same_site("https://example.com/", "https://example.org/"));
    // Schemeful: http and https pages of one domain are different sites.
    EXPECT_FALSE(same_site("https://example.com/", "http://example.com/"));
    EXPECT_FALSE(same_site("http://example.com/", "https://example.com/"));
    EXPECT_TRUE(same_site("wss://example.com/", "https://www.example.com/"));
    EXPECT_TRUE(same_site("ws://example.com/", "http://www.example.com/"));
    // Private-section suffixes split sites as ICANN ones do.
    EXPECT_FALSE(same_site("https://alice.github.io/", "https://bob.github.io/"));
    EXPECT_TRUE(same_site("https://x.alice.github.io/", "https://alice.github.io/"));
    EXPECT_FALSE(same_site("https://a.co.uk/", "https://b.co.uk/"));
    // IP addresses and single labels are their own sites.
    EXPECT_TRUE(same_site("http://127.0.0.1:1/", "http://127.0.0.1:2/"));
    EXPECT_FALSE(same_site("http://127.0.0.1/", "http://localhost/"));
    EXPECT_FALSE(same_site("http://127.0.0.1/", "http://127.0.0.2/"));
    // An initiator without a host is an opaque origin.
    EXPECT_FALSE(same_site("http://example.com/", "data:text/html,x"));
    EXPECT_FALSE(same_site("http://example.com/", "about:blank"));
}

class SameSiteJarTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        for (const auto* field : {"strict=1; SameSite=Strict", "lax=2; SameSite=Lax", "none=3; SameSite=None; Secure",
                                  "unset=4", "bogus=5; SameSite=maybe"}) {
            ASSERT_EQ(jar.set_cookie("https://shop.example.com/login", field), CookieStatus::stored) << field;
        }
    }

    std::string header(std::string_view initiator, std::string_view method = "GET", bool top_level = true)
    {
        CookieRequestContext context;
        context.initiator_url = initiator;
        context.method = method;
        context.top_level = top_level;
        return jar.cookie_header("https://shop.example.com/cart", context);
    }

    system_clock::time_point now = sys_days{2024y / March / 1} + 12h;
    CookieJar jar{CookieJar::Limits{}, [this] { return now; }};
};

TEST_F(SameSiteJarTest, SameSiteRequestsGetEverything)
{
    const std::string all = "strict=1; lax=2; none=3; unset=4; bogus=5";
    EXPECT_EQ(header(""), all);
    EXPECT_EQ(header("", "POST"), all);
    EXPECT_EQ(header("https://www.example.com/page"), all);
    EXPECT_EQ(header("https://example.com/", "POST"), all);
    EXPECT_EQ(header("https://example.com/", "DELETE", false), all);
    EXPECT_EQ(jar.cookie_header("https://shop.example.com/"), all);  // no context: same-site
}

TEST_F(SameSiteJarTest, CrossSiteGetNavigationHoldsBackStrict)
{
    std::vector<Cookie> held;
    CookieRequestContext context;
    context.initiator_url = "https://evil.example.org/";
    EXPECT_EQ(jar.cookie_header("https://shop.example.com/", context, &held), "lax=2; none=3; unset=4; bogus=5");
    ASSERT_EQ(held.size(), 1u);
    EXPECT_EQ(held[0].name, "strict");
    EXPECT_EQ(held[0].same_site, SameSite::strict);
    EXPECT_EQ(header("https://evil.example.org/", "HEAD"), "lax=2; none=3; unset=4; bogus=5");
}

TEST_F(SameSiteJarTest, SchemefulCrossSite)
{
    // The http page of the same domain is another site.
    EXPECT_EQ(header("http://shop.example.com/"), "lax=2; none=3; unset=4; bogus=5");
}

TEST_F(SameSiteJarTest, CrossSitePostSendsNoneAndFreshUnsetCookies)
{
    // Within two minutes of creation, a cookie without SameSite still goes
    // on a cross-site POST (Chrome's Lax-allowing-unsafe).
    now += 119s;
    EXPECT_EQ(header("https://evil.example.org/", "POST"), "none=3; unset=4; bogus=5");
    now += 2s;
    EXPECT_EQ(header("https://evil.example.org/", "POST"), "none=3");
    EXPECT_EQ(header("https://evil.example.org/", "PUT"), "none=3");
    // Methods are case-sensitive: "get" is not the safe GET.
    EXPECT_EQ(header("https://evil.example.org/", "get"), "none=3");
    EXPECT_EQ(header("https://evil.example.org/", "GET"), "lax=2; none=3; unset=4; bogus=5");
}

TEST_F(SameSiteJarTest, ReplacingKeepsTheCreationTimeForTheUnsafeWindow)
{
    now += 10min;
    ASSERT_EQ(jar.set_cookie("https://shop.example.com/", "unset=again"), CookieStatus::stored);
    EXPECT_EQ(header("https://evil.example.org/", "POST"), "none=3");
    ASSERT_EQ(jar.set_cookie("https://shop.example.com/", "fresh=6"), CookieStatus::stored);
    EXPECT_EQ(header("https://evil.example.org/", "POST"), "none=3; fresh=6");
}

TEST_F(SameSiteJarTest, NonTopLevelCrossSiteSendsOnlyNone)
{
    EXPECT_EQ(header("https://evil.example.org/", "GET", false), "none=3");
}

TEST_F(SameSiteJarTest, PublicSuffixSitesAreSeparate)
{
    jar.clear();
    ASSERT_EQ(jar.set_cookie("https://alice.github.io/", "s=1; SameSite=Strict"), CookieStatus::stored);
    CookieRequestContext from_bob;
    from_bob.initiator_url = "https://bob.github.io/";
    CookieRequestContext from_alice;
    from_alice.initiator_url = "https://www.alice.github.io/";
    EXPECT_EQ(jar.cookie_header("https://alice.github.io/", from_bob), "");
    EXPECT_EQ(jar.cookie_header("https://alice.github.io/", from_alice), "s=1");
}

TEST_F(SameSiteJarTest, CrossSiteResponsesMaySetStrictCookies)
{
    // Every crawler response answers a navigation: it may set any cookie.
    jar.clear();
    EXPECT_EQ(jar.set_cookie("https://other.example.net/", "s=1; SameSite=Strict"), CookieStatus::stored);
    EXPECT_EQ(jar.cookie_header("https://other.example.net/"), "s=1");
}

TEST_F(SameSiteJarTest, NoneWithoutSecureIsRefused)
{
    EXPECT_EQ(jar.set_cookie("https://shop.example.com/", "none=x; SameSite=None"),
              CookieStatus::same_site_none_insecure);
    EXPECT_EQ(jar.set_cookie("http://shop.example.com/", "n=x; SameSite=none"), CookieStatus::same_site_none_insecure);
    // The stored Secure one is not replaced nor deleted.
    EXPECT_EQ(header(""), "strict=1; lax=2; none=3; unset=4; bogus=5");
    EXPECT_EQ(to_string(CookieStatus::same_site_none_insecure), "same_site_none_insecure");
}

TEST_F(SameSiteJarTest, EnforcementOff)
{
    EXPECT_TRUE(jar.same_site_enforced());
    jar.set_same_site_enforced(false);
    EXPECT_FALSE(jar.same_site_enforced());
    EXPECT_EQ(jar.set_cookie("https://shop.example.com/", "plain=6; SameSite=None"), CookieStatus::stored);
    std::vector<Cookie> held;
    CookieRequestContext context;
    context.initiator_url = "https://evil.example.org/";
    context.method = "POST";
    now += 1h;
    EXPECT_EQ(jar.cookie_header("https://shop.example.com/", context, &held),
              "strict=1; lax=2; none=3; unset=4; bogus=5; plain=6");
    EXPECT_TRUE(held.empty());
}

TEST(SameSiteNamesTest, Names)
{
    EXPECT_EQ(to_string(SameSite::strict), "Strict");
    EXPECT_EQ(to_string(SameSite::lax), "Lax");
    EXPECT_EQ(to_string(SameSite::none), "None");
    EXPECT_EQ(to_string(SameSite::unset), "unset");
}

} // namespace
} // namespace trawl
