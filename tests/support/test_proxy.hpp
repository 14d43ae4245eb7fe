#pragma once
// A small HTTP forward proxy for tests: plain Asio on its own thread and
// io_context, bound to 127.0.0.1 port 0. It serves
//   - absolute-form requests (GET http://host:port/path HTTP/1.1): the
//     request goes on to the server in origin-form, without the proxy's
//     own fields (Proxy-Authorization, Proxy-Connection) and with
//     "Connection: close", and the answer comes back byte for byte; the
//     client connection closes after it;
//   - CONNECT host:port: "200 Connection established", then bytes both ways
//     until either side closes.
// Only 127.0.0.1 targets are served (a test never reaches the network).

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace trawl::testing {

enum class TestProxyMode {
    normal,  ///< forward / tunnel as above
    banned,  ///< answer every request (and every CONNECT) with ban_status and ban_body
    hang,    ///< read the request, then never answer (until the client closes)
};

struct TestProxyOptions {
    TestProxyMode mode = TestProxyMode::normal;
    /// When set, requests must carry "Proxy-Authorization: Basic
    /// base64(user:password)"; others get 407 with Proxy-Authenticate.
    std::string user{};
    std::string password{};
    unsigned ban_status = 403;
    std::string ban_body = "Access denied: this proxy is banned";
};

class TestProxy {
public:
    explicit TestProxy(TestProxyOptions options = {});
    ~TestProxy();  // stops the proxy and joins its thread
    TestProxy(const TestProxy&) = delete;
    TestProxy& operator=(const TestProxy&) = delete;

    std::uint16_t port() const noexcept;
    /// "http://127.0.0.1:PORT"
    std::string url() const;
    /// "http://user:password@127.0.0.1:PORT" (percent-encoding is the
    /// caller's business).
    std::string url_with_credentials(const std::string& user, const std::string& password) const;

    /// Requests read (each CONNECT and each forwarded or refused request),
    /// counted before they are answered.
    std::uint64_t requests_served() const noexcept;
    std::uint64_t connections_accepted() const noexcept;
    /// Requests answered 407.
    std::uint64_t auth_failures() const noexcept;
    /// The request lines read, in order ("GET http://127.0.0.1:1/ HTTP/1.1",
    /// "CONNECT 127.0.0.1:2 HTTP/1.1").
    std::vector<std::string> request_lines() const;

private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

} // namespace trawl::testing
