#include "downloader/downloader_stats.hpp"
#include "middleware_test_support.hpp"

#include <trawl/error.hpp>

#include <boost/asio/error.hpp>

#include <gtest/gtest.h>

namespace trawl::test {
namespace {

using middlewares::DownloaderStats;

TEST(DownloaderStatsTest, CountsRequestsResponsesAndErrors)
{
    auto crawler = make_crawler();
    auto mw = DownloaderStats::from_crawler(*crawler);
    EXPECT_EQ(mw->hooks(), Hook::request | Hook::response | Hook::exception);
    Request get{"http://example.com/"};
    Request post{"http://example.com/form", "POST"};
    EXPECT_TRUE(std::holds_alternative<Continue>(run(mw->process_request(get))));
    run(mw->process_request(get));
    run(mw->process_request(post));
    auto action = run(mw->process_response(get, respond(get, 200, {}, "hello")));
    ASSERT_TRUE(std::holds_alternative<Response>(action));
    run(mw->process_response(get, respond(get, 404)));
    run(mw->process_response(get, respond(get, 200)));
    auto failed = run(mw->process_exception(get, DownloadError{make_error_code(errc::timed_out), "slow", get.url}));
    EXPECT_TRUE(std::holds_alternative<Continue>(failed));
    run(mw->process_exception(get, DownloadError{make_error_code(errc::dns_not_found), "nx", get.url}));
    run(mw->process_exception(get, DownloadError{make_error_code(errc::timed_out), "slow", get.url}));

    EXPECT_EQ(stat(*crawler, "downloader/request_count"), 3);
    EXPECT_EQ(stat(*crawler, "downloader/request_method_count/GET"), 2);
    EXPECT_EQ(stat(*crawler, "downloader/request_method_count/POST"), 1);
    EXPECT_GT(stat(*crawler, "downloader/request_bytes"), 0);
    EXPECT_EQ(stat(*crawler, "downloader/response_count"), 3);
    EXPECT_EQ(stat(*crawler, "downloader/response_status_count/200"), 2);
    EXPECT_EQ(stat(*crawler, "downloader/response_status_count/404"), 1);
    EXPECT_GT(stat(*crawler, "downloader/response_bytes"), 0);
    EXPECT_EQ(stat(*crawler, "downloader/exception_count"), 3);
    EXPECT_EQ(stat(*crawler, "downloader/exception_type_count/timed_out"), 2);
    EXPECT_EQ(stat(*crawler, "downloader/exception_type_count/dns_not_found"), 1);
}

TEST(DownloaderStatsTest, SizesMatchScrapysEstimates)
{
    // Scrapy 2.8's len(request_httprepr(...)) of the same requests; and of
    // the response, body + get_header_size + get_status_size + 4.
    Request request{"http://example.com/path?x=1", "POST"};
    request.headers.set("Accept", "a");
    request.body = "xy";
    EXPECT_EQ(DownloaderStats::request_size(request), 59U);
    EXPECT_EQ(DownloaderStats::request_size(Request{"http://example.com"}), 37U);
    auto response = respond(Request{"http://example.com/"}, 200, {{"Content-Type", "text/html"}}, "hello");
    EXPECT_EQ(DownloaderStats::response_size(response), 49U);
}

TEST(DownloaderStatsTest, OtherCategoriesGetACategoryName)
{
    auto crawler = make_crawler();
    auto mw = DownloaderStats::from_crawler(*crawler);
    Request get{"http://example.com/"};
    run(mw->process_exception(get, DownloadError{boost::asio::error::broken_pipe, "pipe", get.url}));
    run(mw->process_exception(
        get, DownloadError{boost::system::errc::make_error_code(boost::system::errc::broken_pipe), "pipe", get.url}));
    EXPECT_EQ(stat(*crawler, "downloader/exception_type_count/generic:32"), 2);
}

TEST(DownloaderStatsTest, DisabledBySetting)
{
    auto crawler = make_crawler({{"DOWNLOADER_STATS", false}});
    EXPECT_THROW(DownloaderStats::from_crawler(*crawler), NotConfigured);
}

} // namespace
} // namespace trawl::test
