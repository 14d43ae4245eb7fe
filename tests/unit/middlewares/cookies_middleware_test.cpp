#include "downloader/cookies.hpp"
#include "downloader/redirect.hpp"
#include "middleware_test_support.hpp"

#include <boost/json/parse.hpp>

#include <gtest/gtest.h>

namespace trawl::test {
namespace {

using middlewares::CookiesMiddleware;
using middlewares::RedirectMiddleware;

// The Cookie header process_request leaves on `request` ("" for none).
std::string send(CookiesMiddleware& mw, Request& request)
{
    auto action = run(mw.process_request(request));
    EXPECT_TRUE(std::holds_alternative<Continue>(action));
    auto header = request.headers.get("Cookie");
    EXPECT_LE(request.headers.get_all("Cookie").size(), 1u);
    return header ? std::string(*header) : std::string();
}

std::string send(CookiesMiddleware& mw, std::string url, std::string_view meta_json = "{}")
{
    Request request{std::move(url)};
    request.meta = boost::json::parse(meta_json).as_object();
    return send(mw, request);
}

void receive(CookiesMiddleware& mw, const Request& request, std::initializer_list<std::string> set_cookies, int status = 200)
{
    Headers headers;
    for (const auto& field : set_cookies) {
        headers.add("Set-Cookie", field);
    }
    auto response = respond(request, status, std::move(headers));
    auto action = run(mw.process_response(request, response));
    ASSERT_TRUE(std::holds_alternative<Response>(action));
    EXPECT_EQ(std::get<Response>(action).url(), response.url());
}

std::unique_ptr<CookiesMiddleware> make_middleware(Crawler& crawler)
{
    auto mw = CookiesMiddleware::from_crawler(crawler);
    mw->set_wall_clock_for_test([] { return std::chrono::sys_days{std::chrono::year{2024} / 3 / 1}; });
    return mw;
}

TEST(CookiesMiddlewareTest, StoresSetCookieAndSendsItBack)
{
    auto crawler = make_crawler();
    auto mw = make_middleware(*crawler);
    EXPECT_EQ(mw->hooks(), Hook::request | Hook::response);
    Request first{"http://scrapytest.org/"};
    EXPECT_EQ(send(*mw, first), "");
    receive(*mw, first, {"C1=value1; path=/"});
    EXPECT_EQ(send(*mw, "http://scrapytest.org/sub1/"), "C1=value1");
    EXPECT_EQ(send(*mw, "http://other.org/"), "");
    EXPECT_EQ(send(*mw, "file:///scrapy/sometempfile"), "");
}

TEST(CookiesMiddlewareTest, EnabledByDefaultNotConfiguredWhenDisabled)
{
    auto enabled = make_crawler();
    EXPECT_NE(CookiesMiddleware::from_crawler(*enabled), nullptr);
    auto disabled = make_crawler({{"COOKIES_ENABLED", false}});
    EXPECT_THROW(CookiesMiddleware::from_crawler(*disabled), NotConfigured);
}

TEST(CookiesMiddlewareTest, DebugLogsWhatIsSentAndReceived)
{
    LogCapture log;
    auto crawler = make_crawler({{"COOKIES_DEBUG", true}});
    auto mw = make_middleware(*crawler);
    Request first{"http://scrapytest.org/"};
    receive(*mw, first, {"C1=value1; path=/", "C2=value2"});
    send(*mw, "http://scrapytest.org/sub1/");
    EXPECT_EQ(log.count("Received cookies from: <200 http://scrapytest.org/>\n"
                        "Set-Cookie: C1=value1; path=/\n\nSet-Cookie: C2=value2\n",
                        spdlog::level::debug),
              1u);
    EXPECT_EQ(log.count("Sending cookies to: <GET http://scrapytest.org/sub1/>\nCookie: C1=value1; C2=value2\n",
                        spdlog::level::debug),
              1u);
}

TEST(CookiesMiddlewareTest, NothingIsLoggedWithoutCookiesOrWithoutDebug)
{
    LogCapture log;
    {
        auto crawler = make_crawler({{"COOKIES_DEBUG", true}});
        auto mw = make_middleware(*crawler);
        Request request{"http://scrapytest.org/"};
        receive(*mw, request, {});
        send(*mw, request);
    }
    {
        auto crawler = make_crawler();
        auto mw = make_middleware(*crawler);
        Request request{"http://scrapytest.org/"};
        receive(*mw, request, {"C1=value1"});
        send(*mw, "http://scrapytest.org/");
    }
    EXPECT_EQ(log.count("cookies"), 0u);
}

TEST(CookiesMiddlewareTest, MalformedSetCookieIsLoggedAndSkipped)
{
    LogCapture log;
    auto crawler = make_crawler();
    auto mw = make_middleware(*crawler);
    Request request{"http://example.com/page"};
    receive(*mw, request, {"garbage", "good=1; Path=/", "=novalue", "big=" + std::string(5000, 'x'),
                           "bad=1; Domain=other.com"});
    EXPECT_EQ(log.count("Ignoring a malformed Set-Cookie from <200 http://example.com/page>: garbage",
                        spdlog::level::warn),
              1u);
    EXPECT_EQ(log.count("Ignoring a malformed Set-Cookie from <200 http://example.com/page>: =novalue",
                        spdlog::level::warn),
              1u);
    EXPECT_EQ(log.count("Ignoring a too_large Set-Cookie", spdlog::level::warn), 1u);
    EXPECT_EQ(log.count("(domain_mismatch): bad=1; Domain=other.com", spdlog::level::debug), 1u);
    EXPECT_EQ(log.count("Ignoring", spdlog::level::warn), 3u);
    EXPECT_EQ(send(*mw, "http://example.com/"), "good=1");
}

TEST(CookiesMiddlewareTest, DontMergeCookies)
{
    auto crawler = make_crawler();
    auto mw = make_middleware(*crawler);
    Request first{"http://scrapytest.org/"};
    receive(*mw, first, {"C1=value1; path=/"});

    Request dont{"http://scrapytest.org/dontmerge"};
    dont.meta["dont_merge_cookies"] = 1;
    dont.meta["cookies"] = boost::json::object{{"x", "y"}};
    EXPECT_EQ(send(*mw, dont), "");
    receive(*mw, dont, {"dont=mergeme; path=/"});
    // A hand-written header is left as it is.
    dont.headers.set("Cookie", "mine=1");
    EXPECT_EQ(send(*mw, dont), "mine=1");

    EXPECT_EQ(send(*mw, "http://scrapytest.org/mergeme"), "C1=value1");
    EXPECT_EQ(send(*mw, "http://scrapytest.org/mergeme", R"({"dont_merge_cookies": 0})"), "C1=value1");
}

TEST(CookiesMiddlewareTest, RequestCookiesAsAnObject)
{
    auto crawler = make_crawler();
    auto mw = make_middleware(*crawler);
    Request request{"http://scrapytest.org/"};
    request.meta["cookies"] = boost::json::object{{"galleta", "salada"}};
    EXPECT_EQ(send(*mw, request), "galleta=salada");
    receive(*mw, request, {"C1=value1; path=/"});
    // Request cookies stay in the jar for later requests.
    EXPECT_EQ(send(*mw, "http://scrapytest.org/sub1/"), "galleta=salada; C1=value1");
}

TEST(CookiesMiddlewareTest, RequestCookiesAsAListWithDomainAndPath)
{
    auto crawler = make_crawler();
    auto mw = make_middleware(*crawler);
    Request request{"http://scrapytest.org/"};
    request.meta["cookies"] = boost::json::parse(R"([
        {"name": "C1", "value": "value1", "path": "/foo", "domain": "scrapytest.org"},
        {"name": "C2", "value": "value2", "path": "/bar", "domain": ".SCRAPYTEST.org"},
        {"name": "C3", "value": "value3", "path": "/foo", "domain": "scrapytest.org"},
        {"name": "C4", "value": "value4", "path": "/foo", "domain": "scrapy.org"}
    ])");
    EXPECT_EQ(send(*mw, request), "");  // none for "/"
    EXPECT_EQ(send(*mw, "http://scrapytest.org/foo"), "C1=value1; C3=value3");
    EXPECT_EQ(send(*mw, "http://www.scrapytest.org/bar"), "C2=value2");
    EXPECT_EQ(send(*mw, "http://scrapytest.org/baz"), "");
    EXPECT_EQ(send(*mw, "http://scrapy.org/foo"), "");  // C4 was refused: another domain
}

TEST(CookiesMiddlewareTest, RequestCookieValuesAreWrittenAsScrapyWritesThem)
{
    auto crawler = make_crawler();
    auto mw = make_middleware(*crawler);
    EXPECT_EQ(send(*mw, "http://a.org/", R"({"cookies": {"a": true}})"), "a=True");
    EXPECT_EQ(send(*mw, "http://b.org/", R"({"cookies": {"a": 9.5}})"), "a=9.5");
    EXPECT_EQ(send(*mw, "http://c.org/", R"({"cookies": {"a": 10}})"), "a=10");
    EXPECT_EQ(send(*mw, "http://d.org/", R"({"cookies": {"a": 10.0}})"), "a=10.0");
    EXPECT_EQ(send(*mw, "http://e.org/", R"({"cookies": {"a": "\u00e1"}})"), "a=\xc3\xa1");
    EXPECT_EQ(send(*mw, "http://f.org/", R"({"cookies": [{"name": 1, "value": false}]})"), "1=False");
}

TEST(CookiesMiddlewareTest, InvalidRequestCookiesAreLoggedAndSkipped)
{
    LogCapture log;
    auto crawler = make_crawler();
    auto mw = make_middleware(*crawler);
    EXPECT_EQ(send(*mw, "http://example.org/1", R"({"cookies": [{"value": "bar"}, {"name": "key", "value": "value1"}]})"),
              "key=value1");
    EXPECT_EQ(send(*mw, "http://example.org/2", R"({"cookies": [{"name": "foo"}, {"name": "key", "value": "value2"}]})"),
              "key=value2");
    EXPECT_EQ(send(*mw, "http://example.org/3", R"({"cookies": [{"name": "foo", "value": null}, {"name": "key", "value": ""}]})"),
              "key=");
    EXPECT_EQ(send(*mw, "http://example.org/4", R"({"cookies": {"foo": null, "semi": "a;b", "ok": "1"}})"), "key=; ok=1");
    EXPECT_EQ(send(*mw, "http://example.org/5", R"({"cookies": "a=b"})"), "key=; ok=1");
    EXPECT_EQ(log.count("Invalid cookie found in request <GET http://example.org/1>: {\"value\":\"bar\"} ('name' is missing)",
                        spdlog::level::warn),
              1u);
    EXPECT_EQ(log.count("Invalid cookie found in request <GET http://example.org/2>: {\"name\":\"foo\"} ('value' is missing)",
                        spdlog::level::warn),
              1u);
    EXPECT_EQ(log.count("<GET http://example.org/3>: {\"name\":\"foo\",\"value\":null} ('value' is missing)",
                        spdlog::level::warn),
              1u);
    EXPECT_EQ(log.count("{\"name\":\"semi\",\"value\":\"a;b\"} (malformed)", spdlog::level::warn), 1u);
    EXPECT_EQ(log.count("<GET http://example.org/5>: \"a=b\" (meta cookies must be", spdlog::level::warn), 1u);
}

TEST(CookiesMiddlewareTest, RequestCookiesOverHttpsAreSecure)
{
    auto crawler = make_crawler();
    auto mw = make_middleware(*crawler);
    EXPECT_EQ(send(*mw, "https://example.org/", R"({"cookies": {"s": "1"}})"), "s=1");
    EXPECT_EQ(send(*mw, "http://example.org/"), "");
    EXPECT_EQ(send(*mw, "https://example.org/", R"({"cookies": [{"name": "p", "value": "2", "secure": false}]})"),
              "s=1; p=2");
    EXPECT_EQ(send(*mw, "http://example.org/"), "p=2");
}

TEST(CookiesMiddlewareTest, PublicSuffixDomainsFromRequestCookiesAreRefused)
{
    auto crawler = make_crawler();
    auto mw = make_middleware(*crawler);
    EXPECT_EQ(send(*mw, "https://foo.co.uk/", R"({"cookies": [{"name": "a", "value": "b", "domain": "co.uk"}]})"), "");
    EXPECT_EQ(send(*mw, "https://bar.co.uk/"), "");
    EXPECT_EQ(send(*mw, "https://books.toscrape.com/",
                   R"({"cookies": [{"name": "a", "value": "b", "domain": "toscrape.com"}]})"),
              "a=b");
    EXPECT_EQ(send(*mw, "https://quotes.toscrape.com/"), "a=b");
    EXPECT_EQ(send(*mw, "https://co.uk/", R"({"cookies": [{"name": "c", "value": "d", "domain": "co.uk"}]})"), "c=d");
}

TEST(CookiesMiddlewareTest, CookieJarsAreKeptApart)
{
    auto crawler = make_crawler();
    auto mw = make_middleware(*crawler);
    Request one{"http://scrapytest.org/"};
    one.meta["cookiejar"] = "store1";
    one.meta["cookies"] = boost::json::object{{"galleta", "salada"}};
    EXPECT_EQ(send(*mw, one), "galleta=salada");
    receive(*mw, one, {"C1=value1; path=/"});
    EXPECT_EQ(send(*mw, "http://scrapytest.org/", R"({"cookiejar": "store1"})"), "galleta=salada; C1=value1");

    Request two{"http://scrapytest.org/"};
    two.meta["cookiejar"] = "store2";
    two.meta["cookies"] = boost::json::object{{"galleta", "dulce"}};
    EXPECT_EQ(send(*mw, two), "galleta=dulce");
    receive(*mw, two, {"C2=value2; path=/"});
    EXPECT_EQ(send(*mw, "http://scrapytest.org/", R"({"cookiejar": "store2"})"), "galleta=dulce; C2=value2");

    // Any JSON value is a key; 1 and "1" are different jars; null is the default jar.
    EXPECT_EQ(send(*mw, "http://scrapytest.org/", R"({"cookiejar": 1, "cookies": {"n": "1"}})"), "n=1");
    EXPECT_EQ(send(*mw, "http://scrapytest.org/", R"({"cookiejar": "1"})"), "");
    EXPECT_EQ(send(*mw, "http://scrapytest.org/", R"({"cookiejar": null})"), "");
    EXPECT_EQ(send(*mw, "http://scrapytest.org/"), "");
    EXPECT_EQ(mw->jar(nullptr).size(), 0u);
    boost::json::value key = "store1";
    EXPECT_EQ(mw->jar(&key).size(), 2u);
}

TEST(CookiesMiddlewareTest, PortsDoNotSeparateCookies)
{
    auto crawler = make_crawler();
    auto mw = make_middleware(*crawler);
    Request request{"http://scrapytest.org:1104/"};
    receive(*mw, request, {"C1=value1; path=/"});
    EXPECT_EQ(send(*mw, "http://scrapytest.org:1104/some-redirected-path"), "C1=value1");
    EXPECT_EQ(send(*mw, "http://scrapytest.org/some-redirected-path"), "C1=value1");
}

TEST(CookiesMiddlewareTest, ReplacesACookieHeaderLikeScrapy)
{
    auto crawler = make_crawler();
    auto mw = make_middleware(*crawler);
    Request request{"http://example.org/"};
    request.headers.set("Cookie", "stale=1");
    EXPECT_EQ(send(*mw, request), "");
    request.meta["cookies"] = boost::json::object{{"a", "b"}};
    request.headers.set("Cookie", "stale=1");
    EXPECT_EQ(send(*mw, request), "a=b");
}

// Runs `request` through cookies -> (response with `status`, Location
// `location`, `set_cookies`) -> cookies -> redirect, and returns the
// redirected request after cookies' process_request.
Request redirect_through(CookiesMiddleware& cookies, RedirectMiddleware& redirect, Request request, int status,
                         const std::string& location, std::initializer_list<std::string> set_cookies = {})
{
    send(cookies, request);
    Headers headers{{"Location", location}};
    for (const auto& field : set_cookies) {
        headers.add("Set-Cookie", field);
    }
    auto response = respond(request, status, std::move(headers));
    auto passed = run(cookies.process_response(request, response));  // 700 runs before 600 on the way back
    auto action = run(redirect.process_response(request, std::get<Response>(passed)));
    EXPECT_TRUE(std::holds_alternative<Reschedule>(action));
    Request next = std::get<Reschedule>(action).request;
    send(cookies, next);
    return next;
}

TEST(CookiesMiddlewareTest, RedirectsKeepCookiesOnTheSameHostOnly)
{
    auto crawler = make_crawler();
    auto cookies = make_middleware(*crawler);
    auto redirect = RedirectMiddleware::from_crawler(*crawler);
    for (int status : {301, 302}) {
        Request same{"https://toscrape.com"};
        same.meta["cookies"] = boost::json::object{{"a", "b"}};
        EXPECT_EQ(redirect_through(*cookies, *redirect, same, status, "https://toscrape.com/next").headers.get("Cookie"),
                  "a=b");
        Request other{"https://toscrape.com"};
        other.meta["cookies"] = boost::json::object{{"a", "b"}};
        EXPECT_FALSE(
            redirect_through(*cookies, *redirect, other, status, "https://example.com").headers.contains("Cookie"));
    }
}

TEST(CookiesMiddlewareTest, CookiesSetByARedirectAreSentOnTheRedirectedRequest)
{
    auto crawler = make_crawler();
    auto cookies = make_middleware(*crawler);
    auto redirect = RedirectMiddleware::from_crawler(*crawler);
    Request login{"http://example.com/login"};
    login.meta["cookies"] = boost::json::object{{"session", "old"}};
    auto next = redirect_through(*cookies, *redirect, login, 302, "/home",
                                 {"session=new; Path=/", "csrf=t; Path=/", "gone=; Max-Age=0"});
    EXPECT_EQ(next.url, "http://example.com/home");
    // The meta cookie is not applied again over the server's newer value.
    EXPECT_EQ(next.headers.get("Cookie"), "session=new; csrf=t");
}


TEST(CookiesMiddlewareTest, GarbageSetCookieIsIgnoredAndTheOtherCookiesKept)
{
    LogCapture log;
    auto crawler = make_crawler();
    auto mw = make_middleware(*crawler);
    Request request{"http://example.com/page"};
    const std::string binary("bin=\x01\x02\x00\xff\xfe; Path=/", 17);
    const std::string huge = "huge=" + std::string(1 << 20, 'h');
    const std::string huge_attribute = "attr=1; Path=/" + std::string(100000, 'p');
    receive(*mw, request,
            {"first=1", binary, "\xff\xfe\xfd", huge, ";;;;", "=", "  ; Path=/", huge_attribute,
             "odd=2; Expires=not a date; Max-Age=soon; Domain=; Path=noslash; SameSite=weird; HttpOnly=1; ;; =x; "
             "Unknown",
             "last=3"});
    // Each bad field: at most one line, with no raw control bytes in it.
    EXPECT_LE(log.count("Ignoring", spdlog::level::debug), 6u);
    EXPECT_EQ(log.count("bin=\\x01\\x02\\x00\\xFF\\xFE; Path=/", spdlog::level::warn), 1u);
    EXPECT_EQ(log.count(std::string("\x01")), 0u);
    EXPECT_EQ(log.count(std::string(300, 'h')), 0u);
    // Malformed attributes are skipped, the cookie itself kept (RFC 6265 5.2);
    // a huge attribute value is skipped too (attr gets the default path "/").
    EXPECT_EQ(send(*mw, "http://example.com/"), "first=1; attr=1; odd=2; last=3");
}

// SameSite: the site for cookies is meta "referer", else the Referer
// header, else none (same-site).
TEST(CookiesMiddlewareTest, StrictCookiesAreHeldBackOnCrossSiteRequests)
{
    auto crawler = make_crawler();
    auto mw = make_middleware(*crawler);
    Request login{"https://shop.example.com/login", "POST"};
    receive(*mw, login, {"s=1; SameSite=Strict", "l=2; SameSite=Lax", "n=3; SameSite=None; Secure"});

    EXPECT_EQ(send(*mw, "https://shop.example.com/"), "s=1; l=2; n=3");  // a start request
    EXPECT_EQ(send(*mw, "https://shop.example.com/", R"({"referer": "https://www.example.com/"})"), "s=1; l=2; n=3");
    EXPECT_EQ(send(*mw, "https://shop.example.com/", R"({"referer": "https://evil.example.org/"})"), "l=2; n=3");
    // Schemeful: the http page of the same site is another site.
    EXPECT_EQ(send(*mw, "https://shop.example.com/", R"({"referer": "http://shop.example.com/"})"), "l=2; n=3");

    Request by_header{"https://shop.example.com/"};
    by_header.headers.set("Referer", "https://evil.example.org/page");
    EXPECT_EQ(send(*mw, by_header), "l=2; n=3");
    // meta "referer" wins over the header.
    Request both{"https://shop.example.com/"};
    both.headers.set("Referer", "https://evil.example.org/page");
    both.meta["referer"] = "https://shop.example.com/home";
    EXPECT_EQ(send(*mw, both), "s=1; l=2; n=3");

    Request cross_post{"https://shop.example.com/buy", "POST"};
    cross_post.meta["referer"] = "https://evil.example.org/";
    EXPECT_EQ(send(*mw, cross_post), "n=3");
    Request same_post{"https://shop.example.com/buy", "POST"};
    same_post.meta["referer"] = "https://shop.example.com/cart";
    EXPECT_EQ(send(*mw, same_post), "s=1; l=2; n=3");
}

TEST(CookiesMiddlewareTest, DebugSaysWhichCookiesSameSiteHeldBack)
{
    LogCapture log;
    auto crawler = make_crawler({{"COOKIES_DEBUG", true}});
    auto mw = make_middleware(*crawler);
    Request login{"https://shop.example.com/login"};
    receive(*mw, login, {"s=1; SameSite=Strict", "t=2; SameSite=Strict"});
    EXPECT_EQ(send(*mw, "https://shop.example.com/", R"({"referer": "https://evil.example.org/"})"), "");
    EXPECT_EQ(log.count("Not sending cookies to: <GET https://shop.example.com/> (SameSite, cross-site from "
                        "https://evil.example.org/): s (Strict), t (Strict)",
                        spdlog::level::debug),
              1u);
    EXPECT_EQ(log.count("Sending cookies to:"), 0u);
}

TEST(CookiesMiddlewareTest, SameSiteNoneWithoutSecureIsRefused)
{
    LogCapture log;
    auto crawler = make_crawler();
    auto mw = make_middleware(*crawler);
    Request request{"https://example.com/"};
    receive(*mw, request, {"a=1; SameSite=None", "b=2; SameSite=None; Secure"});
    EXPECT_EQ(log.count("(same_site_none_insecure): a=1; SameSite=None", spdlog::level::debug), 1u);
    EXPECT_EQ(send(*mw, "https://example.com/"), "b=2");
}

TEST(CookiesMiddlewareTest, EnforceSameSiteFalseSendsEveryMatchingCookie)
{
    auto crawler = make_crawler({{"COOKIES_ENFORCE_SAMESITE", false}});
    auto mw = make_middleware(*crawler);
    Request request{"https://example.com/"};
    receive(*mw, request, {"a=1; SameSite=None", "s=2; SameSite=Strict"});
    Request cross{"https://example.com/", "POST"};
    cross.meta["referer"] = "https://evil.example.org/";
    EXPECT_EQ(send(*mw, cross), "a=1; s=2");
    // Jars made later (meta "cookiejar") follow the setting too.
    Request other{"https://example.com/"};
    other.meta["cookiejar"] = "second";
    receive(*mw, other, {"s=3; SameSite=Strict"});
    other.meta["referer"] = "https://evil.example.org/";
    EXPECT_EQ(send(*mw, other), "s=3");
}

} // namespace
} // namespace trawl::test
