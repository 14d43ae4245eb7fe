// Content decoding and size limits, end to end: what the server encodes,
// the downloader decodes while streaming, counting decoded bytes.

#include "downloader_fixture.hpp"

#include <trawl/error.hpp>

#include <boost/json/parse.hpp>

namespace trawl::testing {
namespace {

class Decoding : public DownloaderTest {
protected:
    TestServer server_;
};

TEST_F(Decoding, EveryCodingDecodesToTheSameText)
{
    const auto expected = TestServer::sample_text(30000);
    for (std::string path : {"/gzip?size=30000", "/deflate?size=30000", "/deflate?raw=1&size=30000",
                             "/br?size=30000", "/zstd?size=30000", "/encoded?codings=gzip,br&size=30000",
                             "/encoded?codings=br,zstd,deflate&size=30000"}) {
        auto result = fetch(server_.url(path));
        ASSERT_TRUE(result) << path << ": " << result.error().what();
        EXPECT_EQ(result->body(), expected) << path;
        EXPECT_TRUE(result->has_flag("decompressed")) << path;
        EXPECT_FALSE(result->headers().contains("Content-Encoding")) << path;
    }
}

TEST_F(Decoding, MultiMemberGzip)
{
    auto result = fetch(server_.url("/gzip-multimember"));
    ASSERT_TRUE(result) << result.error().what();
    EXPECT_EQ(result->body(), "hello world");
}

TEST_F(Decoding, AcceptEncodingIsSentUnlessCompressionIsOff)
{
    auto on = fetch(server_.url("/echo"));
    ASSERT_TRUE(on) << on.error().what();
    EXPECT_EQ(boost::json::parse(on->body()).as_object()["headers"].as_object()["accept-encoding"],
              "gzip, deflate, br, zstd");

    set("COMPRESSION_ENABLED", false);
    auto off = fetch(server_.url("/echo"));
    ASSERT_TRUE(off) << off.error().what();
    EXPECT_FALSE(boost::json::parse(off->body()).as_object()["headers"].as_object().contains("accept-encoding"));
    // A server that compresses anyway: the body stays as it came, and says so.
    auto raw = fetch(server_.url("/gzip?size=1000"));
    ASSERT_TRUE(raw) << raw.error().what();
    EXPECT_EQ(raw->headers().get("Content-Encoding"), "gzip");
    EXPECT_EQ(raw->body().substr(0, 2), std::string("\x1f\x8b"));
    EXPECT_FALSE(raw->has_flag("decompressed"));
}

TEST_F(Decoding, UnknownCodingLeavesTheBodyAsItCame)
{
    auto result = fetch(server_.url("/encoded?codings=x-unknown&size=100"));
    ASSERT_TRUE(result) << result.error().what();
    EXPECT_EQ(result->body(), TestServer::sample_text(100));
    EXPECT_EQ(result->headers().get("Content-Encoding"), "x-unknown");
}

TEST_F(Decoding, CorruptBodyFailsWithDecodeError)
{
    auto result = fetch(server_.url("/corrupt/gzip"));
    EXPECT_EQ(error_of(result), errc::decode_error);
    EXPECT_EQ(downloader().stats().connections_open, 0u);  // not pooled after a failure
}

TEST_F(Decoding, BombsAreCutOffAtTheMaximumSize)
{
    set("DOWNLOAD_MAXSIZE", 1024 * 1024);
    for (std::string path : {"/bomb/gzip?mb=200", "/bomb/br?mb=200", "/bomb/zstd?mb=200"}) {
        const auto start = std::chrono::steady_clock::now();
        auto result = fetch(server_.url(path));
        EXPECT_EQ(error_of(result), errc::body_too_large) << path;
        // 200 MiB inflated would take seconds; the cut-off is at 1 MiB.
        EXPECT_LT(seconds_since(start), 2.0) << path;
        EXPECT_LT(downloader().stats().bytes_received, 1024u * 1024u) << path;
    }
}

TEST_F(Decoding, DeclaredLengthOverTheMaximumFailsBeforeReading)
{
    set("DOWNLOAD_MAXSIZE", 1000);
    auto result = fetch(server_.url("/bytes/5000000"));
    EXPECT_EQ(error_of(result), errc::body_too_large);
    EXPECT_NE(result.error().message.find("declares 5000000 bytes"), std::string::npos) << result.error().message;
    EXPECT_EQ(downloader().stats().bytes_received, 0u);
}

TEST_F(Decoding, MaximumSizeCountsDecodedBytes)
{
    set("DOWNLOAD_MAXSIZE", 20000);
    // 30,000 bytes of text compress to far less than 20,000 on the wire.
    auto result = fetch(server_.url("/gzip?size=30000"));
    EXPECT_EQ(error_of(result), errc::body_too_large);
    auto fits = fetch(server_.url("/gzip?size=19000"));
    ASSERT_TRUE(fits) << fits.error().what();
    EXPECT_EQ(fits->body().size(), 19000u);
}

TEST_F(Decoding, MetaOverridesTheSizeLimits)
{
    Request request{server_.url("/bytes/5000")};
    request.meta["download_maxsize"] = 100;
    EXPECT_EQ(error_of(fetch(request)), errc::body_too_large);

    Request warn{server_.url("/bytes/5000")};
    warn.meta["download_warnsize"] = 1000;
    auto result = fetch(warn);
    ASSERT_TRUE(result) << result.error().what();
    EXPECT_TRUE(result->has_flag("warnsize"));
    auto plain = fetch(server_.url("/bytes/5000"));
    ASSERT_TRUE(plain);
    EXPECT_FALSE(plain->has_flag("warnsize"));
}

} // namespace
} // namespace trawl::testing
