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
    EXPECT_EQ(mw->hooks(), Hook::request | Hook::response);
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

TEST(HttpCompressionTest, AsksForCompressedBodiesUnlessTheRequestSaysOtherwise)
{
    auto crawler = make_crawler();
    auto mw = HttpCompressionMiddleware::from_crawler(*crawler);
    Request plain{"http://example.com/"};
    EXPECT_TRUE(std::holds_alternative<Continue>(run(mw->process_request(plain))));
    EXPECT_EQ(plain.headers.get("Accept-Encoding"), "gzip, deflate, br, zstd");
    Request chosen{"http://example.com/"};
    chosen.headers.set("accept-encoding", "identity");
    run(mw->process_request(chosen));
    EXPECT_EQ(chosen.headers.get("Accept-Encoding"), "identity");
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
