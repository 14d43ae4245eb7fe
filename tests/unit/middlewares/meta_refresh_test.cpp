#include "downloader/meta_refresh.hpp"
#include "middleware_test_support.hpp"

#include <boost/json/array.hpp>

#include <fmt/format.h>

#include <gtest/gtest.h>

namespace trawl::test {
namespace {

using middlewares::find_meta_refresh;
using middlewares::MetaRefreshMiddleware;

// "interval url" of the refresh in `html`, or "none"; expected values from
// w3lib 2.1's get_meta_refresh.
std::string refresh_in(std::string_view html, std::vector<std::string> ignore_tags = {})
{
    auto refresh = find_meta_refresh(html, ignore_tags);
    if (!refresh) {
        return "none";
    }
    return fmt::format("{} {}", refresh->interval, refresh->url);
}

TEST(MetaRefreshTest, FindsRefreshesAsW3lib)
{
    EXPECT_EQ(refresh_in(R"(<meta http-equiv="refresh" content="5; url=http://example.org/newpage">)"),
              "5 http://example.org/newpage");
    EXPECT_EQ(refresh_in(R"(<meta content="0;URL='/x'" http-equiv="refresh">)"), "0 /x");
    EXPECT_EQ(refresh_in(R"(<META HTTP-EQUIV="Refresh" CONTENT="0; URL=a.html">)"), "0 a.html");
    EXPECT_EQ(refresh_in(R"(<meta http-equiv="refresh" content="0.5;url=b">)"), "0.5 b");
    EXPECT_EQ(refresh_in(R"(<meta http-equiv="refresh" content="3;  url=  h  ">)"), "3 h");
    EXPECT_EQ(refresh_in(R"(<meta content="1;url=j" name="x" http-equiv="refresh">)"), "1 j");
    EXPECT_EQ(refresh_in("<meta\nhttp-equiv='refresh'\ncontent='2;url=multi'>"), "2 multi");
    EXPECT_EQ(refresh_in(R"(<meta http-equiv="refresh" content="1;url=e?x=1&amp;y=2">)"), "1 e?x=1&y=2");
    EXPECT_EQ(refresh_in(R"(<meta http-equiv="refresh" content="1;url=l&#x41;&#66;&bogus;&zz">)"), "1 lAB&zz");
    EXPECT_EQ(refresh_in(R"(<meta http-equiv="refresh" content="1;url=">)"), "1 ");
    EXPECT_EQ(refresh_in(R"(<html><head><title>x</title><meta charset="utf-8">)"
                         R"(<meta http-equiv="refresh" content="0;url=/second"></head>)"),
              "0 /second");
}

TEST(MetaRefreshTest, WhatIsNotARefresh)
{
    EXPECT_EQ(refresh_in(R"(<meta http-equiv="refresh" content="5">)"), "none");
    EXPECT_EQ(refresh_in(R"(<meta http-equiv="refresh" content="5; http://x/">)"), "none");
    EXPECT_EQ(refresh_in(R"(<!-- <meta http-equiv="refresh" content="1;url=c"> -->)"), "none");
    EXPECT_EQ(refresh_in(R"(<meta http-equiv="refresh" content="1;url=f)"), "none");
    EXPECT_EQ(refresh_in(R"(<meta http-equiv="refresh" content=".5 ; url = g">)"), "none");
    EXPECT_EQ(refresh_in(R"(<meta name="x" content="1;url=i">)"), "none");
    EXPECT_EQ(refresh_in(R"(<metahttp-equiv="refresh" content="1;url=k">)"), "none");
    EXPECT_EQ(refresh_in(R"(<p>http-equiv refresh content="1;url=z"</p>)"), "none");
    EXPECT_EQ(refresh_in(""), "none");
    EXPECT_EQ(refresh_in(std::string(5000, '<')), "none");
}

TEST(MetaRefreshTest, IgnoredTagsHideTheirContent)
{
    const std::string html = R"(<script><meta http-equiv="refresh" content="1;url=d"></script>)";
    EXPECT_EQ(refresh_in(html), "1 d");
    EXPECT_EQ(refresh_in(html, {"script", "noscript"}), "none");
    EXPECT_EQ(refresh_in(R"(<noscript/><meta http-equiv="refresh" content="1;url=after">)", {"noscript"}),
              "1 after");
    EXPECT_EQ(refresh_in(R"(<NOSCRIPT><meta http-equiv="refresh" content="1;url=in"></noscript>)"
                         R"(<meta http-equiv="refresh" content="2;url=out">)",
                         {"noscript"}),
              "2 out");
}

Response html_page(const Request& request, std::string body, std::string content_type = "text/html")
{
    return respond(request, 200, {{"Content-Type", std::move(content_type)}}, std::move(body));
}

std::string refresh_page(std::string_view content)
{
    return fmt::format(R"(<html><head><meta http-equiv="refresh" content="{}"></head></html>)", content);
}

TEST(MetaRefreshTest, RedirectsLikeTheRedirectMiddleware)
{
    auto crawler = make_crawler();
    auto mw = MetaRefreshMiddleware::from_crawler(*crawler);
    EXPECT_EQ(mw->hooks(), static_cast<HookSet>(Hook::response));
    Request request{"http://example.com/dir/page", "POST"};
    request.body = "a=1";
    request.headers.set("Content-Type", "application/x-www-form-urlencoded");
    request.priority = 5;
    request.meta["keep"] = true;

    auto action = run(mw->process_response(request, html_page(request, refresh_page("0; url=next"))));
    ASSERT_TRUE(std::holds_alternative<Reschedule>(action));
    const auto& next = std::get<Reschedule>(action).request;
    EXPECT_EQ(next.url, "http://example.com/dir/next");
    EXPECT_EQ(next.method, "GET");
    EXPECT_EQ(next.body, "");
    EXPECT_FALSE(next.headers.contains("Content-Type"));
    EXPECT_EQ(next.priority, 7);
    EXPECT_EQ(next.meta.at("keep"), true);
    EXPECT_EQ(next.meta.at("redirect_times"), 1);
    EXPECT_EQ(next.meta.at("redirect_ttl"), 19);
    EXPECT_EQ(next.meta.at("redirect_urls"), (boost::json::array{"http://example.com/dir/page"}));
    EXPECT_EQ(next.meta.at("redirect_reasons"), (boost::json::array{"meta refresh"}));

    // A second refresh continues the chain.
    auto again = run(mw->process_response(next, html_page(next, refresh_page("1;url=/third"))));
    ASSERT_TRUE(std::holds_alternative<Reschedule>(again));
    const auto& third = std::get<Reschedule>(again).request;
    EXPECT_EQ(third.url, "http://example.com/third");
    EXPECT_EQ(third.meta.at("redirect_times"), 2);
    EXPECT_EQ(third.meta.at("redirect_urls"),
              (boost::json::array{"http://example.com/dir/page", "http://example.com/dir/next"}));
}

TEST(MetaRefreshTest, ResponsesThatAreNotFollowed)
{
    auto crawler = make_crawler();
    auto mw = MetaRefreshMiddleware::from_crawler(*crawler);
    Request request{"http://example.com/"};
    const auto page = refresh_page("0;url=/next");
    auto passes = [&](const Request& r, Response response) {
        return std::holds_alternative<Response>(run(mw->process_response(r, std::move(response))));
    };
    EXPECT_TRUE(passes(request, html_page(request, page, "text/plain")));
    EXPECT_TRUE(passes(request, html_page(request, page, "application/json")));
    Request head{"http://example.com/", "HEAD"};
    EXPECT_TRUE(passes(head, html_page(head, page)));
    Request dont = request;
    dont.meta["dont_redirect"] = true;
    EXPECT_TRUE(passes(dont, html_page(dont, page)));
    // Only the first 4096 characters are read, as Scrapy.
    EXPECT_TRUE(passes(request, html_page(request, "<html>" + std::string(4096, ' ') + page)));
    EXPECT_FALSE(passes(request, html_page(request, "<html>" + std::string(3000, ' ') + page)));
    // Characters, not bytes: 3,000 two-byte characters put the tag past byte
    // 4096 but within the first 4096 characters.
    std::string wide;
    for (int i = 0; i < 3000; ++i) {
        wide += "\xC3\xA9";  // é in UTF-8
    }
    EXPECT_FALSE(passes(request, html_page(request, "<html>" + wide + page, "text/html; charset=utf-8")));
}

// The raw bytes are looked at before any decoding, for "http-equiv" and
// "refresh" inside a <meta> tag: wherever the tag sits in the first 4096
// bytes, however the words are spelt, it is found; other http-equiv tags
// and a "refresh" outside a <meta> tag are not refreshes.
TEST(MetaRefreshTest, FindsTheTagAnywhereInTheHead)
{
    auto crawler = make_crawler();
    auto mw = MetaRefreshMiddleware::from_crawler(*crawler);
    Request request{"http://example.com/"};
    const std::string filler =
        "<p>Refresh the page <a href=\"/x-y\">here</a></p><meta charset=\"utf-8\">"
        "<meta http-equiv=\"Content-Type\" content=\"text/html\"><p>http-equiv refresh</p>\n";
    for (const std::string_view spelling : {"http-equiv=\"refresh", "HTTP-EQUIV=\"REFRESH", "Http-Equiv=\"rEfReSh"}) {
        for (std::size_t padding = 0; padding < 3900; padding += 37) {
            std::string page = "<html><head>" + filler;
            page.append(padding, ' ');
            page += "<meta " + std::string(spelling) + "\" content=\"0;url=/moved\">";
            page.append(5000, 'x');
            auto action = run(mw->process_response(request, html_page(request, page)));
            ASSERT_TRUE(std::holds_alternative<Reschedule>(action)) << spelling << " after " << padding;
            EXPECT_EQ(std::get<Reschedule>(action).request.url, "http://example.com/moved");
        }
    }
    // The content first, then http-equiv, as w3lib's second pattern.
    const std::string content_first =
        "<html><head>" + filler + "<META CONTENT=\"0; URL=/moved\" HTTP-EQUIV=\"Refresh\">";
    auto content_action = run(mw->process_response(request, html_page(request, content_first)));
    ASSERT_TRUE(std::holds_alternative<Reschedule>(content_action));
    EXPECT_EQ(std::get<Reschedule>(content_action).request.url, "http://example.com/moved");
    // Past the first 4096 characters, as in w3lib, and outside a tag: none.
    std::string late = "<html><head>" + filler + std::string(4100, ' ') +
                       "<meta http-equiv=\"refresh\" content=\"0;url=/moved\">";
    EXPECT_TRUE(std::holds_alternative<Response>(run(mw->process_response(request, html_page(request, late)))));
    std::string text_only = "<html><head>" + filler + "<p>meta refresh content=0;url=/moved</p>";
    EXPECT_TRUE(
        std::holds_alternative<Response>(run(mw->process_response(request, html_page(request, text_only)))));
}

TEST(MetaRefreshTest, ReadsTheDecodedText)
{
    auto crawler = make_crawler();
    auto mw = MetaRefreshMiddleware::from_crawler(*crawler);
    Request request{"http://example.com/"};
    // UTF-16LE with a byte order mark: no "<meta" in the raw bytes.
    std::string utf16 = "\xFF\xFE";
    for (char c : refresh_page("0;url=/wide")) {
        utf16.push_back(c);
        utf16.push_back('\0');
    }
    auto action = run(mw->process_response(request, html_page(request, utf16)));
    ASSERT_TRUE(std::holds_alternative<Reschedule>(action));
    EXPECT_EQ(std::get<Reschedule>(action).request.url, "http://example.com/wide");
}

TEST(MetaRefreshTest, MaxDelay)
{
    auto crawler = make_crawler();
    auto mw = MetaRefreshMiddleware::from_crawler(*crawler);
    Request request{"http://example.com/"};
    auto follows = [&](MetaRefreshMiddleware& m, std::string_view content) {
        auto action = run(m.process_response(request, html_page(request, refresh_page(content))));
        return std::holds_alternative<Reschedule>(action);
    };
    EXPECT_TRUE(follows(*mw, "99.5;url=/a"));
    EXPECT_FALSE(follows(*mw, "100;url=/a"));  // default METAREFRESH_MAXDELAY 100: delay < max

    auto strict = make_crawler({{"METAREFRESH_MAXDELAY", 2}});
    auto mw2 = MetaRefreshMiddleware::from_crawler(*strict);
    EXPECT_TRUE(follows(*mw2, "1;url=/a"));
    EXPECT_FALSE(follows(*mw2, "2;url=/a"));
}

TEST(MetaRefreshTest, MaxRedirectTimesAndIgnoreTags)
{
    auto crawler = make_crawler({{"REDIRECT_MAX_TIMES", 1}, {"METAREFRESH_IGNORE_TAGS", boost::json::array{"noscript"}}});
    auto mw = MetaRefreshMiddleware::from_crawler(*crawler);
    Request request{"http://example.com/"};
    request.meta["redirect_times"] = 1;
    auto action = run(mw->process_response(request, html_page(request, refresh_page("0;url=/n"))));
    ASSERT_TRUE(std::holds_alternative<Ignore>(action));
    EXPECT_EQ(std::get<Ignore>(action).reason, "max redirections reached");

    Request fresh{"http://example.com/"};
    auto hidden = run(mw->process_response(
        fresh, html_page(fresh, "<noscript>" + refresh_page("0;url=/n") + "</noscript>")));
    EXPECT_TRUE(std::holds_alternative<Response>(hidden));
}

TEST(MetaRefreshTest, NonHttpTargetsAreNotFollowed)
{
    auto crawler = make_crawler();
    auto mw = MetaRefreshMiddleware::from_crawler(*crawler);
    Request request{"http://example.com/"};
    for (std::string target : {"javascript:alert(1)", "mailto:a@example.com", "ftp://example.com/f",
                               "file:///etc/passwd", "data:text/html,hi"}) {
        LogCapture log;
        auto action = run(mw->process_response(request, html_page(request, refresh_page("0;url=" + target))));
        EXPECT_TRUE(std::holds_alternative<Response>(action)) << target;
        EXPECT_EQ(log.count("Not following the meta refresh of <GET http://example.com/>", spdlog::level::warn), 1U)
            << target;
    }
}

TEST(MetaRefreshTest, Settings)
{
    auto off = make_crawler({{"METAREFRESH_ENABLED", false}});
    EXPECT_THROW(MetaRefreshMiddleware::from_crawler(*off), NotConfigured);
    // REDIRECT_ENABLED does not turn meta refresh off (Scrapy's enabled_setting).
    auto no_redirect = make_crawler({{"REDIRECT_ENABLED", false}});
    EXPECT_NO_THROW(MetaRefreshMiddleware::from_crawler(*no_redirect));
}

} // namespace
} // namespace trawl::test
