#include "spider/url_length.hpp"
#include "middleware_test_support.hpp"

#include <gtest/gtest.h>

namespace trawl::test {
namespace {

using middlewares::UrlLengthMiddleware;

TEST(UrlLengthTest, DropsLongerRequestsWithALogLineAndAStat)
{
    auto crawler = make_crawler({{"URLLENGTH_LIMIT", 30}});
    auto mw = UrlLengthMiddleware::from_crawler(*crawler);
    const std::string ok = "http://example.com/" + std::string(11, 'a');  // 30 characters
    const std::string too_long = ok + "b";
    std::vector<Output> output;
    output.emplace_back(Request{ok});
    output.emplace_back(Request{too_long});
    output.emplace_back(Item{"item: " + std::string(100, 'x')});
    output.emplace_back(Request{too_long + "c"});
    LogCapture log;
    mw->process_spider_output(respond(Request{"http://example.com/"}, 200), output);
    ASSERT_EQ(output.size(), 2U);
    EXPECT_EQ(std::get<Request>(output[0]).url, ok);
    EXPECT_TRUE(std::holds_alternative<Item>(output[1]));
    EXPECT_EQ(stat(*crawler, "urllength/request_ignored_count"), 2);
    EXPECT_EQ(log.count("Ignoring link (url length > 30): " + too_long, spdlog::level::info), 2U);
}

TEST(UrlLengthTest, DefaultLimitAndDisabling)
{
    auto crawler = make_crawler();
    auto mw = UrlLengthMiddleware::from_crawler(*crawler);
    std::vector<Output> output;
    output.emplace_back(Request{"http://example.com/" + std::string(2083 - 19, 'a')});
    output.emplace_back(Request{"http://example.com/" + std::string(2084 - 19, 'a')});
    mw->process_spider_output(respond(Request{"http://example.com/"}, 200), output);
    EXPECT_EQ(output.size(), 1U);

    auto off = make_crawler({{"URLLENGTH_LIMIT", 0}});
    EXPECT_THROW(UrlLengthMiddleware::from_crawler(*off), NotConfigured);
    auto negative = make_crawler({{"URLLENGTH_LIMIT", -1}});
    EXPECT_THROW(UrlLengthMiddleware::from_crawler(*negative), SettingsError);
}

} // namespace
} // namespace trawl::test
