// The cookies middleware in real crawls against the test server: a login
// flow, separate cookie jars, a cookie set by a redirect, dont_merge_cookies
// and COOKIES_ENABLED false, SameSite across two sites (127.0.0.1 and
// localhost: different hosts of one server). /echo answers with the
// headers it received.

#include "support/test_server.hpp"

#include <trawl/crawler.hpp>
#include <trawl/spider.hpp>

#include <boost/json/parse.hpp>

#include <gtest/gtest.h>

#include <map>

namespace trawl::testing {
namespace {

// Requests its start requests; a response to a request with meta "then"
// follows that URL, carrying the meta named in "carry" (which may hold a
// "then" and "carry" of its own, for longer chains); an /echo response
// records the Cookie header the server got under the request's meta "tag"
// ("<none>" when there was none).
class CookieSpider final : public Spider {
public:
    explicit CookieSpider(std::vector<Request> starts) : starts_(std::move(starts)) { name = "cookies"; }

    Generator<Request> start_requests() override
    {
        for (const auto& start : starts_) {
            Request request = start;
            co_yield std::move(request);
        }
    }

    Callback parse(Response response) override
    {
        const auto& meta = response.request().meta;
        if (response.url().find("/echo") != std::string::npos) {
            auto echo = boost::json::parse(response.body()).as_object();
            const auto& headers = echo.at("headers").as_object();
            auto it = headers.find("cookie");
            std::string cookie = it == headers.end() ? "<none>" : std::string(it->value().as_string());
            std::string tag = meta.contains("tag") ? std::string(meta.at("tag").as_string()) : "";
            seen_.with([&](auto& seen) { seen[tag] = cookie; });
            co_return;
        }
        if (auto then = meta.find("then"); then != meta.end()) {
            Request next = response.follow(std::string(then->value().as_string()));
            next.dont_filter = true;
            if (auto carry = meta.find("carry"); carry != meta.end()) {
                for (const auto& [key, value] : carry->value().as_object()) {
                    next.meta[key] = value;
                }
            }
            co_yield std::move(next);
        }
    }

    std::map<std::string, std::string> seen()
    {
        return seen_.with([](auto& seen) { return seen; });
    }

private:
    std::vector<Request> starts_;
    Guarded<std::map<std::string, std::string>> seen_;
};

Settings quiet(std::initializer_list<std::pair<std::string_view, boost::json::value>> values = {})
{
    Settings settings;
    settings.set("LOG_LEVEL", "WARNING", SettingPriority::project);
    for (const auto& [name, value] : values) {
        settings.set(name, value, SettingPriority::project);
    }
    return settings;
}

// A request to `url` that then requests `then`, tagged `tag`; `carry` is
// meta for both.
Request chain(std::string url, std::string then, std::string tag, boost::json::object carry = {})
{
    Request request{std::move(url)};
    request.meta = carry;
    request.meta["then"] = std::move(then);
    carry["tag"] = std::move(tag);
    request.meta["carry"] = std::move(carry);
    return request;
}

std::map<std::string, std::string> crawl(std::vector<Request> starts, Settings settings = quiet())
{
    auto spider = std::make_unique<CookieSpider>(std::move(starts));
    auto* cookies = spider.get();
    Crawler crawler{std::move(spider), std::move(settings)};
    EXPECT_EQ(crawler.crawl(), "finished");
    return cookies->seen();
}

TEST(CookiesMiddlewareIntegration, ALoginCookieIsSentOnTheNextRequest)
{
    TestServer server;
    auto seen = crawl({chain(server.url("/set-cookie?session=abc"), "/echo", "next")});
    EXPECT_EQ(seen["next"], "session=abc");
}

TEST(CookiesMiddlewareIntegration, TheServersDefaultCookiesAndRequestCookiesTogether)
{
    TestServer server;
    boost::json::object meta{{"cookies", boost::json::object{{"lang", "en"}}}};
    auto seen = crawl({chain(server.url("/set-cookie"), "/echo?x", "next", meta)});
    // The request cookie came first (stored before the response's).
    EXPECT_EQ(seen["next"], "lang=en; session=abc123; theme=dark");
}

TEST(CookiesMiddlewareIntegration, CookieJarsKeepSessionsApart)
{
    TestServer server;
    auto seen = crawl({
        chain(server.url("/set-cookie?session=one"), "/echo?jar=1", "first", {{"cookiejar", 1}}),
        chain(server.url("/set-cookie?session=two"), "/echo?jar=2", "second", {{"cookiejar", 2}}),
        chain(server.url("/set-cookie?session=default"), "/echo?jar=default", "default"),
    });
    EXPECT_EQ(seen["first"], "session=one");
    EXPECT_EQ(seen["second"], "session=two");
    EXPECT_EQ(seen["default"], "session=default");
}

TEST(CookiesMiddlewareIntegration, ACookieSetByARedirectReachesTheRedirectedRequest)
{
    TestServer server;
    Request request{server.url("/set-cookie-redirect?to=/echo&session=xyz&step=2")};
    request.meta["tag"] = "redirected";
    auto seen = crawl({request});
    EXPECT_EQ(seen["redirected"], "session=xyz; step=2");
}

TEST(CookiesMiddlewareIntegration, DontMergeCookiesSendsNoneAndKeepsAHandWrittenHeader)
{
    TestServer server;
    Request plain{server.url("/set-cookie?session=abc")};
    plain.meta["then"] = "/echo?plain";
    plain.meta["carry"] = boost::json::object{{"tag", "plain"}, {"dont_merge_cookies", true}};
    auto seen = crawl({plain});
    EXPECT_EQ(seen["plain"], "<none>");

    Request own{server.url("/echo?own")};
    own.meta["tag"] = "own";
    own.meta["dont_merge_cookies"] = true;
    own.headers.set("Cookie", "mine=1");
    seen = crawl({own});
    EXPECT_EQ(seen["own"], "mine=1");
}

TEST(CookiesMiddlewareIntegration, NoCookiesNoHeader)
{
    TestServer server;
    Request request{server.url("/echo")};
    request.meta["tag"] = "none";
    auto seen = crawl({request});
    EXPECT_EQ(seen["none"], "<none>");
}

TEST(CookiesMiddlewareIntegration, CookiesEnabledFalseSendsNone)
{
    TestServer server;
    boost::json::object meta{{"cookies", boost::json::object{{"lang", "en"}}}};
    auto seen = crawl({chain(server.url("/set-cookie?session=abc"), "/echo", "next", meta)},
                      quiet({{"COOKIES_ENABLED", false}}));
    EXPECT_EQ(seen["next"], "<none>");
}

TEST(CookiesMiddlewareIntegration, AStrictLoginCookieIsSentOnItsSiteOnly)
{
    TestServerOptions options;
    auto html = [](std::string body) {
        TestFile file;
        file.content_type = "text/html";
        file.body = std::move(body);
        return file;
    };
    options.files["/account"] = html("<p>your account</p>");
    options.files["/elsewhere"] = html("<a href='{base_url}/echo'>a link to the shop</a>");
    TestServer server{options};
    const auto port = std::to_string(server.port());
    const std::string site = "http://127.0.0.1:" + port;
    const std::string other_site = "http://localhost:" + port;
    // The login form's answer sets a Strict session cookie and redirects
    // to the account page; from there a same-site link.
    auto login = chain(site + "/set-cookie-redirect?to=/account&sid=abc%3B%20SameSite%3DStrict", "/echo?same", "same");
    // In a second session: the same login (plus a Lax cookie), then a page
    // of another site links back to the first. The referer middleware's
    // Referer header names the other site's page.
    boost::json::object back{{"cookiejar", 2},
                             {"then", site + "/echo?cross"},
                             {"carry", boost::json::object{{"tag", "cross"}, {"cookiejar", 2}}}};
    Request second{site + "/set-cookie?sid=abc%3B%20SameSite%3DStrict&pref=x%3B%20SameSite%3DLax"};
    second.meta = {{"cookiejar", 2}, {"then", other_site + "/elsewhere"}, {"carry", std::move(back)}};
    auto seen = crawl({login, second}, quiet({{"COOKIES_DEBUG", true}}));
    EXPECT_EQ(seen["same"], "sid=abc");
    EXPECT_EQ(seen["cross"], "pref=x");

    // With COOKIES_ENFORCE_SAMESITE false, the Strict cookie goes too.
    seen = crawl({second}, quiet({{"COOKIES_ENFORCE_SAMESITE", false}}));
    EXPECT_EQ(seen["cross"], "sid=abc; pref=x");
}

} // namespace
} // namespace trawl::testing
