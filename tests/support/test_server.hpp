#pragma once
// The test HTTP/HTTPS server every integration test links: Boost.Beast on its
// own thread and io_context, bound to 127.0.0.1 port 0 (the OS picks a free
// port), with resources that misbehave on purpose. TLS uses a self-signed
// certificate made in memory at start-up, so no key is committed.
//
// Resources (GET unless noted; N, MS are integers):
//   /                      small HTML page linking to a few resources
//   /status/N              empty body with status N
//   /bytes/N               N bytes of 'x', Content-Length
//   /page/N                ~20 KB HTML page N of a link site with ~20 links
//                          to other /page/M (M < /site-size?n=), and a <title>
//   /links/N?count=C       HTML page with C links /links/N*C+i (a tree)
//   /echo                  any method: JSON {"method","target","headers":{..},"body"}
//   /delay/MS              waits MS ms, then a small body
//   /slow?chunks=C&interval=MS   chunked body: C chunks, one every MS ms
//   /stall                 sends headers then never sends the body (read timeout)
//   /redirect?to=URL&status=301   redirect to URL (302 by default)
//   /redirect-chain/N      302 -> /redirect-chain/N-1 ... -> /redirect-chain/0 (200)
//   /redirect-loop         302 to itself
//   /chunked?chunks=C&size=S      chunked transfer, C chunks of S bytes
//   /close-delimited?size=S       HTTP/1.1 without Content-Length or chunking; body ends at close
//   /gzip?size=S           body of S bytes gzip-encoded (Content-Encoding: gzip)
//   /gzip-multimember      two concatenated gzip members ("hello " + "world")
//   /deflate?raw=0|1&size=S       zlib-wrapped (default) or raw deflate
//   /br?size=S             brotli
//   /zstd?size=S           zstd
//   /encoded?codings=gzip,br&size=S  chained encodings, applied in order
//   /bomb/gzip?mb=M        a gzip body that inflates to M MiB of zeros (default 100)
//   /bomb/br, /bomb/zstd   same for br and zstd
//   /corrupt/gzip          Content-Encoding: gzip with garbage body
//   /partial?size=S&send=K Content-Length: S but only K bytes, then close
//   /reset?after=K         sends headers and K body bytes, then an RST (SO_LINGER 0)
//   /drop                  closes the connection without answering
//   /huge-headers?kb=K     a response with K KiB of header fields
//   /garbage               not HTTP at all: random bytes then close
//   /robots.txt            a small robots.txt
//   /set-cookie            Set-Cookie headers
// Every response body is deterministic: the same URL always gives the same bytes.

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace trawl::testing {

struct SelfSignedCertificate {
    std::string certificate_pem;
    std::string private_key_pem;
};

/// An RSA-2048 (or EC P-256) self-signed certificate valid now for a year,
/// with subjectAltName DNS:localhost and IP:127.0.0.1 and the given CN.
SelfSignedCertificate make_self_signed_certificate(std::string_view common_name = "localhost");

struct TestServerOptions {
    bool tls = false;
    /// Threads serving requests (1 is enough for tests; the demo and
    /// benchmarks may want more).
    int threads = 1;
    /// 0 = any free port.
    std::uint16_t port = 0;
    /// Number of pages in the /page/N link site.
    int site_pages = 2000;
};

class TestServer {
public:
    explicit TestServer(TestServerOptions options = {});
    ~TestServer();  // stops the server and joins its threads
    TestServer(const TestServer&) = delete;
    TestServer& operator=(const TestServer&) = delete;

    std::uint16_t port() const noexcept;
    bool tls() const noexcept;
    /// "http://127.0.0.1:PORT" or "https://127.0.0.1:PORT"
    std::string base_url() const;
    /// base_url() + path (path starts with '/')
    std::string url(std::string_view path) const;
    /// The certificate the TLS server presents (PEM), to trust it in tests.
    const std::string& certificate_pem() const noexcept;

    /// Counters for assertions (keep-alive reuse, requests seen).
    std::uint64_t connections_accepted() const noexcept;
    std::uint64_t requests_served() const noexcept;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace trawl::testing
