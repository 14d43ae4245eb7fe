// Tests of the test server fixture itself, through a small synchronous
// Beast client: statuses, bodies, encodings, the misbehaving resources,
// keep-alive accounting, TLS with a verified certificate and a prompt stop.

#include "support/test_server.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/json/parse.hpp>

#include <brotli/decode.h>
#include <gtest/gtest.h>
#include <zlib.h>
#include <zstd.h>

#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = net::ssl;
using trawl::testing::TestServer;
using trawl::testing::TestServerOptions;
using Response = http::response<http::string_body>;

struct Fetched {
    boost::system::error_code ec;
    Response response;
};

/// A blocking HTTP/1.1 client on one connection, plain or TLS; a TLS client
/// trusts only the server's certificate and checks it names `verify_host`.
class Client {
    // Defined first: its deduced return type is needed by the members below.
    template <class F>
    decltype(auto) with_stream(F&& f) {
        if (secure_) {
            return f(*secure_);
        }
        return f(*plain_);
    }

public:
    explicit Client(const TestServer& server, std::string verify_host = "127.0.0.1")
        : tls_context_(ssl::context::tls_client) {
        net::ip::tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), server.port());
        if (!server.tls()) {
            plain_.emplace(ioc_);
            plain_->connect(endpoint);
            return;
        }
        tls_context_.add_certificate_authority(net::buffer(server.certificate_pem()));
        tls_context_.set_verify_mode(ssl::verify_peer);
        secure_.emplace(ioc_, tls_context_);
        secure_->set_verify_callback(ssl::host_name_verification(verify_host));
        beast::get_lowest_layer(*secure_).connect(endpoint);
        secure_->handshake(ssl::stream_base::client, handshake_error_);
    }

    const boost::system::error_code& handshake_error() const { return handshake_error_; }

    Fetched send(http::request<http::string_body> request, std::uint32_t header_limit = 8192) {
        request.set(http::field::host, "127.0.0.1");
        request.prepare_payload();
        return with_stream([&](auto& stream) {
            Fetched fetched;
            http::write(stream, request, fetched.ec);
            if (fetched.ec) {
                return fetched;
            }
            http::response_parser<http::string_body> parser;
            parser.header_limit(header_limit);
            parser.body_limit(1ULL << 30);
            http::read(stream, buffer_, parser, fetched.ec);
            fetched.response = parser.release();
            return fetched;
        });
    }

    Fetched get(const std::string& target, std::uint32_t header_limit = 8192) {
        return send(http::request<http::string_body>(http::verb::get, target, 11), header_limit);
    }

    /// Sends a request without reading the answer.
    void send_only(const std::string& target) {
        http::request<http::string_body> request(http::verb::get, target, 11);
        request.set(http::field::host, "127.0.0.1");
        with_stream([&](auto& stream) { http::write(stream, request); });
    }

    /// What reading more gives once the server should have closed.
    boost::system::error_code read_more() {
        return with_stream([&](auto& stream) {
            boost::system::error_code ec;
            char byte;
            stream.read_some(net::buffer(&byte, 1), ec);
            return ec;
        });
    }

private:
    net::io_context ioc_;
    ssl::context tls_context_;
    std::optional<beast::tcp_stream> plain_;
    std::optional<beast::ssl_stream<beast::tcp_stream>> secure_;
    boost::system::error_code handshake_error_;
    beast::flat_buffer buffer_;
};

Response get_ok(const TestServer& server, const std::string& target) {
    Client client(server);
    auto fetched = client.get(target);
    EXPECT_FALSE(fetched.ec) << target << ": " << fetched.ec.message();
    return std::move(fetched.response);
}

/// Inflates zlib (15), raw deflate (-15) or gzip (31) data; gzip may have
/// several members, as RFC 1952 allows.
std::string inflate_all(std::string_view data, int window_bits) {
    z_stream stream{};
    if (inflateInit2(&stream, window_bits) != Z_OK) {
        throw std::runtime_error("inflateInit2");
    }
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    stream.avail_in = static_cast<uInt>(data.size());
    std::string out;
    char buffer[65536];
    int rc = Z_OK;
    for (;;) {
        stream.next_out = reinterpret_cast<Bytef*>(buffer);
        stream.avail_out = sizeof buffer;
        rc = inflate(&stream, Z_NO_FLUSH);
        out.append(buffer, sizeof buffer - stream.avail_out);
        if (rc == Z_STREAM_END && stream.avail_in > 0 && window_bits > 15) {
            inflateReset(&stream);  // the next gzip member
            continue;
        }
        if (rc != Z_OK) {
            break;
        }
    }
    inflateEnd(&stream);
    if (rc != Z_STREAM_END) {
        throw std::runtime_error("inflate failed");
    }
    return out;
}

std::string brotli_decode(std::string_view data) {
    std::unique_ptr<BrotliDecoderState, void (*)(BrotliDecoderState*)> state(
        BrotliDecoderCreateInstance(nullptr, nullptr, nullptr), &BrotliDecoderDestroyInstance);
    std::size_t available_in = data.size();
    auto next_in = reinterpret_cast<const std::uint8_t*>(data.data());
    std::string out;
    for (;;) {
        std::uint8_t buffer[65536];
        std::size_t available_out = sizeof buffer;
        std::uint8_t* next_out = buffer;
        auto result = BrotliDecoderDecompressStream(state.get(), &available_in, &next_in, &available_out, &next_out,
                                                    nullptr);
        out.append(reinterpret_cast<char*>(buffer), sizeof buffer - available_out);
        if (result == BROTLI_DECODER_RESULT_SUCCESS) {
            return out;
        }
        if (result != BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT) {
            throw std::runtime_error("brotli decode failed");
        }
    }
}

std::string zstd_decode(std::string_view data) {
    std::unique_ptr<ZSTD_DCtx, std::size_t (*)(ZSTD_DCtx*)> context(ZSTD_createDCtx(), &ZSTD_freeDCtx);
    ZSTD_inBuffer input{data.data(), data.size(), 0};
    std::string out;
    std::string buffer(ZSTD_DStreamOutSize(), '\0');
    std::size_t rc = 1;
    while (input.pos < input.size || rc != 0) {
        ZSTD_outBuffer output{buffer.data(), buffer.size(), 0};
        rc = ZSTD_decompressStream(context.get(), &output, &input);
        if (ZSTD_isError(rc)) {
            throw std::runtime_error(ZSTD_getErrorName(rc));
        }
        out.append(buffer.data(), output.pos);
        if (rc != 0 && input.pos == input.size && output.pos < output.size) {
            throw std::runtime_error("zstd frame truncated");
        }
    }
    return out;
}

TEST(TestServer, AnswersStatusBytesAndErrors) {
    TestServer server;
    EXPECT_EQ(server.base_url(), "http://127.0.0.1:" + std::to_string(server.port()));
    EXPECT_EQ(get_ok(server, "/status/404").result_int(), 404);
    auto no_content = get_ok(server, "/status/204");
    EXPECT_EQ(no_content.result_int(), 204);
    EXPECT_EQ(no_content.count(http::field::content_length), 0u);
    auto bytes = get_ok(server, "/bytes/100");
    EXPECT_EQ(bytes.result_int(), 200);
    EXPECT_EQ(bytes.body(), std::string(100, 'x'));
    EXPECT_EQ(get_ok(server, "/no/such/thing").result_int(), 404);
    EXPECT_EQ(get_ok(server, "/status/abc").result_int(), 400);
    EXPECT_NE(get_ok(server, "/robots.txt").body().find("Disallow: /private/"), std::string::npos);
}

TEST(TestServer, EchoReportsTheRequest) {
    TestServer server;
    Client client(server);
    http::request<http::string_body> request(http::verb::post, "/echo?x=1", 11);
    request.set("X-Probe", "first");
    request.insert("X-Probe", "second");
    request.body() = "payload";
    auto fetched = client.send(std::move(request));
    ASSERT_FALSE(fetched.ec) << fetched.ec.message();
    auto echo = boost::json::parse(fetched.response.body()).as_object();
    EXPECT_EQ(echo.at("method").as_string(), "POST");
    EXPECT_EQ(echo.at("target").as_string(), "/echo?x=1");
    EXPECT_EQ(echo.at("body").as_string(), "payload");
    EXPECT_EQ(echo.at("headers").at("x-probe").as_string(), "first, second");
    EXPECT_EQ(echo.at("headers").at("content-length").as_string(), "7");
}

TEST(TestServer, KeepAliveReusesOneConnection) {
    TestServer server;
    Client client(server);
    for (int i = 0; i < 3; ++i) {
        auto fetched = client.get("/bytes/10");
        ASSERT_FALSE(fetched.ec) << fetched.ec.message();
    }
    EXPECT_EQ(server.connections_accepted(), 1u);
    EXPECT_EQ(server.requests_served(), 3u);

    http::request<http::string_body> last(http::verb::get, "/bytes/1", 11);
    last.keep_alive(false);
    auto fetched = client.send(std::move(last));
    ASSERT_FALSE(fetched.ec) << fetched.ec.message();
    EXPECT_FALSE(fetched.response.keep_alive());
    EXPECT_EQ(client.read_more(), net::error::eof);
}

TEST(TestServer, CompressedBodiesDecode) {
    TestServer server;
    const std::string text = TestServer::sample_text(5000);
    EXPECT_EQ(get_ok(server, "/text?size=5000").body(), text);

    auto gzip = get_ok(server, "/gzip?size=5000");
    EXPECT_EQ(gzip[http::field::content_encoding], "gzip");
    EXPECT_LT(gzip.body().size(), text.size());
    EXPECT_EQ(inflate_all(gzip.body(), 31), text);
    EXPECT_EQ(inflate_all(get_ok(server, "/deflate?size=5000").body(), 15), text);
    EXPECT_EQ(inflate_all(get_ok(server, "/deflate?raw=1&size=5000").body(), -15), text);
    EXPECT_EQ(brotli_decode(get_ok(server, "/br?size=5000").body()), text);
    EXPECT_EQ(zstd_decode(get_ok(server, "/zstd?size=5000").body()), text);
    EXPECT_EQ(inflate_all(get_ok(server, "/gzip-multimember").body(), 31), "hello world");

    auto chained = get_ok(server, "/encoded?codings=gzip,br&size=5000");
    EXPECT_EQ(chained[http::field::content_encoding], "gzip, br");
    EXPECT_EQ(inflate_all(brotli_decode(chained.body()), 31), text);

    EXPECT_THROW(inflate_all(get_ok(server, "/corrupt/gzip").body(), 31), std::runtime_error);
}

TEST(TestServer, BombsAreSmallButInflateToZeros) {
    TestServer server;
    const std::string zeros(4u << 20, '\0');
    auto gzip = get_ok(server, "/bomb/gzip?mb=4").body();
    EXPECT_LT(gzip.size(), 16u * 1024);
    EXPECT_EQ(inflate_all(gzip, 31), zeros);
    EXPECT_EQ(get_ok(server, "/bomb/gzip?mb=4").body(), gzip);  // cached, same bytes
    auto br = get_ok(server, "/bomb/br?mb=4").body();
    EXPECT_LT(br.size(), 16u * 1024);
    EXPECT_EQ(brotli_decode(br), zeros);
    auto zstd = get_ok(server, "/bomb/zstd?mb=4").body();
    EXPECT_LT(zstd.size(), 16u * 1024);
    EXPECT_EQ(zstd_decode(zstd), zeros);
}

TEST(TestServer, ChunkedSlowAndCloseDelimitedBodies) {
    TestServer server;
    auto chunked = get_ok(server, "/chunked?chunks=3&size=4");
    EXPECT_TRUE(chunked.chunked());
    EXPECT_EQ(chunked.body(), "aaaabbbbcccc");
    auto slow = get_ok(server, "/slow?chunks=3&interval=20");
    EXPECT_EQ(slow.body().size(), 3u * 64);

    Client client(server);
    auto fetched = client.get("/close-delimited?size=700");
    ASSERT_FALSE(fetched.ec) << fetched.ec.message();
    EXPECT_FALSE(fetched.response.has_content_length());
    EXPECT_EQ(fetched.response.body(), TestServer::sample_text(700));
}

TEST(TestServer, RedirectsAndHugeHeaders) {
    TestServer server;
    auto chain = get_ok(server, "/redirect-chain/2");
    EXPECT_EQ(chain.result_int(), 302);
    EXPECT_EQ(chain[http::field::location], "/redirect-chain/1");
    EXPECT_EQ(get_ok(server, "/redirect-chain/0").result_int(), 200);
    auto moved = get_ok(server, "/redirect?to=http%3A%2F%2Fexample.invalid%2Fx&status=301");
    EXPECT_EQ(moved.result_int(), 301);
    EXPECT_EQ(moved[http::field::location], "http://example.invalid/x");

    Client client(server);
    auto huge = client.get("/huge-headers?kb=16", 1 << 20);
    ASSERT_FALSE(huge.ec) << huge.ec.message();
    EXPECT_EQ(huge.response.count("X-Filler-15"), 1u);
}

TEST(TestServer, MisbehavingResources) {
    TestServer server;
    {
        Client client(server);
        auto partial = client.get("/partial?size=1000&send=300");
        EXPECT_EQ(partial.ec, http::error::partial_message);
        EXPECT_EQ(partial.response.body(), TestServer::sample_text(300));
    }
    {
        Client client(server);
        EXPECT_EQ(client.get("/drop").ec, http::error::end_of_stream);
    }
    {
        Client client(server);
        auto reset = client.get("/reset?after=100");
        EXPECT_EQ(reset.ec, net::error::connection_reset) << reset.ec.message();
    }
    {
        Client client(server);
        auto garbage = client.get("/garbage");
        EXPECT_TRUE(garbage.ec);
        EXPECT_NE(garbage.ec, http::error::end_of_stream);
    }
}

TEST(TestServer, LinkSiteIsDeterministicAndConnected) {
    TestServerOptions options;
    options.site_pages = 40;
    TestServer server(options);
    const std::string prefix = server.base_url();
    std::set<int> seen{0};
    std::deque<int> queue{0};
    while (!queue.empty()) {
        const int n = queue.front();
        queue.pop_front();
        const std::string body = get_ok(server, "/page/" + std::to_string(n)).body();
        ASSERT_GT(body.size(), 15'000u);
        ASSERT_NE(body.find("<title>Page " + std::to_string(n) + "</title>"), std::string::npos);
        // Resolve each href of the forms the site uses against /page/n.
        for (std::size_t at = body.find("href=\""); at != std::string::npos; at = body.find("href=\"", at + 1)) {
            std::string href = body.substr(at + 6, body.find('"', at + 6) - at - 6);
            href = href.substr(0, href.find('#'));
            for (std::string_view strip : {std::string_view(prefix), std::string_view("..")}) {
                if (href.compare(0, strip.size(), strip) == 0) {
                    href.erase(0, strip.size());
                }
            }
            if (href.compare(0, 6, "/page/") == 0) {
                href.erase(0, 6);
            } else if (href.find_first_not_of("0123456789") != std::string::npos) {
                EXPECT_EQ(href, "http://example.invalid/");
                continue;
            }
            const int to = std::stoi(href);
            ASSERT_LT(to, 40);
            if (seen.insert(to).second) {
                queue.push_back(to);
            }
        }
    }
    EXPECT_EQ(seen.size(), 40u);
    EXPECT_EQ(get_ok(server, "/page/7").body(), get_ok(server, "/page/7").body());
    EXPECT_EQ(get_ok(server, "/page/40").result_int(), 404);
}

TEST(TestServer, DelayDoesNotBlockOthersAndStopIsPrompt) {
    for (bool tls : {false, true}) {
        SCOPED_TRACE(tls ? "tls" : "plain");
        TestServerOptions options;
        options.tls = tls;
        options.threads = 3;
        auto server = std::make_unique<TestServer>(options);
        Client delayed(*server);
        delayed.send_only("/delay/60000");
        Client stalled(*server);
        stalled.send_only("/stall");
        // Connected, but never sends a byte (not even a TLS handshake).
        net::io_context ioc;
        net::ip::tcp::socket idle(ioc);
        idle.connect({net::ip::make_address("127.0.0.1"), server->port()});

        auto fetched = Client(*server).get("/bytes/5");
        ASSERT_FALSE(fetched.ec) << fetched.ec.message();
        EXPECT_EQ(fetched.response.body(), "xxxxx");

        const auto start = std::chrono::steady_clock::now();
        server.reset();
        EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
        EXPECT_TRUE(delayed.read_more());
    }
}

TEST(TestServerTls, ServesWithAVerifiableCertificate) {
    TestServerOptions options;
    options.tls = true;
    TestServer server(options);
    EXPECT_EQ(server.base_url().rfind("https://127.0.0.1:", 0), 0u);
    ASSERT_NE(server.certificate_pem().find("BEGIN CERTIFICATE"), std::string::npos);

    Client client(server);
    ASSERT_FALSE(client.handshake_error()) << client.handshake_error().message();
    auto page = client.get("/page/0");
    ASSERT_FALSE(page.ec) << page.ec.message();
    EXPECT_NE(page.response.body().find("<title>Page 0</title>"), std::string::npos);
    auto gzip = client.get("/gzip?size=3000");
    ASSERT_FALSE(gzip.ec) << gzip.ec.message();
    EXPECT_EQ(inflate_all(gzip.response.body(), 31), TestServer::sample_text(3000));
    EXPECT_EQ(server.connections_accepted(), 1u);

    Client by_name(server, "localhost");
    EXPECT_FALSE(by_name.handshake_error()) << by_name.handshake_error().message();
    Client wrong_name(server, "example.com");
    EXPECT_TRUE(wrong_name.handshake_error());
}

TEST(TestServerTls, MisbehavingResourcesOverTls) {
    TestServerOptions options;
    options.tls = true;
    TestServer server(options);
    {
        Client client(server);
        auto partial = client.get("/partial?size=1000&send=300");
        EXPECT_EQ(partial.ec, http::error::partial_message) << partial.ec.message();
        EXPECT_EQ(partial.response.body(), TestServer::sample_text(300));
    }
    {
        Client client(server);
        auto closed = client.get("/close-delimited?size=2000");
        ASSERT_FALSE(closed.ec) << closed.ec.message();
        EXPECT_EQ(closed.response.body(), TestServer::sample_text(2000));
    }
    {
        Client client(server);
        EXPECT_TRUE(client.get("/drop").ec);
    }
}

} // namespace
