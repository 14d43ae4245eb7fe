#include "downloader/http_proxy.hpp"
#include "middleware_test_support.hpp"

#include <trawl/settings.hpp>

#include <gtest/gtest.h>

#include <map>

namespace trawl::test {
namespace {

using middlewares::HttpProxyMiddleware;

HttpProxyMiddleware::Environment env(std::map<std::string, std::string> values)
{
    return [values = std::move(values)](const std::string& name) -> std::optional<std::string> {
        if (auto it = values.find(name); it != values.end()) {
            return it->second;
        }
        return std::nullopt;
    };
}

HttpProxyMiddleware with_env(std::map<std::string, std::string> values,
                             HttpProxyMiddleware::AuthEncoding encoding = HttpProxyMiddleware::AuthEncoding::latin1)
{
    return HttpProxyMiddleware{HttpProxyMiddleware::Options{encoding, env(std::move(values))}};
}

Request process(HttpProxyMiddleware& mw, Request request)
{
    auto action = run(mw.process_request(request));
    EXPECT_TRUE(std::holds_alternative<Continue>(action));
    return request;
}

std::string meta_proxy(const Request& request)
{
    auto it = request.meta.find("proxy");
    if (it == request.meta.end()) {
        return "<missing>";
    }
    return it->value().is_null() ? "<null>" : std::string(it->value().as_string());
}

TEST(HttpProxyTest, DisabledBySetting)
{
    auto crawler = make_crawler({{"HTTPPROXY_ENABLED", false}});
    EXPECT_THROW(HttpProxyMiddleware::from_crawler(*crawler), NotConfigured);
    auto enabled = make_crawler();
    auto mw = HttpProxyMiddleware::from_crawler(*enabled);
    EXPECT_EQ(mw->hooks(), static_cast<HookSet>(Hook::request));
    auto bad = make_crawler({{"HTTPPROXY_AUTH_ENCODING", "ebcdic"}});
    EXPECT_THROW(HttpProxyMiddleware::from_crawler(*bad), SettingsError);
}

TEST(HttpProxyTest, MetaProxyCredentialsMoveToTheHeader)
{
    auto mw = with_env({});
    Request request{"http://example.com/"};
    request.meta["proxy"] = "http://user:pass@proxy.example:3128";
    auto out = process(mw, request);
    EXPECT_EQ(meta_proxy(out), "http://proxy.example:3128");
    EXPECT_EQ(out.headers.get("Proxy-Authorization").value_or(""), "Basic dXNlcjpwYXNz");
    EXPECT_EQ(out.meta.at("_auth_proxy"), "http://proxy.example:3128");

    // Processing again (a retry) keeps the header for the same proxy...
    auto again = process(mw, out);
    EXPECT_EQ(again.headers.get("Proxy-Authorization").value_or(""), "Basic dXNlcjpwYXNz");
    // ...and drops it when the proxy changes to one without credentials.
    again.meta["proxy"] = "http://other.example:8080";
    auto moved = process(mw, again);
    EXPECT_FALSE(moved.headers.contains("Proxy-Authorization"));
    EXPECT_FALSE(moved.meta.contains("_auth_proxy"));
    EXPECT_EQ(meta_proxy(moved), "http://other.example:8080");
}

TEST(HttpProxyTest, CredentialsArePercentDecodedAndEncodedAsConfigured)
{
    auto latin1 = with_env({});
    Request request{"http://example.com/"};
    request.meta["proxy"] = "http://us%40er:p%C3%A9ss@proxy.example:3128";  // us@er : péss
    auto out = process(latin1, request);
    EXPECT_EQ(out.headers.get("Proxy-Authorization").value_or(""), "Basic dXNAZXI6cOlzcw==");  // latin-1 é = E9
    auto utf8 = with_env({}, HttpProxyMiddleware::AuthEncoding::utf8);
    auto out8 = process(utf8, request);
    EXPECT_EQ(out8.headers.get("Proxy-Authorization").value_or(""), "Basic dXNAZXI6cMOpc3M=");
}

TEST(HttpProxyTest, NullProxyMeansNoProxyAndDropsTheHeader)
{
    auto mw = with_env({{"http_proxy", "http://env.proxy:1"}});
    Request request{"http://example.com/"};
    request.meta["proxy"] = nullptr;
    request.headers.set("Proxy-Authorization", "Basic eDp5");
    auto out = process(mw, request);
    EXPECT_EQ(meta_proxy(out), "<null>");
    EXPECT_FALSE(out.headers.contains("Proxy-Authorization"));
}

TEST(HttpProxyTest, UserHeaderKeptForTheProxyItCameWith)
{
    auto mw = with_env({});
    Request request{"http://example.com/"};
    request.meta["proxy"] = "http://proxy.example:3128";
    request.headers.set("Proxy-Authorization", "Basic eDp5");
    auto out = process(mw, request);
    EXPECT_EQ(out.headers.get("Proxy-Authorization").value_or(""), "Basic eDp5");
    EXPECT_EQ(out.meta.at("_auth_proxy"), "http://proxy.example:3128");
}

TEST(HttpProxyTest, EnvironmentProxiesBySchemeWithNoProxy)
{
    auto mw = with_env({{"http_proxy", "http://u:p@plain.proxy:8080"},
                        {"HTTPS_PROXY", "secure.proxy:3128"},
                        {"no_proxy", "internal.example, .skip.example"}});
    auto http = process(mw, Request{"http://example.com/"});
    EXPECT_EQ(meta_proxy(http), "http://plain.proxy:8080");
    EXPECT_EQ(http.headers.get("Proxy-Authorization").value_or(""), "Basic dTpw");
    EXPECT_EQ(http.meta.at("_scheme_proxy"), "http");

    auto https = process(mw, Request{"https://example.com/"});
    EXPECT_EQ(meta_proxy(https), "http://secure.proxy:3128");  // no scheme: an http proxy
    EXPECT_FALSE(https.headers.contains("Proxy-Authorization"));

    EXPECT_EQ(meta_proxy(process(mw, Request{"http://internal.example/"})), "<missing>");
    EXPECT_EQ(meta_proxy(process(mw, Request{"http://a.internal.example/"})), "<missing>");
    EXPECT_EQ(meta_proxy(process(mw, Request{"https://deep.skip.example/"})), "<missing>");
    EXPECT_EQ(meta_proxy(process(mw, Request{"http://notinternal.example/"})), "http://plain.proxy:8080");
    EXPECT_EQ(meta_proxy(process(mw, Request{"file:///tmp/x"})), "<missing>");

    // Redirected to https: the proxy is chosen again, and http's credentials go.
    http.url = "https://example.com/";
    auto redirected = process(mw, http);
    EXPECT_EQ(meta_proxy(redirected), "http://secure.proxy:3128");
    EXPECT_FALSE(redirected.headers.contains("Proxy-Authorization"));
    EXPECT_EQ(redirected.meta.at("_scheme_proxy"), "https");
}

TEST(HttpProxyTest, LowerCaseEnvironmentWinsAndEmptyHidesUpperCase)
{
    auto lower_wins = with_env({{"http_proxy", "http://lower:1"}, {"HTTP_PROXY", "http://upper:1"}});
    EXPECT_EQ(meta_proxy(process(lower_wins, Request{"http://example.com/"})), "http://lower:1");
    auto hidden = with_env({{"http_proxy", ""}, {"HTTP_PROXY", "http://upper:1"}});
    EXPECT_EQ(meta_proxy(process(hidden, Request{"http://example.com/"})), "<missing>");
    auto all = with_env({{"http_proxy", "http://p:1"}, {"no_proxy", "*"}});
    EXPECT_EQ(meta_proxy(process(all, Request{"http://example.com/"})), "<missing>");
}

TEST(HttpProxyTest, MetaProxyWinsOverTheEnvironment)
{
    auto mw = with_env({{"http_proxy", "http://env.proxy:1"}});
    Request request{"http://example.com/"};
    request.meta["proxy"] = "http://mine:2";
    EXPECT_EQ(meta_proxy(process(mw, request)), "http://mine:2");
}

TEST(HttpProxyTest, Bypassed)
{
    EXPECT_TRUE(HttpProxyMiddleware::bypassed("Example.COM", "example.com"));
    EXPECT_TRUE(HttpProxyMiddleware::bypassed("www.example.com", ".example.com"));
    EXPECT_FALSE(HttpProxyMiddleware::bypassed("badexample.com", "example.com"));
    EXPECT_FALSE(HttpProxyMiddleware::bypassed("example.com", ""));
    EXPECT_TRUE(HttpProxyMiddleware::bypassed("anything", " * "));
}

} // namespace
} // namespace trawl::test
