#include "spider/http_error.hpp"
#include "middleware_test_support.hpp"

#include <boost/json/array.hpp>

#include <gtest/gtest.h>

#include <stdexcept>

namespace trawl::test {
namespace {

using middlewares::HttpError;
using middlewares::HttpErrorMiddleware;

Response response_with(int status, boost::json::object meta = {})
{
    Request request{"http://example.com/"};
    request.meta = std::move(meta);
    return respond(request, status);
}

TEST(HttpErrorTest, LetsSuccessThroughAndFailsTheRest)
{
    auto crawler = make_crawler();
    auto mw = HttpErrorMiddleware::from_crawler(*crawler);
    for (int status : {200, 201, 204, 299}) {
        EXPECT_EQ(mw->process_spider_input(response_with(status)), nullptr) << status;
    }
    for (int status : {199, 301, 302, 404, 500}) {
        auto error = mw->process_spider_input(response_with(status));
        ASSERT_NE(error, nullptr) << status;
        try {
            std::rethrow_exception(error);
        } catch (const HttpError& e) {
            EXPECT_EQ(e.status(), status);
            EXPECT_EQ(e.response().url(), "http://example.com/");
            EXPECT_EQ(e.code(), trawl::errc::http_status);
            EXPECT_EQ(std::string(e.what()), "Ignoring response <" + std::to_string(status) +
                                                 " http://example.com/>: HTTP status code is not handled or not allowed");
        }
    }
}

TEST(HttpErrorTest, AllowedBySettings)
{
    auto crawler = make_crawler({{"HTTPERROR_ALLOWED_CODES", boost::json::array{404, 410}}});
    auto mw = HttpErrorMiddleware::from_crawler(*crawler);
    EXPECT_EQ(mw->process_spider_input(response_with(404)), nullptr);
    EXPECT_EQ(mw->process_spider_input(response_with(410)), nullptr);
    EXPECT_NE(mw->process_spider_input(response_with(500)), nullptr);

    auto all = make_crawler({{"HTTPERROR_ALLOW_ALL", true}});
    auto lenient = HttpErrorMiddleware::from_crawler(*all);
    EXPECT_EQ(lenient->process_spider_input(response_with(500)), nullptr);

    auto bad = make_crawler({{"HTTPERROR_ALLOWED_CODES", boost::json::array{"four-oh-four"}}});
    EXPECT_THROW(HttpErrorMiddleware::from_crawler(*bad), SettingsError);
}

TEST(HttpErrorTest, AllowedByMeta)
{
    auto crawler = make_crawler();
    auto mw = HttpErrorMiddleware::from_crawler(*crawler);
    EXPECT_EQ(mw->process_spider_input(response_with(500, {{"handle_httpstatus_all", true}})), nullptr);
    EXPECT_EQ(mw->process_spider_input(response_with(404, {{"handle_httpstatus_list", boost::json::array{404}}})),
              nullptr);
    EXPECT_NE(mw->process_spider_input(response_with(500, {{"handle_httpstatus_list", boost::json::array{404}}})),
              nullptr);
}

TEST(HttpErrorTest, MetaListWinsOverAllowAll)
{
    auto crawler = make_crawler({{"HTTPERROR_ALLOW_ALL", true}});
    auto mw = HttpErrorMiddleware::from_crawler(*crawler);
    EXPECT_NE(mw->process_spider_input(response_with(500, {{"handle_httpstatus_list", boost::json::array{404}}})),
              nullptr);
    EXPECT_EQ(mw->process_spider_input(response_with(500)), nullptr);
}

TEST(HttpErrorTest, SwallowsItsOwnErrorsWithStats)
{
    LogCapture log;
    auto crawler = make_crawler();
    auto mw = HttpErrorMiddleware::from_crawler(*crawler);
    auto response = response_with(404);
    auto error = mw->process_spider_input(response);
    auto handled = mw->process_spider_exception(response, error);
    ASSERT_TRUE(handled.has_value());
    EXPECT_TRUE(handled->empty());
    auto other = response_with(503);
    mw->process_spider_exception(other, mw->process_spider_input(other));
    EXPECT_EQ(stat(*crawler, "httperror/response_ignored_count"), 2);
    EXPECT_EQ(stat(*crawler, "httperror/response_ignored_status_count/404"), 1);
    EXPECT_EQ(stat(*crawler, "httperror/response_ignored_status_count/503"), 1);
    EXPECT_EQ(log.count("HTTP status code is not handled or not allowed", spdlog::level::info), 2U);

    // Other errors are not its business.
    auto foreign = std::make_exception_ptr(std::runtime_error("callback bug"));
    EXPECT_FALSE(mw->process_spider_exception(response, foreign).has_value());
    EXPECT_FALSE(mw->process_spider_exception(response, nullptr).has_value());
    EXPECT_EQ(stat(*crawler, "httperror/response_ignored_count"), 2);
}


TEST(HttpErrorTest, SpiderHandleHttpstatusListReplacesTheSetting)
{
    auto crawler = make_crawler({{"HTTPERROR_ALLOWED_CODES", boost::json::array{500}}});
    crawler->spider().arguments["handle_httpstatus_list"] = "404,410";
    auto mw = HttpErrorMiddleware::from_crawler(*crawler);
    EXPECT_EQ(mw->process_spider_input(response_with(404)), nullptr);
    EXPECT_EQ(mw->process_spider_input(response_with(410)), nullptr);
    EXPECT_NE(mw->process_spider_input(response_with(500)), nullptr);
    // meta still decides first.
    EXPECT_NE(mw->process_spider_input(response_with(404, {{"handle_httpstatus_list", boost::json::array{403}}})),
              nullptr);

    // HTTPERROR_ALLOW_ALL wins over the spider's list (Scrapy 2.8's order).
    auto all = make_crawler({{"HTTPERROR_ALLOW_ALL", true}});
    all->spider().arguments["handle_httpstatus_list"] = "404";
    EXPECT_EQ(HttpErrorMiddleware::from_crawler(*all)->process_spider_input(response_with(500)), nullptr);

    // An empty list allows nothing more.
    auto empty = make_crawler({{"HTTPERROR_ALLOWED_CODES", boost::json::array{500}}});
    empty->spider().arguments["handle_httpstatus_list"] = "";
    EXPECT_NE(HttpErrorMiddleware::from_crawler(*empty)->process_spider_input(response_with(500)), nullptr);

    auto bad = make_crawler();
    bad->spider().arguments["handle_httpstatus_list"] = "404;500";
    EXPECT_THROW(HttpErrorMiddleware::from_crawler(*bad), SettingsError);
}

} // namespace
} // namespace trawl::test
