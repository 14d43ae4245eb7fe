#include "downloader/redirect.hpp"
#include "middleware_test_support.hpp"

#include <boost/json/array.hpp>

#include <gtest/gtest.h>

namespace trawl::test {
namespace {

using middlewares::RedirectMiddleware;

Response redirect_response(const Request& request, int status, std::string location)
{
    return respond(request, status, {{"Location", std::move(location)}});
}

Request follow(RedirectMiddleware& mw, const Request& request, int status, std::string location)
{
    auto action = run(mw.process_response(request, redirect_response(request, status, std::move(location))));
    EXPECT_TRUE(std::holds_alternative<Reschedule>(action));
    if (!std::holds_alternative<Reschedule>(action)) {
        return request;
    }
    return std::get<Reschedule>(action).request;
}

TEST(RedirectTest, FollowsEachRedirectStatusRecordingTheChain)
{
    auto crawler = make_crawler();
    auto mw = RedirectMiddleware::from_crawler(*crawler);
    EXPECT_EQ(mw->hooks(), static_cast<HookSet>(Hook::response));
    Request request{"http://example.com/a"};
    request.priority = 1;
    request.callback = "parse_page";
    request.meta["keep"] = 1;

    Request second = follow(*mw, request, 301, "http://example.com/b");
    EXPECT_EQ(second.url, "http://example.com/b");
    EXPECT_EQ(second.priority, 3);  // REDIRECT_PRIORITY_ADJUST +2
    EXPECT_EQ(second.callback, "parse_page");
    EXPECT_EQ(second.meta.at("keep"), 1);
    EXPECT_EQ(second.meta.at("redirect_times"), 1);
    EXPECT_EQ(second.meta.at("redirect_ttl"), 19);
    EXPECT_EQ(second.meta.at("redirect_urls"), (boost::json::array{"http://example.com/a"}));
    EXPECT_EQ(second.meta.at("redirect_reasons"), (boost::json::array{301}));
    EXPECT_FALSE(second.dont_filter);

    Request third = follow(*mw, second, 308, "http://example.com/c");
    for (int status : {302, 303, 307}) {
        third = follow(*mw, third, status, "http://example.com/c");
    }
    EXPECT_EQ(third.meta.at("redirect_times"), 5);
    EXPECT_EQ(third.meta.at("redirect_urls"),
              (boost::json::array{"http://example.com/a", "http://example.com/b", "http://example.com/c",
                                  "http://example.com/c", "http://example.com/c"}));
    EXPECT_EQ(third.meta.at("redirect_reasons"), (boost::json::array{301, 308, 302, 303, 307}));
}

TEST(RedirectTest, ResolvesRelativeAndSchemeRelativeLocations)
{
    auto crawler = make_crawler();
    auto mw = RedirectMiddleware::from_crawler(*crawler);
    Request request{"https://example.com/dir/page?q=1"};
    EXPECT_EQ(follow(*mw, request, 302, "other").url, "https://example.com/dir/other");
    EXPECT_EQ(follow(*mw, request, 302, "/root").url, "https://example.com/root");
    EXPECT_EQ(follow(*mw, request, 302, "../up").url, "https://example.com/up");
    EXPECT_EQ(follow(*mw, request, 302, "?q=2").url, "https://example.com/dir/page?q=2");
    EXPECT_EQ(follow(*mw, request, 302, "//cdn.example.net/x").url, "https://cdn.example.net/x");
    EXPECT_EQ(follow(*mw, request, 302, "///cdn.example.net/y").url, "https://cdn.example.net/y");
    EXPECT_EQ(follow(*mw, request, 302, "/a b").url, "https://example.com/a%20b");
}

TEST(RedirectTest, ResolvesAgainstTheResponseUrl)
{
    auto crawler = make_crawler();
    auto mw = RedirectMiddleware::from_crawler(*crawler);
    Request request{"http://example.com/one/"};
    auto response = make_response("http://example.com/two/", 302, request, {{"Location", "next"}});
    auto action = run(mw->process_response(request, response));
    ASSERT_TRUE(std::holds_alternative<Reschedule>(action));
    EXPECT_EQ(std::get<Reschedule>(action).request.url, "http://example.com/two/next");
}

TEST(RedirectTest, LoopStopsAtMaxTimes)
{
    auto crawler = make_crawler({{"REDIRECT_MAX_TIMES", 3}});
    auto mw = RedirectMiddleware::from_crawler(*crawler);
    Request request{"http://example.com/loop"};
    int followed = 0;
    for (;;) {
        auto action = run(mw->process_response(request, redirect_response(request, 302, "/loop")));
        if (auto* again = std::get_if<Reschedule>(&action)) {
            ++followed;
            request = again->request;
            ASSERT_LE(followed, 3);
            continue;
        }
        ASSERT_TRUE(std::holds_alternative<Ignore>(action));
        EXPECT_EQ(std::get<Ignore>(action).reason, "max redirections reached");
        break;
    }
    EXPECT_EQ(followed, 3);
    EXPECT_EQ(request.meta.at("redirect_urls").as_array().size(), 3U);
}

TEST(RedirectTest, RedirectTtlMetaLimitsARequest)
{
    auto crawler = make_crawler();
    auto mw = RedirectMiddleware::from_crawler(*crawler);
    Request request{"http://example.com/"};
    request.meta["redirect_ttl"] = 1;
    Request once = follow(*mw, request, 302, "/next");
    EXPECT_EQ(once.meta.at("redirect_ttl"), 0);
    auto action = run(mw->process_response(once, redirect_response(once, 302, "/again")));
    EXPECT_TRUE(std::holds_alternative<Ignore>(action));
}

TEST(RedirectTest, PostBecomesGetOn302And303)
{
    auto crawler = make_crawler();
    auto mw = RedirectMiddleware::from_crawler(*crawler);
    Request post{"http://example.com/form", "POST"};
    post.body = "a=1";
    post.headers.set("Content-Type", "application/x-www-form-urlencoded");
    post.headers.set("Content-Length", "3");
    post.headers.set("Content-Encoding", "identity");
    post.headers.set("X-Other", "kept");
    for (int status : {302, 303}) {
        Request get = follow(*mw, post, status, "/done");
        EXPECT_EQ(get.method, "GET") << status;
        EXPECT_TRUE(get.body.empty());
        EXPECT_FALSE(get.headers.contains("Content-Type"));
        EXPECT_FALSE(get.headers.contains("Content-Length"));
        EXPECT_FALSE(get.headers.contains("Content-Encoding"));
        EXPECT_EQ(get.headers.get("X-Other"), "kept");
    }
}

TEST(RedirectTest, PostKeepsMethodAndBodyOn301_307_308)
{
    auto crawler = make_crawler();
    auto mw = RedirectMiddleware::from_crawler(*crawler);
    Request post{"http://example.com/form", "POST"};
    post.body = "a=1";
    post.headers.set("Content-Type", "application/x-www-form-urlencoded");
    for (int status : {301, 307, 308}) {
        Request again = follow(*mw, post, status, "/other");
        EXPECT_EQ(again.method, "POST") << status;
        EXPECT_EQ(again.body, "a=1");
        EXPECT_EQ(again.headers.get("Content-Type"), "application/x-www-form-urlencoded");
    }
}

TEST(RedirectTest, HeadStaysHead)
{
    auto crawler = make_crawler();
    auto mw = RedirectMiddleware::from_crawler(*crawler);
    Request head{"http://example.com/", "HEAD"};
    EXPECT_EQ(follow(*mw, head, 302, "/x").method, "HEAD");
    EXPECT_EQ(follow(*mw, head, 303, "/x").method, "HEAD");
}

TEST(RedirectTest, CredentialsDoNotCrossHosts)
{
    auto crawler = make_crawler();
    auto mw = RedirectMiddleware::from_crawler(*crawler);
    Request request{"https://example.com/private"};
    request.headers.set("Authorization", "Basic dXNlcjpwYXNz");
    request.headers.set("Cookie", "session=1");

    Request same = follow(*mw, request, 302, "/elsewhere");
    EXPECT_TRUE(same.headers.contains("Authorization"));
    EXPECT_TRUE(same.headers.contains("Cookie"));
    Request explicit_port = follow(*mw, request, 302, "https://EXAMPLE.com:443/x");
    EXPECT_TRUE(explicit_port.headers.contains("Authorization"));

    Request other = follow(*mw, request, 301, "https://evil.example.net/");
    EXPECT_FALSE(other.headers.contains("Authorization"));
    EXPECT_FALSE(other.headers.contains("Cookie"));

    Request port = follow(*mw, request, 307, "https://example.com:8443/");
    EXPECT_FALSE(port.headers.contains("Authorization"));
    EXPECT_FALSE(port.headers.contains("Cookie"));

    // A downgrade to http keeps neither.
    Request downgrade = follow(*mw, request, 302, "http://example.com:443/");
    EXPECT_FALSE(downgrade.headers.contains("Authorization"));
    EXPECT_FALSE(downgrade.headers.contains("Cookie"));

    // An upgrade keeps the cookie but not the credentials (another origin).
    Request plain{"http://example.com/"};
    plain.headers.set("Authorization", "Bearer t");
    plain.headers.set("Cookie", "a=b");
    Request upgrade = follow(*mw, plain, 302, "https://example.com:80/");
    EXPECT_FALSE(upgrade.headers.contains("Authorization"));
    EXPECT_TRUE(upgrade.headers.contains("Cookie"));
}

TEST(RedirectTest, MetaAndStatusesThatAreNotFollowed)
{
    auto crawler = make_crawler();
    auto mw = RedirectMiddleware::from_crawler(*crawler);
    auto passes = [&](const Request& request, const Response& response) {
        return std::holds_alternative<Response>(run(mw->process_response(request, response)));
    };
    Request plain{"http://example.com/"};
    EXPECT_TRUE(passes(plain, respond(plain, 302)));  // no Location
    EXPECT_TRUE(passes(plain, redirect_response(plain, 200, "/x")));
    EXPECT_TRUE(passes(plain, redirect_response(plain, 300, "/x")));
    EXPECT_TRUE(passes(plain, redirect_response(plain, 304, "/x")));
    EXPECT_TRUE(passes(plain, redirect_response(plain, 201, "/x")));

    Request dont{"http://example.com/"};
    dont.meta["dont_redirect"] = true;
    EXPECT_TRUE(passes(dont, redirect_response(dont, 302, "/x")));
    Request listed{"http://example.com/"};
    listed.meta["handle_httpstatus_list"] = boost::json::array{301, 302};
    EXPECT_TRUE(passes(listed, redirect_response(listed, 302, "/x")));
    EXPECT_FALSE(passes(listed, redirect_response(listed, 307, "/x")));
    Request all{"http://example.com/"};
    all.meta["handle_httpstatus_all"] = true;
    EXPECT_TRUE(passes(all, redirect_response(all, 301, "/x")));
}

TEST(RedirectTest, KeepsDontFilterAndDropsAPendingRetryDelay)
{
    auto crawler = make_crawler();
    auto mw = RedirectMiddleware::from_crawler(*crawler);
    Request request{"http://example.com/"};
    request.dont_filter = true;
    request.meta["retry_delay"] = 4.0;
    request.meta["retry_times"] = 1;
    Request next = follow(*mw, request, 302, "/x");
    EXPECT_TRUE(next.dont_filter);
    EXPECT_FALSE(next.meta.contains("retry_delay"));
    EXPECT_EQ(next.meta.at("retry_times"), 1);
}

TEST(RedirectTest, SettingsAndDisabling)
{
    auto crawler = make_crawler({{"REDIRECT_PRIORITY_ADJUST", -3}});
    auto mw = RedirectMiddleware::from_crawler(*crawler);
    Request request{"http://example.com/"};
    EXPECT_EQ(follow(*mw, request, 302, "/x").priority, -3);
    auto off = make_crawler({{"REDIRECT_ENABLED", false}});
    EXPECT_THROW(RedirectMiddleware::from_crawler(*off), NotConfigured);
}


TEST(RedirectTest, NonHttpLocationsAreNotFollowed)
{
    auto crawler = make_crawler();
    auto mw = RedirectMiddleware::from_crawler(*crawler);
    Request request{"http://example.com/start"};
    for (std::string location : {"ftp://example.com/file", "javascript:alert(1)", "mailto:someone@example.com",
                                 "file:///etc/passwd", "data:text/plain,hi"}) {
        LogCapture log;
        auto action = run(mw->process_response(request, redirect_response(request, 302, location)));
        ASSERT_TRUE(std::holds_alternative<Response>(action)) << location;
        EXPECT_EQ(std::get<Response>(action).status(), 302);
        EXPECT_EQ(log.count("Not following the 302 redirect of <GET http://example.com/start>", spdlog::level::warn),
                  1U)
            << location;
    }
}

TEST(RedirectTest, SpiderHandleHttpstatusListArgument)
{
    auto crawler = make_crawler();
    crawler->spider().arguments["handle_httpstatus_list"] = "301, 302";
    auto mw = RedirectMiddleware::from_crawler(*crawler);
    Request request{"http://example.com/"};
    EXPECT_TRUE(std::holds_alternative<Response>(run(mw->process_response(request, redirect_response(request, 302, "/x")))));
    EXPECT_TRUE(std::holds_alternative<Reschedule>(run(mw->process_response(request, redirect_response(request, 307, "/x")))));

    auto bad = make_crawler();
    bad->spider().arguments["handle_httpstatus_list"] = "301,many";
    EXPECT_THROW(RedirectMiddleware::from_crawler(*bad), SettingsError);
}

TEST(RedirectTest, RefererFollowsTheReferrerPolicy)
{
    auto crawler = make_crawler();
    auto mw = RedirectMiddleware::from_crawler(*crawler);
    Request request{"https://example.com/a"};
    request.headers.set("Referer", "https://example.com/from");
    // Still https: kept. To http: the default policy sends nothing.
    EXPECT_EQ(follow(*mw, request, 302, "https://other.example/b").headers.get("Referer"), "https://example.com/from");
    EXPECT_FALSE(follow(*mw, request, 302, "http://other.example/b").headers.contains("Referer"));
    request.meta["referrer_policy"] = "origin";
    EXPECT_EQ(follow(*mw, request, 302, "http://other.example/b").headers.get("Referer"), "https://example.com/");

    // With the referer middleware off, the header is left alone.
    auto off = make_crawler({{"REFERER_ENABLED", false}});
    auto plain = RedirectMiddleware::from_crawler(*off);
    Request other{"https://example.com/a"};
    other.headers.set("Referer", "https://example.com/from");
    EXPECT_EQ(follow(*plain, other, 302, "http://other.example/b").headers.get("Referer"), "https://example.com/from");
}

} // namespace
} // namespace trawl::test
