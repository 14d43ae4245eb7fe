// `trawl fetch` against the test server: the body byte for byte on standard
// output, through the downloader middlewares (headers, decompression,
// redirects, retries), any status printed, failures as one line and exit 1.
// Run as a child process (cli_support.hpp).

#include "cli_support.hpp"
#include "support/stub_dns_server.hpp"
#include "support/test_server.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/json/parse.hpp>

#include <gtest/gtest.h>

namespace trawl::testing {
namespace {

namespace json = boost::json;

class CliFetch : public CliTest {
protected:
    static void SetUpTestSuite() { server_ = new TestServer(TestServerOptions{.site_pages = 10}); }
    static void TearDownTestSuite()
    {
        delete server_;
        server_ = nullptr;
    }

    RunResult fetch(std::vector<std::string> args) const
    {
        args.insert(args.begin(), "fetch");
        return trawl(args);
    }

    static TestServer* server_;
};

TestServer* CliFetch::server_ = nullptr;

TEST_F(CliFetch, WritesTheBodyByteForByte)
{
    const auto result = fetch({server_->url("/text?size=5000"), "-L", "DEBUG"});
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.out, TestServer::sample_text(5000)) << "only the body on stdout, even at DEBUG";
    EXPECT_NE(result.err.find("Crawled (200)"), std::string::npos) << "the log goes to stderr:\n" << result.err;
}

TEST_F(CliFetch, DecompressesThroughTheMiddlewares)
{
    for (const char* coding : {"gzip", "br", "zstd", "deflate"}) {
        const auto result = fetch({server_->url(std::string("/") + coding + "?size=20000"), "--nolog"});
        EXPECT_EQ(result.exit_code, 0) << coding << ": " << result.err;
        EXPECT_EQ(result.out, TestServer::sample_text(20000)) << coding;
        EXPECT_EQ(result.err, "");
    }
}

TEST_F(CliFetch, SendsTheDefaultHeadersAndUserAgent)
{
    const auto result = fetch({server_->url("/echo"), "--nolog", "-s", "USER_AGENT=cli-test-agent/1.0"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    const auto echo = json::parse(result.out).as_object();
    const auto& headers = echo.at("headers").as_object();
    EXPECT_EQ(headers.at("user-agent").as_string(), "cli-test-agent/1.0");
    EXPECT_TRUE(headers.contains("accept")) << result.out;
    EXPECT_TRUE(headers.contains("accept-language")) << result.out;
    EXPECT_TRUE(headers.contains("accept-encoding")) << result.out;
    EXPECT_EQ(echo.at("method").as_string(), "GET");
}

TEST_F(CliFetch, HeadersPrintsTheRequestAsSentAndTheResponseHead)
{
    const auto result = fetch({server_->url("/text?size=100"), "--headers", "--nolog"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    const auto out = lines(result.out);
    EXPECT_NE(std::find(out.begin(), out.end(), ">"), out.end()) << result.out;
    EXPECT_NE(result.out.find("\n< HTTP/1.1 200\n"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("> User-Agent: "), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("> Accept-Language: en\n"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("< Content-Length: 100\n"), std::string::npos) << result.out;
    EXPECT_EQ(result.out.find(TestServer::sample_text(100)), std::string::npos) << "no body with --headers";
    for (const auto& line : out) {
        EXPECT_TRUE(line.rfind("> ", 0) == 0 || line.rfind("< ", 0) == 0 || line == ">") << line;
    }
}

TEST_F(CliFetch, ErrorStatusIsPrintedAndExitsZero)
{
    const auto missing = fetch({server_->url("/page/99"), "--nolog"});
    EXPECT_EQ(missing.exit_code, 0) << missing.err;
    EXPECT_FALSE(missing.out.empty()) << "the 404 page's body";

    const auto head = fetch({server_->url("/status/404"), "--headers", "--nolog"});
    EXPECT_EQ(head.exit_code, 0) << head.err;
    EXPECT_NE(head.out.find("< HTTP/1.1 404\n"), std::string::npos) << head.out;
}

TEST_F(CliFetch, ServerErrorIsRetriedThenPrinted)
{
    const auto result = fetch({server_->url("/status/503"), "--headers", "-L", "DEBUG", "-s",
                               "RETRY_BACKOFF_BASE=0.01"});
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_NE(result.out.find("< HTTP/1.1 503\n"), std::string::npos) << result.out;
    EXPECT_EQ(count(result.err, "Retrying <GET "), 2u) << "RETRY_TIMES 2:\n" << result.err;
}

TEST_F(CliFetch, FollowsRedirectsUnlessNoRedirect)
{
    const std::string target = "/redirect?to=/text%3Fsize%3D300";
    const auto followed = fetch({server_->url(target), "--nolog"});
    EXPECT_EQ(followed.exit_code, 0) << followed.err;
    EXPECT_EQ(followed.out, TestServer::sample_text(300));

    const auto chain = fetch({server_->url("/redirect-chain/3"), "--headers", "--nolog"});
    EXPECT_EQ(chain.exit_code, 0) << chain.err;
    EXPECT_NE(chain.out.find("< HTTP/1.1 200\n"), std::string::npos) << chain.out;

    const auto kept = fetch({server_->url(target), "--no-redirect", "--headers", "--nolog"});
    EXPECT_EQ(kept.exit_code, 0) << kept.err;
    EXPECT_NE(kept.out.find("< HTTP/1.1 302\n"), std::string::npos) << kept.out;
    EXPECT_NE(kept.out.find("< Location: /text?size=300\n"), std::string::npos) << kept.out;

    const auto permanent =
        fetch({server_->url("/redirect?to=/text%3Fsize%3D10&status=301"), "--no-redirect", "--nolog"});
    EXPECT_EQ(permanent.exit_code, 0) << permanent.err;
    EXPECT_NE(permanent.out, TestServer::sample_text(10));
}

TEST_F(CliFetch, RedirectLoopFailsWithOneLine)
{
    const auto result = fetch({server_->url("/redirect-loop"), "-L", "WARNING"});
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_TRUE(one_line_error(result, "fetch", "/redirect-loop"));
    EXPECT_EQ(result.out, "");
}

TEST_F(CliFetch, ConnectionRefusedFailsWithOneLine)
{
    std::uint16_t port = 0;
    {
        // A port nothing listens on: bound by the system, then released.
        boost::asio::io_context context;
        boost::asio::ip::tcp::acceptor acceptor{
            context, boost::asio::ip::tcp::endpoint{boost::asio::ip::make_address("127.0.0.1"), 0}};
        port = acceptor.local_endpoint().port();
    }
    const auto url = "http://127.0.0.1:" + std::to_string(port) + "/";
    const auto result = fetch({url, "-L", "DEBUG", "-s", "RETRY_BACKOFF_BASE=0.01"});
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_TRUE(one_line_error(result, "fetch", "refused"));
    EXPECT_NE(last_line(result.err).find(url), std::string::npos) << result.err;
    EXPECT_EQ(count(result.err, "Retrying <GET "), 2u) << "the retry middleware ran:\n" << result.err;
    EXPECT_EQ(result.out, "");
}

TEST_F(CliFetch, DnsFailureFailsWithOneLine)
{
    StubDnsServer dns;  // NXDOMAIN for every name: no real network
    const auto result = fetch({"http://no-such-host.invalid/", "--nolog", "-s", "DNS_SERVERS=" + dns.address(), "-s",
                               "DNS_USE_HOSTS_FILE=false", "-s", "RETRY_ENABLED=false"});
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_TRUE(one_line_error(result, "fetch", "no-such-host.invalid"));
    EXPECT_GE(dns.queries_received(), 1u);
    EXPECT_EQ(result.out, "");
}

TEST_F(CliFetch, InvalidUrlFailsWithOneLine)
{
    for (const char* url : {"not a url", "example.com/page", "ftp://127.0.0.1/file", "http://"}) {
        const auto result = fetch({url, "--nolog"});
        EXPECT_EQ(result.exit_code, 1) << url;
        EXPECT_TRUE(one_line_error(result, "fetch", "invalid URL")) << url;
        EXPECT_EQ(result.out, "");
    }
}

TEST_F(CliFetch, FileAndDataUrls)
{
    write("page.html", "<html>local</html>\n");
    const auto file = fetch({"file://" + (dir() / "page.html").string(), "--nolog"});
    EXPECT_EQ(file.exit_code, 0) << file.err;
    EXPECT_EQ(file.out, "<html>local</html>\n");

    const auto data = fetch({"data:,hello%20world", "--nolog"});
    EXPECT_EQ(data.exit_code, 0) << data.err;
    EXPECT_EQ(data.out, "hello world");

    const auto missing = fetch({"file://" + (dir() / "missing.html").string(), "--nolog"});
    EXPECT_EQ(missing.exit_code, 1);
    EXPECT_TRUE(one_line_error(missing, "fetch", "missing.html"));
}

} // namespace
} // namespace trawl::testing
