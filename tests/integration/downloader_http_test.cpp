// The downloader against the test server over plain HTTP: bodies in every
// framing, methods, keep-alive, concurrency and the pool's caps.

#include "downloader_fixture.hpp"

#include <trawl/error.hpp>

#include <boost/json/parse.hpp>

namespace trawl::testing {
namespace {

class HttpDownload : public DownloaderTest {
protected:
    TestServer server_;
};

TEST_F(HttpDownload, FetchesAPage)
{
    auto result = fetch(server_.url("/bytes/100"));
    ASSERT_TRUE(result) << result.error().what();
    EXPECT_EQ(result->status(), 200);
    EXPECT_EQ(result->body(), std::string(100, 'x'));
    EXPECT_EQ(result->url(), server_.url("/bytes/100"));
    EXPECT_EQ(result->protocol(), "HTTP/1.1");
    EXPECT_EQ(result->ip_address(), "127.0.0.1");
    EXPECT_EQ(result->request().url, server_.url("/bytes/100"));
}

TEST_F(HttpDownload, ErrorStatusesAreResponsesNotFailures)
{
    for (int status : {201, 204, 301, 404, 500, 503}) {
        auto result = fetch(server_.url("/status/" + std::to_string(status)));
        ASSERT_TRUE(result) << result.error().what();
        EXPECT_EQ(result->status(), status);
    }
}

TEST_F(HttpDownload, KeepAliveReusesOneConnection)
{
    for (int i = 0; i < 10; ++i) {
        auto result = fetch(server_.url("/bytes/10"));
        ASSERT_TRUE(result) << result.error().what();
    }
    EXPECT_EQ(server_.connections_accepted(), 1u);
    EXPECT_EQ(downloader().stats().connections_opened, 1u);
    EXPECT_EQ(downloader().stats().connections_reused, 9u);
    EXPECT_EQ(downloader().stats().connections_active, 0u);
    EXPECT_EQ(downloader().stats().connections_open, 1u);
}

TEST_F(HttpDownload, ChunkedBody)
{
    auto result = fetch(server_.url("/chunked?chunks=5&size=100"));
    ASSERT_TRUE(result) << result.error().what();
    std::string expected;
    for (int i = 0; i < 5; ++i) {
        expected += std::string(100, static_cast<char>('a' + i));
    }
    EXPECT_EQ(result->body(), expected);
}

TEST_F(HttpDownload, CloseDelimitedBodyEndsAtClose)
{
    auto result = fetch(server_.url("/close-delimited?size=50000"));
    ASSERT_TRUE(result) << result.error().what();
    EXPECT_EQ(result->body(), TestServer::sample_text(50000));
    // The connection is gone with the body, so it must not be pooled.
    EXPECT_EQ(downloader().stats().connections_open, 0u);
}

TEST_F(HttpDownload, PostSendsBodyAndMethod)
{
    Request request{server_.url("/echo"), "POST"};
    request.body = R"({"q":"trawl"})";
    request.headers.add("Content-Type", "application/json");
    request.headers.add("X-Custom", "1");
    auto result = fetch(request);
    ASSERT_TRUE(result) << result.error().what();
    auto echo = boost::json::parse(result->body()).as_object();
    EXPECT_EQ(echo["method"], "POST");
    EXPECT_EQ(echo["body"], R"({"q":"trawl"})");
    EXPECT_EQ(echo["headers"].as_object()["content-length"], "13");
    EXPECT_EQ(echo["headers"].as_object()["x-custom"], "1");
    EXPECT_EQ(echo["headers"].as_object()["host"].as_string(), "127.0.0.1:" + std::to_string(server_.port()));
    EXPECT_EQ(echo["target"], "/echo");
}

TEST_F(HttpDownload, QueryIsSentAsIs)
{
    auto result = fetch(server_.url("/echo?a=1&b=%20x"));
    ASSERT_TRUE(result) << result.error().what();
    auto echo = boost::json::parse(result->body()).as_object();
    EXPECT_EQ(echo["target"], "/echo?a=1&b=%20x");
}

TEST_F(HttpDownload, HeadHasNoBody)
{
    auto result = fetch(Request{server_.url("/bytes/100"), "HEAD"});
    ASSERT_TRUE(result) << result.error().what();
    EXPECT_EQ(result->status(), 200);
    EXPECT_TRUE(result->body().empty());
    // The connection stays usable after a body-less response.
    auto again = fetch(server_.url("/bytes/5"));
    ASSERT_TRUE(again) << again.error().what();
    EXPECT_EQ(again->body(), "xxxxx");
    EXPECT_EQ(server_.connections_accepted(), 1u);
}

TEST_F(HttpDownload, ConcurrentFetchesRespectThePerHostCap)
{
    set("DOWNLOAD_POOL_MAX_PER_HOST", 4);
    std::vector<Request> requests;
    for (int i = 0; i < 200; ++i) {
        requests.emplace_back(server_.url("/page/" + std::to_string(i)));
    }
    auto results = fetch_all(std::move(requests));
    for (int i = 0; i < 200; ++i) {
        ASSERT_TRUE(results[i]) << results[i].error().what();
        EXPECT_NE(results[i]->body().find("<title>Page " + std::to_string(i) + "</title>"), std::string::npos);
    }
    EXPECT_LE(server_.connections_accepted(), 4u);
    EXPECT_EQ(downloader().stats().responses, 200u);
}

TEST_F(HttpDownload, WaitingForAConnectionHonoursTheTimeout)
{
    set("DOWNLOAD_POOL_MAX_PER_HOST", 1);
    set("DOWNLOAD_TIMEOUT", 0.5);
    // The second request's deadline comes first, while it still waits for
    // the one connection the first request holds.
    Request waiting{server_.url("/bytes/1")};
    waiting.meta["download_timeout"] = 0.25;
    std::vector<Request> requests{Request{server_.url("/delay/2000")}, waiting};
    const auto start = std::chrono::steady_clock::now();
    auto results = fetch_all(std::move(requests));
    EXPECT_EQ(error_of(results[0]), errc::timed_out);
    EXPECT_EQ(error_of(results[1]), errc::timed_out);
    EXPECT_NE(results[1].error().message.find("wait for a free connection"), std::string::npos)
        << results[1].error().message;
    EXPECT_LT(seconds_since(start), 1.5);
    EXPECT_EQ(downloader().stats().connections_active, 0u);
}

TEST_F(HttpDownload, AUserHostHeaderWins)
{
    Request request{server_.url("/echo")};
    request.headers.add("Host", "example.test");
    auto result = fetch(request);
    ASSERT_TRUE(result) << result.error().what();
    EXPECT_EQ(boost::json::parse(result->body()).as_object()["headers"].as_object()["host"], "example.test");
}

TEST_F(HttpDownload, AHeaderThatWouldBreakTheMessageFailsTheRequest)
{
    // A value scraped into a header must not smuggle in headers (or a
    // second request) of its own: the request fails before anything is sent.
    for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{
             {"X-Evil", "a\r\nX-Injected: 1"}, {"X-Evil", std::string("a\0b", 3)}, {"X-Evil", "a\nb"},
             {"X-Ev:il", "a"}, {"X Evil", "a"}, {"", "a"}}) {
        Request request{server_.url("/echo")};
        request.headers.add(name, value);
        auto result = fetch(request);
        ASSERT_FALSE(result) << "header '" << name << "' was sent";
        EXPECT_EQ(result.error().code, make_error_code(errc::invalid_header)) << result.error().what();
    }
    // A tab inside a value is fine, and the connection is still usable.
    Request request{server_.url("/echo")};
    request.headers.add("X-Tab", "a\tb");
    auto result = fetch(request);
    ASSERT_TRUE(result) << result.error().what();
    EXPECT_EQ(boost::json::parse(result->body()).as_object()["headers"].as_object()["x-tab"], "a\tb");
}

TEST_F(HttpDownload, LocalhostIsTheLoopback)
{
    auto result = fetch("http://localhost:" + std::to_string(server_.port()) + "/bytes/3");
    ASSERT_TRUE(result) << result.error().what();
    EXPECT_EQ(result->body(), "xxx");
}

} // namespace
} // namespace trawl::testing
