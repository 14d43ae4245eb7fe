#include "http/url_parts.hpp"

#include <trawl/error.hpp>

#include <gtest/gtest.h>

namespace trawl::detail {
namespace {

TEST(UrlParts, DefaultsAndTargets)
{
    auto u = parse_http_url("http://Example.COM/a/b?x=1#frag");
    ASSERT_TRUE(u);
    EXPECT_EQ(u->scheme, "http");
    EXPECT_EQ(u->host, "example.com");
    EXPECT_EQ(u->port, 80);
    EXPECT_EQ(u->target, "/a/b?x=1");  // the fragment is never sent
    EXPECT_EQ(u->host_header, "example.com");

    auto s = parse_http_url("HTTPS://example.com");
    ASSERT_TRUE(s);
    EXPECT_EQ(s->scheme, "https");
    EXPECT_EQ(s->port, 443);
    EXPECT_EQ(s->target, "/");
}

TEST(UrlParts, PortsAndIpv6)
{
    auto u = parse_http_url("http://127.0.0.1:8080/x");
    ASSERT_TRUE(u);
    EXPECT_EQ(u->port, 8080);
    EXPECT_EQ(u->host_header, "127.0.0.1:8080");

    auto v6 = parse_http_url("https://[::1]:8443/");
    ASSERT_TRUE(v6);
    EXPECT_EQ(v6->host, "::1");
    EXPECT_EQ(v6->host_header, "[::1]:8443");

    auto explicit_default = parse_http_url("http://example.com:80/");
    ASSERT_TRUE(explicit_default);
    EXPECT_EQ(explicit_default->host_header, "example.com");

    auto empty_port = parse_http_url("http://example.com:/");
    ASSERT_TRUE(empty_port);
    EXPECT_EQ(empty_port->port, 80);
}

TEST(UrlParts, Rejections)
{
    EXPECT_EQ(parse_http_url("http://").error(), errc::invalid_url);
    EXPECT_EQ(parse_http_url("http:///path").error(), errc::invalid_url);
    EXPECT_EQ(parse_http_url("relative/path").error(), errc::invalid_url);
    EXPECT_EQ(parse_http_url("http://host:0/").error(), errc::invalid_url);
    EXPECT_EQ(parse_http_url("http://host:65536/").error(), errc::invalid_url);
    EXPECT_EQ(parse_http_url("ftp://host/").error(), errc::unsupported_scheme);
}

TEST(UrlParts, SchemeOfAnyUrl)
{
    EXPECT_EQ(url_scheme("HTTP://x"), "http");
    EXPECT_EQ(url_scheme("data:,hello"), "data");
    EXPECT_EQ(url_scheme("file:///tmp/x"), "file");
    EXPECT_EQ(url_scheme("no scheme here"), "");
    EXPECT_EQ(url_scheme("1http://x"), "");
    EXPECT_EQ(url_scheme(":x"), "");
}

} // namespace
} // namespace trawl::detail
