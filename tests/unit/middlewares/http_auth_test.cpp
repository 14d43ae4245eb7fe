#include "downloader/http_auth.hpp"
#include "middleware_test_support.hpp"

#include <gtest/gtest.h>

namespace trawl::test {
namespace {

using middlewares::HttpAuthMiddleware;

// The Authorization header `mw` gives a request to `url` ("" for none).
std::string auth_for(HttpAuthMiddleware& mw, std::string url)
{
    Request request{std::move(url)};
    auto action = run(mw.process_request(request));
    EXPECT_TRUE(std::holds_alternative<Continue>(action));
    return std::string(request.headers.get("Authorization").value_or(""));
}

TEST(HttpAuthTest, BasicAuthHeaderAsW3lib)
{
    EXPECT_EQ(HttpAuthMiddleware::basic_auth_header("someuser", "somepass"), "Basic c29tZXVzZXI6c29tZXBhc3M=");
    EXPECT_EQ(HttpAuthMiddleware::basic_auth_header("", ""), "Basic Og==");
    EXPECT_EQ(HttpAuthMiddleware::basic_auth_header("a", "bc"), "Basic YTpiYw==");
    // Latin-1, as Scrapy's default: "ü" is one byte (0xFC).
    EXPECT_EQ(HttpAuthMiddleware::basic_auth_header("\xC3\xBC", "p"), "Basic /Dpw");
    // Outside Latin-1: the UTF-8 bytes.
    EXPECT_EQ(HttpAuthMiddleware::basic_auth_header("\xE2\x82\xAC", ""), "Basic 4oKsOg==");
}

TEST(HttpAuthTest, DisabledWithoutCredentials)
{
    auto crawler = make_crawler();
    EXPECT_THROW(HttpAuthMiddleware::from_crawler(*crawler), NotConfigured);
}

TEST(HttpAuthTest, SettingsDomainAndItsSubdomainsOnly)
{
    auto crawler = make_crawler(
        {{"HTTPAUTH_USER", "user"}, {"HTTPAUTH_PASS", "secret"}, {"HTTPAUTH_DOMAIN", "Example.com"}});
    LogCapture log;
    auto mw = HttpAuthMiddleware::from_crawler(*crawler);
    EXPECT_EQ(mw->hooks(), static_cast<HookSet>(Hook::request));
    const auto header = HttpAuthMiddleware::basic_auth_header("user", "secret");
    EXPECT_EQ(auth_for(*mw, "http://example.com/a"), header);
    EXPECT_EQ(auth_for(*mw, "https://sub.EXAMPLE.com:8443/b"), header);
    EXPECT_EQ(auth_for(*mw, "http://user:pw@www.example.com/"), header);
    EXPECT_EQ(auth_for(*mw, "http://notexample.com/"), "");
    EXPECT_EQ(auth_for(*mw, "http://example.com.evil.net/"), "");
    EXPECT_EQ(auth_for(*mw, "http://other.org/"), "");
    EXPECT_EQ(auth_for(*mw, "data:,hello"), "");
    EXPECT_EQ(log.count("secret"), 0U);
    EXPECT_EQ(log.count(header.substr(6)), 0U);
}

TEST(HttpAuthTest, DefaultDomainIsTheFirstRequestsHost)
{
    auto crawler = make_crawler({{"HTTPAUTH_USER", "user"}, {"HTTPAUTH_PASS", "secret"}});
    LogCapture log;
    auto mw = HttpAuthMiddleware::from_crawler(*crawler);
    EXPECT_EQ(log.count("http_auth_domain", spdlog::level::warn), 1U);
    // A URL without a host does not fix the domain.
    EXPECT_EQ(auth_for(*mw, "data:,x"), "");
    EXPECT_NE(auth_for(*mw, "http://first.example/"), "");
    EXPECT_NE(auth_for(*mw, "http://www.first.example/"), "");
    EXPECT_EQ(auth_for(*mw, "http://second.example/"), "");
}

TEST(HttpAuthTest, EmptyDomainMeansEveryHost)
{
    auto crawler = make_crawler({{"HTTPAUTH_USER", "user"}, {"HTTPAUTH_DOMAIN", ""}});
    auto mw = HttpAuthMiddleware::from_crawler(*crawler);
    EXPECT_EQ(auth_for(*mw, "http://a.example/"), HttpAuthMiddleware::basic_auth_header("user", ""));
    EXPECT_EQ(auth_for(*mw, "http://b.example/"), HttpAuthMiddleware::basic_auth_header("user", ""));
}

TEST(HttpAuthTest, SpiderArgumentsWinOverSettings)
{
    auto crawler = make_crawler(
        {{"HTTPAUTH_USER", "settings-user"}, {"HTTPAUTH_PASS", "x"}, {"HTTPAUTH_DOMAIN", "settings.example"}});
    crawler->spider().arguments["http_user"] = "arg-user";
    crawler->spider().arguments["http_pass"] = "arg-pass";
    crawler->spider().arguments["http_auth_domain"] = "args.example";
    auto mw = HttpAuthMiddleware::from_crawler(*crawler);
    EXPECT_EQ(auth_for(*mw, "http://args.example/"), HttpAuthMiddleware::basic_auth_header("arg-user", "arg-pass"));
    EXPECT_EQ(auth_for(*mw, "http://settings.example/"), "");

    // Arguments alone are enough.
    auto plain = make_crawler();
    plain->spider().arguments["http_pass"] = "only-a-password";
    plain->spider().arguments["http_auth_domain"] = "example.com";
    auto from_args = HttpAuthMiddleware::from_crawler(*plain);
    EXPECT_EQ(auth_for(*from_args, "http://example.com/"),
              HttpAuthMiddleware::basic_auth_header("", "only-a-password"));
}

TEST(HttpAuthTest, KeepsAnAuthorizationTheRequestHas)
{
    auto crawler = make_crawler({{"HTTPAUTH_USER", "user"}, {"HTTPAUTH_DOMAIN", "example.com"}});
    auto mw = HttpAuthMiddleware::from_crawler(*crawler);
    Request request{"http://example.com/"};
    request.headers.set("Authorization", "Bearer token");
    run(mw->process_request(request));
    EXPECT_EQ(request.headers.get("Authorization"), "Bearer token");
}

TEST(HttpAuthTest, HostInDomain)
{
    EXPECT_TRUE(HttpAuthMiddleware::host_in_domain("example.com", "example.com"));
    EXPECT_TRUE(HttpAuthMiddleware::host_in_domain("a.b.example.com", "EXAMPLE.com"));
    EXPECT_FALSE(HttpAuthMiddleware::host_in_domain("badexample.com", "example.com"));
    EXPECT_FALSE(HttpAuthMiddleware::host_in_domain("example.com", "www.example.com"));
    EXPECT_FALSE(HttpAuthMiddleware::host_in_domain("", "example.com"));
}

} // namespace
} // namespace trawl::test
