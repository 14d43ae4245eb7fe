#include "http/proxy.hpp"

#include <trawl/error.hpp>

#include <gtest/gtest.h>

namespace trawl::detail {
namespace {

Request with_proxy(boost::json::value proxy)
{
    Request request{"https://example.com/"};
    request.meta["proxy"] = std::move(proxy);
    return request;
}

TEST(ProxyUrlTest, NoProxy)
{
    EXPECT_FALSE(proxy_for(Request{"http://example.com/"}).value());
    EXPECT_FALSE(proxy_for(with_proxy(nullptr)).value());
    EXPECT_FALSE(proxy_for(with_proxy("")).value());
}

TEST(ProxyUrlTest, EndpointCredentialsAndDisplay)
{
    auto proxy = proxy_for(with_proxy("http://alice:s3cret@Proxy.Example:3128")).value();
    ASSERT_TRUE(proxy);
    EXPECT_EQ(proxy->host, "proxy.example");
    EXPECT_EQ(proxy->port, 3128);
    EXPECT_EQ(proxy->authorization, "Basic YWxpY2U6czNjcmV0");
    EXPECT_EQ(proxy->display(), "proxy.example:3128");
    EXPECT_EQ(proxy->pool_key().find("s3cret"), std::string::npos);
    EXPECT_EQ(proxy->pool_key().find("YWxp"), std::string::npos);

    auto bare = proxy_for(with_proxy("127.0.0.1:8080")).value();
    ASSERT_TRUE(bare);
    EXPECT_EQ(bare->display(), "127.0.0.1:8080");
    EXPECT_TRUE(bare->authorization.empty());
    EXPECT_EQ(bare->pool_key(), "http://127.0.0.1:8080");

    auto v6 = proxy_for(with_proxy("http://[::1]")).value();
    ASSERT_TRUE(v6);
    EXPECT_EQ(v6->display(), "[::1]:80");
}

TEST(ProxyUrlTest, DifferentCredentialsDifferentKeys)
{
    auto a = proxy_for(with_proxy("http://a:1@p:1")).value();
    auto b = proxy_for(with_proxy("http://b:2@p:1")).value();
    auto a2 = proxy_for(with_proxy("http://a:1@p:1")).value();
    EXPECT_NE(a->pool_key(), b->pool_key());
    EXPECT_EQ(a->pool_key(), a2->pool_key());
}

TEST(ProxyUrlTest, HeaderWinsOverUrlCredentials)
{
    auto request = with_proxy("http://a:1@p:1");
    request.headers.set("Proxy-Authorization", "Basic eDp5");
    EXPECT_EQ(proxy_for(request).value()->authorization, "Basic eDp5");
}

TEST(ProxyUrlTest, Errors)
{
    EXPECT_EQ(proxy_for(with_proxy("https://p:1")).error(), errc::unsupported_scheme);
    EXPECT_EQ(proxy_for(with_proxy("socks5://p:1")).error(), errc::unsupported_scheme);
    EXPECT_EQ(proxy_for(with_proxy(42)).error(), errc::invalid_url);
    EXPECT_EQ(proxy_for(with_proxy("http://p:99999")).error(), errc::invalid_url);
    EXPECT_EQ(proxy_for(with_proxy("http://")).error(), errc::invalid_url);
}

TEST(ProxyUrlTest, BasicAuthorization)
{
    EXPECT_EQ(basic_proxy_authorization("user", "pass"), "Basic dXNlcjpwYXNz");
    EXPECT_EQ(basic_proxy_authorization("us@er", "p\xC3\xA9ss"), "Basic dXNAZXI6cOlzcw==");  // Latin-1
    EXPECT_EQ(basic_proxy_authorization("\xE2\x82\xAC", ""), "Basic 4oKsOg==");  // UTF-8 when not Latin-1
}

} // namespace
} // namespace trawl::detail
