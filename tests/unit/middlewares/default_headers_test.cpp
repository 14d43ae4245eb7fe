#include "downloader/default_headers.hpp"
#include "middleware_test_support.hpp"

#include <boost/json/parse.hpp>

#include <gtest/gtest.h>

namespace trawl::test {
namespace {

using middlewares::DefaultHeadersMiddleware;

TEST(DefaultHeadersTest, AddsScrapysDefaults)
{
    auto crawler = make_crawler();
    auto mw = DefaultHeadersMiddleware::from_crawler(*crawler);
    EXPECT_EQ(mw->hooks(), static_cast<HookSet>(Hook::request));
    Request request{"http://example.com/"};
    auto action = run(mw->process_request(request));
    EXPECT_TRUE(std::holds_alternative<Continue>(action));
    EXPECT_EQ(request.headers.get("Accept"), "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
    EXPECT_EQ(request.headers.get("accept-language"), "en");
}

TEST(DefaultHeadersTest, KeepsHeadersTheRequestSets)
{
    auto crawler = make_crawler();
    auto mw = DefaultHeadersMiddleware::from_crawler(*crawler);
    Request request{"http://example.com/"};
    request.headers.add("accept-language", "fr");
    request.headers.add("Accept-Language", "de");
    run(mw->process_request(request));
    auto languages = request.headers.get_all("Accept-Language");
    ASSERT_EQ(languages.size(), 2U);
    EXPECT_EQ(languages[0], "fr");
    EXPECT_EQ(languages[1], "de");
    EXPECT_TRUE(request.headers.contains("Accept"));
}

TEST(DefaultHeadersTest, CustomDictWithListsNumbersAndNulls)
{
    auto crawler = make_crawler(
        {{"DEFAULT_REQUEST_HEADERS", boost::json::parse(R"({"X-Multi": ["a", "b"], "X-Num": 5, "Accept": null})")}});
    auto mw = DefaultHeadersMiddleware::from_crawler(*crawler);
    Request request{"http://example.com/"};
    run(mw->process_request(request));
    auto multi = request.headers.get_all("X-Multi");
    ASSERT_EQ(multi.size(), 2U);
    EXPECT_EQ(multi[0], "a");
    EXPECT_EQ(multi[1], "b");
    EXPECT_EQ(request.headers.get("X-Num"), "5");
    EXPECT_FALSE(request.headers.contains("Accept"));
}

} // namespace
} // namespace trawl::test
