#pragma once
// The test HTTP/HTTPS server every integration test links: Boost.Beast on its
// own thread and io_context, bound to 127.0.0.1 port 0 (the OS picks a free
// port), with resources that misbehave on purpose. TLS uses a self-signed
// certificate made in memory at start-up, so no key is committed.
//
// Resources (GET unless noted; N, MS are integers):
//   /                      small HTML page linking to a few resources
//   /status/N              empty body with status N (200..999; 204 and 304
//                          without Content-Length)
//   /bytes/N               N bytes of 'x', Content-Length
//   /page/N                ~20 KB HTML page N (0 <= N < site_pages, else 404)
//                          of a link site: <title>Page N</title>, 20 links to
//                          other pages (root-relative, relative, ../, absolute,
//                          with #fragments; the first always to N+1, so the
//                          whole site is reachable from /page/0) and one to
//                          http://example.invalid/
//   /links/N?count=C       HTML page with C (default 10) links
//                          /links/N*C+i?count=C, i = 1..C (a tree rooted at 0)
//   /echo                  any method: JSON {"method","target","headers":{..},"body"};
//                          header names lower-case, repeated fields joined by ", "
//   /delay/MS              waits MS ms, then a small body
//   /throttle/GROUP/...?n=N&retry_after=V&status=S   the first N (default 1)
//                          requests to any path under /throttle/GROUP get
//                          status S (default 429) with Retry-After: V (sent as
//                          given, if given); later ones a small HTML page
//   /slow?chunks=C&interval=MS   chunked body: C chunks of 64 bytes, one every MS ms
//   /stall                 sends headers (Content-Length: 1000) then never sends
//                          the body (read timeout)
//   /redirect?to=URL&status=301   redirect to URL (302 by default)
//   /redirect-chain/N      302 -> /redirect-chain/N-1 ... -> /redirect-chain/0 (200)
//   /redirect-loop         302 to itself
//   /chunked?chunks=C&size=S      chunked transfer, C chunks of S bytes; chunk i
//                          is S times the letter 'a' + i % 26
//   /close-delimited?size=S       HTTP/1.1 without Content-Length or chunking; body
//                          (sample_text(S)) ends at close
//   /text?size=S           sample_text(S) as is: the decoded form of the
//                          compressed resources below
//   /gzip?size=S           sample_text(S) gzip-encoded (Content-Encoding: gzip)
//   /gzip-multimember      two concatenated gzip members ("hello " + "world")
//   /deflate?raw=0|1&size=S       zlib-wrapped (default) or raw deflate
//   /br?size=S             brotli
//   /zstd?size=S           zstd
//   /encoded?codings=gzip,br&size=S  chained encodings, applied in order
//                          (gzip, x-gzip, deflate, br, zstd; identity and unknown
//                          names go into the header but leave the body as is)
//   /bomb/gzip?mb=M        a gzip body that inflates to M MiB of zeros (default 100)
//   /bomb/br, /bomb/zstd   same for br and zstd
//   /corrupt/gzip          Content-Encoding: gzip: a valid gzip header, then an
//                          invalid deflate block (decoding fails at once)
//   /partial?size=S&send=K Content-Length: S but only K (default S/2) bytes of
//                          sample_text(S), then close
//   /reset?after=K         sends headers (Content-Length: K+1000) and K body
//                          bytes, then an RST (SO_LINGER 0)
//   /drop                  closes the connection without answering
//   /huge-headers?kb=K     a response with K KiB of header fields
//   /garbage               not HTTP at all: random bytes then close
//   /robots.txt            a small robots.txt (Disallow: /private/ and
//                          /disallowed for all; everything for "badbot")
//   /set-cookie?k=v&..     Set-Cookie k=v; Path=/ for each parameter (two
//                          default cookies without parameters)
//   /set-cookie-redirect?to=URL&k=v&..   302 to URL with Set-Cookie k=v; Path=/
//                          for each parameter other than `to`
//   any path in TestServerOptions::files   (GET and HEAD) that file, whatever
//                          the query; files take precedence over the resources
//                          above, so a test can replace /robots.txt
// Defaults: size 1000 for /text, /close-delimited and /partial, 10000 for the
// compressed ones. Bad numbers give 400, unknown paths 404. HEAD works for the
// well-behaved resources. Every response body is deterministic: the same URL
// on the same server always gives the same bytes (absolute links contain the
// port).

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace trawl::testing {

struct SelfSignedCertificate {
    std::string certificate_pem;
    std::string private_key_pem;
};

/// An EC P-256 self-signed certificate (SHA-256), valid from an hour ago for a year,
/// with subjectAltName DNS:localhost and IP:127.0.0.1 and the given CN.
SelfSignedCertificate make_self_signed_certificate(std::string_view common_name = "localhost");

/// A fixed resource for TestServerOptions::files: sitemaps, robots.txt
/// files, XML and CSV feeds.
struct TestFile {
    std::string content_type;
    /// The body, with each "{base_url}" replaced by the server's base_url()
    /// (the port is only known once the server runs), then gzipped if
    /// `gzip` is set. Both are done once, at start-up.
    std::string body;
    /// A Content-Encoding field to send; the body is not encoded by it (set
    /// `gzip` too for "gzip").
    std::optional<std::string> content_encoding;
    /// Send the body gzipped: with no content_encoding, a .gz file as
    /// servers send one.
    bool gzip = false;
    /// The status to answer with (a robots.txt that is 404 or 500).
    unsigned status = 200;
};

struct TestServerOptions {
    bool tls = false;
    /// Threads serving requests (1 is enough for tests; the demo and
    /// benchmarks may want more).
    int threads = 1;
    /// 0 = any free port.
    std::uint16_t port = 0;
    /// Number of pages in the /page/N link site.
    int site_pages = 2000;
    /// Path (without query) -> fixed resource.
    std::map<std::string, TestFile> files{};
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
    /// The certificate the TLS server presents (PEM), to trust it in tests;
    /// empty for a plain server.
    const std::string& certificate_pem() const noexcept;
    int site_pages() const noexcept;

    /// The deterministic text behind /text, /gzip, /br, ... of that size;
    /// sample_text(n) is a prefix of sample_text(m) for n < m.
    static std::string sample_text(std::size_t size);

    /// Counters for assertions (keep-alive reuse, requests seen). A request
    /// counts once it has been read, before it is answered (so /drop counts).
    std::uint64_t connections_accepted() const noexcept;
    std::uint64_t requests_served() const noexcept;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace trawl::testing
