#include "downloader/http_compression.hpp"
#include "middleware_test_support.hpp"

#include <gtest/gtest.h>

namespace trawl::test {
namespace {

using middlewares::HttpCompressionMiddleware;

TEST(HttpCompressionTest, CountsDecompressedResponses)
{
    auto crawler = make_crawler();
    auto mw = HttpCompressionMiddleware::from_crawler(*crawler);
    EXPECT_EQ(mw->hooks(), static_cast<HookSet>(Hook::response));
    Request request{"http://example.com/"};
    auto decoded = make_response(request.url, 200, request, {}, std::string(1000, 'x'), {"decompressed"});
    auto action = run(mw->process_response(request, decoded));
    ASSERT_TRUE(std::holds_alternative<Response>(action));
    EXPECT_EQ(std::get<Response>(action).body().size(), 1000U);
    run(mw->process_response(request, make_response(request.url, 200, request, {}, "abc", {"decompressed"})));
    run(mw->process_response(request, make_response(request.url, 200, request, {}, "plain")));
    EXPECT_EQ(stat(*crawler, "httpcompression/response_count"), 2);
    EXPECT_EQ(stat(*crawler, "httpcompression/response_bytes"), 1003);
}

TEST(HttpCompressionTest, HeadResponsesAreNotCounted)
{
    auto crawler = make_crawler();
    auto mw = HttpCompressionMiddleware::from_crawler(*crawler);
    Request head{"http://example.com/", "HEAD"};
    run(mw->process_response(head, make_response(head.url, 200, head, {}, "", {"decompressed"})));
    EXPECT_FALSE(has_stat(*crawler, "httpcompression/response_count"));
}

TEST(HttpCompressionTest, DisabledWithCompression)
{
    auto crawler = make_crawler({{"COMPRESSION_ENABLED", false}});
    EXPECT_THROW(HttpCompressionMiddleware::from_crawler(*crawler), NotConfigured);
}

} // namespace
} // namespace trawl::test
