#include "downloader/retry.hpp"
#include "middleware_test_support.hpp"

#include <trawl/error.hpp>

#include <boost/asio/error.hpp>

#include <gtest/gtest.h>

#include <chrono>

namespace trawl::test {
namespace {

using middlewares::RetryMiddleware;

DownloadError error_of(errc code, const std::string& url = "http://example.com/")
{
    return DownloadError{make_error_code(code), "failed", url};
}

const Request& rescheduled(const ResponseAction& action)
{
    EXPECT_TRUE(std::holds_alternative<Reschedule>(action));
    return std::get<Reschedule>(action).request;
}

TEST(RetryTest, RetriesServerErrorsWithCountsAndBackoff)
{
    auto crawler = make_crawler();
    auto mw = RetryMiddleware::from_crawler(*crawler);
    EXPECT_EQ(mw->hooks(), Hook::response | Hook::exception);
    Request request{"http://example.com/"};
    request.priority = 5;
    request.meta["keep"] = "me";

    auto first = run(mw->process_response(request, respond(request, 503)));
    const Request again = rescheduled(first);
    EXPECT_EQ(again.url, request.url);
    EXPECT_EQ(again.meta.at("retry_times").to_number<int>(), 1);
    EXPECT_EQ(again.meta.at("keep"), "me");
    EXPECT_TRUE(again.dont_filter);
    EXPECT_EQ(again.priority, 4);  // RETRY_PRIORITY_ADJUST -1
    EXPECT_DOUBLE_EQ(again.meta.at("retry_delay").to_number<double>(), 1.0);

    auto second = run(mw->process_response(again, respond(again, 500)));
    const Request third = rescheduled(second);
    EXPECT_EQ(third.meta.at("retry_times").to_number<int>(), 2);
    EXPECT_EQ(third.priority, 3);
    EXPECT_DOUBLE_EQ(third.meta.at("retry_delay").to_number<double>(), 2.0);

    // RETRY_TIMES is 2: the third failure is passed on as it is.
    auto response = respond(third, 500);
    auto last = run(mw->process_response(third, response));
    ASSERT_TRUE(std::holds_alternative<Response>(last));
    EXPECT_EQ(std::get<Response>(last).status(), 500);

    EXPECT_EQ(stat(*crawler, "retry/count"), 2);
    EXPECT_EQ(stat(*crawler, "retry/reason_count/503 Service Unavailable"), 1);
    EXPECT_EQ(stat(*crawler, "retry/reason_count/500 Internal Server Error"), 1);
    EXPECT_EQ(stat(*crawler, "retry/max_reached"), 1);
}

TEST(RetryTest, OtherStatusesPassThrough)
{
    auto crawler = make_crawler();
    auto mw = RetryMiddleware::from_crawler(*crawler);
    Request request{"http://example.com/"};
    for (int status : {200, 301, 404, 501}) {
        auto action = run(mw->process_response(request, respond(request, status)));
        ASSERT_TRUE(std::holds_alternative<Response>(action)) << status;
    }
    EXPECT_FALSE(has_stat(*crawler, "retry/count"));
}

TEST(RetryTest, ScrapyReasonNamesForCodesTwistedDoesNotKnow)
{
    auto crawler = make_crawler();
    auto mw = RetryMiddleware::from_crawler(*crawler);
    Request request{"http://example.com/"};
    for (int status : {408, 429, 502, 504, 522, 524}) {
        rescheduled(run(mw->process_response(request, respond(request, status))));
    }
    EXPECT_EQ(stat(*crawler, "retry/reason_count/408 Request Time-out"), 1);
    EXPECT_EQ(stat(*crawler, "retry/reason_count/429 Unknown Status"), 1);
    EXPECT_EQ(stat(*crawler, "retry/reason_count/522 Unknown Status"), 1);
    EXPECT_EQ(stat(*crawler, "retry/count"), 6);
}

TEST(RetryTest, RetriesScrapysExceptionsAndNotOthers)
{
    auto crawler = make_crawler();
    auto mw = RetryMiddleware::from_crawler(*crawler);
    Request request{"http://example.com/"};
    for (errc code : {errc::timed_out, errc::connect_timeout, errc::read_timeout, errc::dns_not_found,
                      errc::dns_failure, errc::connection_refused, errc::connection_reset, errc::host_unreachable,
                      errc::tls_handshake, errc::partial_message, errc::bad_response, errc::decode_error}) {
        auto action = run(mw->process_exception(request, error_of(code)));
        EXPECT_TRUE(std::holds_alternative<Reschedule>(action)) << make_error_code(code).message();
    }
    for (errc code : {errc::tls_certificate, errc::body_too_large, errc::header_too_large, errc::invalid_url,
                      errc::unsupported_scheme, errc::unsupported_encoding, errc::file_not_found, errc::cancelled,
                      errc::internal_error}) {
        auto action = run(mw->process_exception(request, error_of(code)));
        EXPECT_TRUE(std::holds_alternative<Continue>(action)) << make_error_code(code).message();
    }
    EXPECT_EQ(stat(*crawler, "retry/count"), 12);
    EXPECT_EQ(stat(*crawler, "retry/reason_count/timed_out"), 1);
    EXPECT_EQ(stat(*crawler, "retry/reason_count/dns_not_found"), 1);
    EXPECT_TRUE(RetryMiddleware::is_retryable(boost::asio::error::connection_reset));
    EXPECT_TRUE(RetryMiddleware::is_retryable(boost::asio::error::connection_refused));
    EXPECT_FALSE(RetryMiddleware::is_retryable(boost::asio::error::operation_aborted));
}

TEST(RetryTest, ExceptionRetriesRunOut)
{
    auto crawler = make_crawler({{"RETRY_TIMES", 1}});
    auto mw = RetryMiddleware::from_crawler(*crawler);
    Request request{"http://example.com/"};
    auto first = run(mw->process_exception(request, error_of(errc::connection_refused)));
    ASSERT_TRUE(std::holds_alternative<Reschedule>(first));
    const Request again = std::get<Reschedule>(first).request;
    auto second = run(mw->process_exception(again, error_of(errc::connection_refused)));
    EXPECT_TRUE(std::holds_alternative<Continue>(second));  // the errback gets it
    EXPECT_EQ(stat(*crawler, "retry/count"), 1);
    EXPECT_EQ(stat(*crawler, "retry/max_reached"), 1);
}

TEST(RetryTest, MetaOverrides)
{
    auto crawler = make_crawler();
    auto mw = RetryMiddleware::from_crawler(*crawler);

    Request dont{"http://example.com/"};
    dont.meta["dont_retry"] = true;
    EXPECT_TRUE(std::holds_alternative<Response>(run(mw->process_response(dont, respond(dont, 503)))));
    EXPECT_TRUE(std::holds_alternative<Continue>(run(mw->process_exception(dont, error_of(errc::timed_out)))));

    Request once{"http://example.com/"};
    once.meta["max_retry_times"] = 0;
    EXPECT_TRUE(std::holds_alternative<Response>(run(mw->process_response(once, respond(once, 503)))));
    EXPECT_EQ(stat(*crawler, "retry/max_reached"), 1);

    Request more{"http://example.com/"};
    more.meta["max_retry_times"] = 5;
    more.meta["retry_times"] = 4;
    more.meta["priority_adjust"] = 10;
    const Request again = rescheduled(run(mw->process_response(more, respond(more, 503))));
    EXPECT_EQ(again.meta.at("retry_times").to_number<int>(), 5);
    EXPECT_EQ(again.priority, 10);
    EXPECT_DOUBLE_EQ(again.meta.at("retry_delay").to_number<double>(), 16.0);  // 1 x 2^4
}

TEST(RetryTest, SettingsAndBackoffCap)
{
    auto crawler = make_crawler({{"RETRY_TIMES", 10},
                                 {"RETRY_HTTP_CODES", boost::json::array{418}},
                                 {"RETRY_PRIORITY_ADJUST", 3},
                                 {"RETRY_BACKOFF_BASE", 5},
                                 {"RETRY_BACKOFF_MAX", 30}});
    auto mw = RetryMiddleware::from_crawler(*crawler);
    Request request{"http://example.com/"};
    EXPECT_TRUE(std::holds_alternative<Response>(run(mw->process_response(request, respond(request, 503)))));
    std::vector<double> delays;
    for (int i = 0; i < 4; ++i) {
        request = rescheduled(run(mw->process_response(request, respond(request, 418))));
        delays.push_back(request.meta.at("retry_delay").to_number<double>());
    }
    EXPECT_EQ(delays, (std::vector<double>{5, 10, 20, 30}));
    EXPECT_EQ(request.priority, 12);
}

TEST(RetryTest, DeclaresBackoffSettings)
{
    auto crawler = make_crawler();
    RetryMiddleware::from_crawler(*crawler);
    EXPECT_EQ(crawler->settings().get_double("RETRY_BACKOFF_BASE"), 1.0);
    EXPECT_EQ(crawler->settings().get_double("RETRY_BACKOFF_MAX"), 60.0);
    EXPECT_EQ(crawler->settings().priority("RETRY_BACKOFF_MAX"), SettingPriority::builtin);
}

TEST(RetryTest, ZeroBaseRetriesAtOnce)
{
    auto crawler = make_crawler({{"RETRY_BACKOFF_BASE", 0}});
    auto mw = RetryMiddleware::from_crawler(*crawler);
    Request request{"http://example.com/"};
    request.meta["retry_delay"] = 9;  // a stale value from an earlier retry is replaced
    const Request again = rescheduled(run(mw->process_response(request, respond(request, 500))));
    EXPECT_EQ(again.meta.at("retry_delay").to_number<double>(), 0.0);
}

TEST(RetryTest, DisabledBySetting)
{
    auto crawler = make_crawler({{"RETRY_ENABLED", false}});
    EXPECT_THROW(RetryMiddleware::from_crawler(*crawler), NotConfigured);
}

TEST(RetryTest, BadRetryCodesAreASettingsError)
{
    auto crawler = make_crawler({{"RETRY_HTTP_CODES", boost::json::array{"5xx"}}});
    EXPECT_THROW(RetryMiddleware::from_crawler(*crawler), SettingsError);
}

TEST(RetryTest, HonoursRetryAfterSecondsOn429And503)
{
    auto crawler = make_crawler();
    auto mw = RetryMiddleware::from_crawler(*crawler);
    Request request{"http://example.com/"};
    const Request a = rescheduled(run(mw->process_response(request, respond(request, 429, {{"Retry-After", "7"}}))));
    EXPECT_DOUBLE_EQ(a.meta.at("retry_delay").to_number<double>(), 7.0);
    const Request b = rescheduled(run(mw->process_response(request, respond(request, 503, {{"retry-after", " 0 "}}))));
    EXPECT_DOUBLE_EQ(b.meta.at("retry_delay").to_number<double>(), 0.0);
    // Capped at RETRY_BACKOFF_MAX.
    const Request c =
        rescheduled(run(mw->process_response(request, respond(request, 429, {{"Retry-After", "86400"}}))));
    EXPECT_DOUBLE_EQ(c.meta.at("retry_delay").to_number<double>(), 60.0);
    // Only 429 and 503 are asked to wait; others use the backoff.
    const Request d = rescheduled(run(mw->process_response(request, respond(request, 500, {{"Retry-After", "7"}}))));
    EXPECT_DOUBLE_EQ(d.meta.at("retry_delay").to_number<double>(), 1.0);
    // A malformed value is ignored.
    const Request e =
        rescheduled(run(mw->process_response(request, respond(request, 429, {{"Retry-After", "soon"}}))));
    EXPECT_DOUBLE_EQ(e.meta.at("retry_delay").to_number<double>(), 1.0);
}

TEST(RetryTest, HonoursRetryAfterDates)
{
    auto crawler = make_crawler();
    auto mw = RetryMiddleware::from_crawler(*crawler);
    // 1994-11-06 08:49:07 UTC, 30 s before the header's date.
    const auto now = std::chrono::sys_days{std::chrono::year{1994} / 11 / 6} + std::chrono::hours{8} +
                     std::chrono::minutes{49} + std::chrono::seconds{7};
    mw->set_wall_clock_for_test([now] { return now; });
    Request request{"http://example.com/"};
    const Request a = rescheduled(
        run(mw->process_response(request, respond(request, 503, {{"Retry-After", "Sun, 06 Nov 1994 08:49:37 GMT"}}))));
    EXPECT_DOUBLE_EQ(a.meta.at("retry_delay").to_number<double>(), 30.0);
    const Request b = rescheduled(
        run(mw->process_response(request, respond(request, 429, {{"Retry-After", "Sat, 05 Nov 1994 08:49:37 GMT"}}))));
    EXPECT_DOUBLE_EQ(b.meta.at("retry_delay").to_number<double>(), 0.0);  // already past
    const Request c = rescheduled(
        run(mw->process_response(request, respond(request, 429, {{"Retry-After", "Sun, 06 Nov 1994 10:00:00 GMT"}}))));
    EXPECT_DOUBLE_EQ(c.meta.at("retry_delay").to_number<double>(), 60.0);  // capped
}

TEST(RetryTest, ExceptionRetriesUseTheBackoff)
{
    auto crawler = make_crawler({{"RETRY_TIMES", 3}});
    auto mw = RetryMiddleware::from_crawler(*crawler);
    Request request{"http://example.com/"};
    std::vector<double> delays;
    for (int i = 0; i < 3; ++i) {
        auto action = run(mw->process_exception(request, error_of(errc::timed_out)));
        ASSERT_TRUE(std::holds_alternative<Reschedule>(action));
        request = std::get<Reschedule>(action).request;
        delays.push_back(request.meta.at("retry_delay").to_number<double>());
    }
    EXPECT_EQ(delays, (std::vector<double>{1, 2, 4}));
}

} // namespace
} // namespace trawl::test
