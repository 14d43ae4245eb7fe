// RFC 6265 §5.1.3 and §5.1.4, and the URL parts the cookie rules read.

#include "cookies/cookie_rules.hpp"

#include <gtest/gtest.h>

namespace trawl::detail {
namespace {

TEST(CookieRulesTest, DomainMatch)
{
    EXPECT_TRUE(domain_match("example.com", "example.com", false));
    EXPECT_TRUE(domain_match("www.example.com", "example.com", false));
    EXPECT_TRUE(domain_match("a.b.example.com", "example.com", false));
    EXPECT_FALSE(domain_match("badexample.com", "example.com", false));
    EXPECT_FALSE(domain_match("example.com", "www.example.com", false));
    EXPECT_FALSE(domain_match("example.com.evil", "example.com", false));
    // An IP address matches itself only.
    EXPECT_TRUE(domain_match("127.0.0.1", "127.0.0.1", true));
    EXPECT_FALSE(domain_match("127.0.0.1", "0.0.1", true));
}

TEST(CookieRulesTest, IpHosts)
{
    EXPECT_TRUE(is_ip_host("127.0.0.1"));
    EXPECT_TRUE(is_ip_host("[::1]"));
    EXPECT_TRUE(is_ip_host("10.0.0.1."));
    EXPECT_TRUE(is_ip_host("0x7f.1"));
    EXPECT_FALSE(is_ip_host("example.com"));
    EXPECT_FALSE(is_ip_host("1.example"));
    EXPECT_FALSE(is_ip_host("localhost"));
}

TEST(CookieRulesTest, DefaultPath)
{
    EXPECT_EQ(default_path(""), "/");
    EXPECT_EQ(default_path("relative"), "/");
    EXPECT_EQ(default_path("/"), "/");
    EXPECT_EQ(default_path("/page"), "/");
    EXPECT_EQ(default_path("/docs/"), "/docs");
    EXPECT_EQ(default_path("/docs/page"), "/docs");
    EXPECT_EQ(default_path("/a/b/c.html"), "/a/b");
}

TEST(CookieRulesTest, PathMatch)
{
    EXPECT_TRUE(path_match("/", "/"));
    EXPECT_TRUE(path_match("/docs", "/docs"));
    EXPECT_TRUE(path_match("/docs/", "/docs"));
    EXPECT_TRUE(path_match("/docs/web", "/docs"));
    EXPECT_TRUE(path_match("/docs/web", "/docs/"));
    EXPECT_TRUE(path_match("/anything", "/"));
    EXPECT_FALSE(path_match("/docsets", "/docs"));
    EXPECT_FALSE(path_match("/doc", "/docs"));
    EXPECT_FALSE(path_match("/", "/docs"));
    EXPECT_FALSE(path_match("/Docs", "/docs"));  // case-sensitive
}

TEST(CookieRulesTest, TargetOfAUrl)
{
    auto t = cookie_target("HTTPS://User:pw@WWW.Example.COM:8443/a/b?q=/x#/y");
    ASSERT_TRUE(t);
    EXPECT_EQ(t->scheme, "https");
    EXPECT_EQ(t->host, "www.example.com");
    EXPECT_EQ(t->path, "/a/b");
    EXPECT_TRUE(t->secure);
    EXPECT_FALSE(t->host_is_ip);

    t = cookie_target("http://127.0.0.1:8080?x");
    ASSERT_TRUE(t);
    EXPECT_EQ(t->path, "/");
    EXPECT_TRUE(t->host_is_ip);
    EXPECT_FALSE(t->secure);

    t = cookie_target("http://b\xc3\xbc" "cher.example/");  // bücher
    ASSERT_TRUE(t);
    EXPECT_EQ(t->host, "xn--bcher-kva.example");

    EXPECT_FALSE(cookie_target("file:///tmp/x"));
    EXPECT_FALSE(cookie_target("data:text/plain,hi"));
    EXPECT_FALSE(cookie_target("/relative"));
    EXPECT_FALSE(cookie_target(""));
}

TEST(CookieRulesTest, PublicSuffixes)
{
    EXPECT_TRUE(is_public_suffix("com"));
    EXPECT_TRUE(is_public_suffix("co.uk"));
    EXPECT_TRUE(is_public_suffix("github.io"));     // private section
    EXPECT_TRUE(is_public_suffix("blogspot.com"));  // private section
    EXPECT_FALSE(is_public_suffix("example.com"));
    EXPECT_FALSE(is_public_suffix("bbc.co.uk"));
    EXPECT_FALSE(is_public_suffix("127.0.0.1"));
}

} // namespace
} // namespace trawl::detail
