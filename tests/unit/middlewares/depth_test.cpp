#include "spider/depth.hpp"
#include "middleware_test_support.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace trawl::test {
namespace {

using middlewares::DepthMiddleware;

Response at_depth(std::optional<int> depth)
{
    Request request{"http://example.com/"};
    if (depth) {
        request.meta["depth"] = *depth;
    }
    return respond(request, 200);
}

std::vector<Output> links(int count)
{
    std::vector<Output> output;
    for (int i = 0; i < count; ++i) {
        output.emplace_back(Request{"http://example.com/" + std::to_string(i)});
    }
    return output;
}

TEST(DepthTest, SetsDepthOnRequestsAndLeavesItemsAlone)
{
    auto crawler = make_crawler();
    auto mw = DepthMiddleware::from_crawler(*crawler);
    std::vector<Output> output = links(2);
    output.emplace(output.begin() + 1, Item{"page"});
    run_spider_output(*mw, at_depth(std::nullopt), output);
    ASSERT_EQ(output.size(), 3U);
    EXPECT_EQ(std::get<Request>(output[0]).meta.at("depth"), 1);
    EXPECT_TRUE(std::holds_alternative<Item>(output[1]));
    EXPECT_EQ(std::get<Request>(output[2]).meta.at("depth"), 1);
    EXPECT_EQ(std::get<Request>(output[0]).priority, 0);  // DEPTH_PRIORITY 0

    std::vector<Output> deeper = links(1);
    run_spider_output(*mw, at_depth(4), deeper);
    EXPECT_EQ(std::get<Request>(deeper[0]).meta.at("depth"), 5);
    EXPECT_EQ(stat(*crawler, "request_depth_max"), 5);
    EXPECT_FALSE(has_stat(*crawler, "request_depth_count/1"));  // not verbose
}

TEST(DepthTest, LimitDropsDeeperRequests)
{
    auto crawler = make_crawler({{"DEPTH_LIMIT", 2}});
    auto mw = DepthMiddleware::from_crawler(*crawler);
    std::vector<Output> ok = links(3);
    run_spider_output(*mw, at_depth(1), ok);
    EXPECT_EQ(ok.size(), 3U);
    std::vector<Output> too_deep = links(3);
    too_deep.emplace_back(Item{"kept"});
    run_spider_output(*mw, at_depth(2), too_deep);
    ASSERT_EQ(too_deep.size(), 1U);
    EXPECT_TRUE(std::holds_alternative<Item>(too_deep[0]));
    EXPECT_EQ(stat(*crawler, "request_depth_max"), 2);
}

TEST(DepthTest, ZeroLimitIsUnlimited)
{
    auto crawler = make_crawler({{"DEPTH_LIMIT", 0}});
    auto mw = DepthMiddleware::from_crawler(*crawler);
    std::vector<Output> output = links(2);
    run_spider_output(*mw, at_depth(10000), output);
    EXPECT_EQ(output.size(), 2U);
    EXPECT_EQ(std::get<Request>(output[0]).meta.at("depth"), 10001);
}

TEST(DepthTest, PriorityFollowsDepth)
{
    auto crawler = make_crawler({{"DEPTH_PRIORITY", 2}});
    auto mw = DepthMiddleware::from_crawler(*crawler);
    std::vector<Output> output = links(1);
    std::get<Request>(output[0]).priority = 10;
    run_spider_output(*mw, at_depth(2), output);
    EXPECT_EQ(std::get<Request>(output[0]).priority, 4);  // 10 - 3 x 2

    auto breadth = make_crawler({{"DEPTH_PRIORITY", -1}});
    auto deep_first = DepthMiddleware::from_crawler(*breadth);
    std::vector<Output> more = links(1);
    run_spider_output(*deep_first, at_depth(2), more);
    EXPECT_EQ(std::get<Request>(more[0]).priority, 3);
}

TEST(DepthTest, VerboseStats)
{
    auto crawler = make_crawler({{"DEPTH_STATS_VERBOSE", true}, {"DEPTH_LIMIT", 2}});
    auto mw = DepthMiddleware::from_crawler(*crawler);
    auto start = at_depth(std::nullopt);
    EXPECT_EQ(mw->process_spider_input(start), nullptr);
    std::vector<Output> first = links(2);
    run_spider_output(*mw, start, first);
    run_spider_output(*mw, start, first = links(1));  // a second batch of the same response

    auto child = at_depth(1);
    EXPECT_EQ(mw->process_spider_input(child), nullptr);
    std::vector<Output> second = links(3);
    run_spider_output(*mw, child, second);
    std::vector<Output> dropped = links(1);
    run_spider_output(*mw, at_depth(2), dropped);

    EXPECT_EQ(stat(*crawler, "request_depth_count/0"), 1);
    EXPECT_EQ(stat(*crawler, "request_depth_count/1"), 3);
    EXPECT_EQ(stat(*crawler, "request_depth_count/2"), 3);
    EXPECT_FALSE(has_stat(*crawler, "request_depth_count/3"));
}

TEST(DepthTest, SafeToCallFromSeveralThreads)
{
    auto crawler = make_crawler({{"DEPTH_STATS_VERBOSE", true}});
    auto mw = DepthMiddleware::from_crawler(*crawler);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 100; ++i) {
                std::vector<Output> output = links(2);
                run_spider_output(*mw, at_depth(t), output);
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    EXPECT_EQ(stat(*crawler, "request_depth_max"), 4);
    EXPECT_EQ(stat(*crawler, "request_depth_count/1"), 200);
    EXPECT_EQ(stat(*crawler, "request_depth_count/4"), 200);
}

} // namespace
} // namespace trawl::test
