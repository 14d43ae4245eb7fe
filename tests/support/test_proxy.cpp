#include "support/test_proxy.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <charconv>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>

namespace trawl::testing {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using namespace net::experimental::awaitable_operators;

namespace {

std::string base64(std::string_view bytes)
{
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    for (std::size_t i = 0; i < bytes.size(); i += 3) {
        const std::size_t rest = std::min<std::size_t>(3, bytes.size() - i);
        std::uint32_t n = static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << 16;
        if (rest > 1) {
            n |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8;
        }
        if (rest > 2) {
            n |= static_cast<unsigned char>(bytes[i + 2]);
        }
        out += alphabet[(n >> 18) & 63];
        out += alphabet[(n >> 12) & 63];
        out += rest > 1 ? alphabet[(n >> 6) & 63] : '=';
        out += rest > 2 ? alphabet[n & 63] : '=';
    }
    return out;
}

bool iequals(std::string_view a, std::string_view b)
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

struct Head {
    std::string method;
    std::string target;
    std::string line;
    std::vector<std::pair<std::string, std::string>> fields;

    std::optional<std::string> get(std::string_view name) const
    {
        for (const auto& [n, v] : fields) {
            if (iequals(n, name)) {
                return v;
            }
        }
        return std::nullopt;
    }
};

std::optional<Head> parse_head(std::string_view text)
{
    Head head;
    std::size_t pos = text.find("\r\n");
    head.line = std::string(text.substr(0, pos));
    std::istringstream first{head.line};
    std::string version;
    if (!(first >> head.method >> head.target >> version)) {
        return std::nullopt;
    }
    while (pos != std::string_view::npos && pos + 2 < text.size()) {
        const auto start = pos + 2;
        pos = text.find("\r\n", start);
        auto line = text.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start);
        if (line.empty()) {
            break;
        }
        const auto colon = line.find(':');
        if (colon == std::string_view::npos) {
            return std::nullopt;
        }
        auto value = line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') {
            value.remove_prefix(1);
        }
        head.fields.emplace_back(std::string(line.substr(0, colon)), std::string(value));
    }
    return head;
}

// "127.0.0.1:8080" -> port; only loopback targets are served.
std::optional<std::uint16_t> loopback_port(std::string_view authority)
{
    constexpr std::string_view prefix = "127.0.0.1:";
    if (!authority.starts_with(prefix)) {
        return std::nullopt;
    }
    authority.remove_prefix(prefix.size());
    unsigned value = 0;
    auto [end, ec] = std::from_chars(authority.data(), authority.data() + authority.size(), value);
    if (ec != std::errc{} || end != authority.data() + authority.size() || value == 0 || value > 65535) {
        return std::nullopt;
    }
    return static_cast<std::uint16_t>(value);
}

net::awaitable<void> pipe(tcp::socket& from, tcp::socket& to)
{
    std::array<char, 16 * 1024> buffer;
    while (true) {
        auto [ec, n] = co_await from.async_read_some(net::buffer(buffer), net::as_tuple(net::use_awaitable));
        if (ec) {
            co_return;
        }
        auto [wec, w] = co_await net::async_write(to, net::buffer(buffer.data(), n), net::as_tuple(net::use_awaitable));
        if (wec) {
            co_return;
        }
    }
}

std::string simple_response(unsigned status, std::string_view reason, std::string_view body,
                            std::string_view extra_fields = {})
{
    std::string out = "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason) + "\r\n";
    out += extra_fields;
    out += "Content-Type: text/plain\r\nContent-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n";
    out += body;
    return out;
}

} // namespace

struct TestProxy::Impl {
    TestProxyOptions options;
    net::io_context context{1};
    tcp::acceptor acceptor{context};
    std::thread thread;
    std::atomic<std::uint64_t> requests{0};
    std::atomic<std::uint64_t> connections{0};
    std::atomic<std::uint64_t> auth_failures{0};
    mutable std::mutex mutex;
    std::vector<std::string> lines;
    std::string expected_authorization;
    std::uint16_t port = 0;

    net::awaitable<void> accept_loop()
    {
        while (true) {
            auto [ec, socket] = co_await acceptor.async_accept(net::as_tuple(net::use_awaitable));
            if (ec) {
                co_return;
            }
            ++connections;
            net::co_spawn(context, session(std::move(socket)), [](std::exception_ptr) {});
        }
    }

    net::awaitable<void> session(tcp::socket client)
    {
        std::string buffer;
        auto [ec, n] = co_await net::async_read_until(client, net::dynamic_buffer(buffer), "\r\n\r\n",
                                                      net::as_tuple(net::use_awaitable));
        if (ec) {
            co_return;
        }
        auto head = parse_head(std::string_view(buffer).substr(0, n));
        buffer.erase(0, n);  // what came after the head (a body's start)
        if (!head) {
            co_await reply(client, simple_response(400, "Bad Request", "bad request"));
            co_return;
        }
        ++requests;
        {
            std::lock_guard lock{mutex};
            lines.push_back(head->line);
        }
        if (options.mode == TestProxyMode::hang) {
            // Say nothing; wait for the client to give up.
            std::array<char, 1024> sink;
            while (true) {
                auto [rec, r] = co_await client.async_read_some(net::buffer(sink), net::as_tuple(net::use_awaitable));
                if (rec) {
                    co_return;
                }
            }
        }
        if (!expected_authorization.empty() && head->get("Proxy-Authorization") != expected_authorization) {
            ++auth_failures;
            co_await reply(client, simple_response(407, "Proxy Authentication Required", "credentials required",
                                                   "Proxy-Authenticate: Basic realm=\"test proxy\"\r\n"));
            co_return;
        }
        if (options.mode == TestProxyMode::banned) {
            co_await reply(client, simple_response(options.ban_status, "Banned", options.ban_body));
            co_return;
        }
        if (head->method == "CONNECT") {
            co_await tunnel(std::move(client), *head);
        } else {
            co_await forward(std::move(client), *head, std::move(buffer));
        }
    }

    net::awaitable<void> reply(tcp::socket& client, std::string text)
    {
        co_await net::async_write(client, net::buffer(text), net::as_tuple(net::use_awaitable));
        boost::system::error_code ignored;
        client.shutdown(tcp::socket::shutdown_send, ignored);
    }

    net::awaitable<std::optional<tcp::socket>> connect_upstream(std::uint16_t port)
    {
        tcp::socket upstream{context};
        auto [ec] = co_await upstream.async_connect(tcp::endpoint{net::ip::address_v4::loopback(), port},
                                                    net::as_tuple(net::use_awaitable));
        if (ec) {
            co_return std::nullopt;
        }
        co_return std::optional<tcp::socket>{std::move(upstream)};
    }

    net::awaitable<void> tunnel(tcp::socket client, Head head)
    {
        auto port = loopback_port(head.target);
        // Not `port ? co_await ... : ...`: g++ 12 mishandles co_await in a conditional expression.
        std::optional<tcp::socket> upstream;
        if (port) {
            upstream = co_await connect_upstream(*port);
        }
        if (!upstream) {
            co_await reply(client, simple_response(502, "Bad Gateway", "cannot reach " + head.target));
            co_return;
        }
        std::string established = "HTTP/1.1 200 Connection established\r\n\r\n";
        if (auto [ec, n] = co_await net::async_write(client, net::buffer(established), net::as_tuple(net::use_awaitable));
            ec) {
            co_return;
        }
        co_await (pipe(client, *upstream) || pipe(*upstream, client));
    }

    net::awaitable<void> forward(tcp::socket client, Head head, std::string body_start)
    {
        constexpr std::string_view scheme = "http://";
        if (!head.target.starts_with(scheme)) {
            co_await reply(client, simple_response(400, "Bad Request", "not an absolute-form request"));
            co_return;
        }
        const auto rest = std::string_view(head.target).substr(scheme.size());
        const auto slash = rest.find('/');
        const auto authority = rest.substr(0, slash);
        const std::string path = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
        auto port = loopback_port(authority);
        std::optional<tcp::socket> upstream;
        if (port) {
            upstream = co_await connect_upstream(*port);
        }
        if (!upstream) {
            co_await reply(client, simple_response(502, "Bad Gateway", "cannot reach " + std::string(authority)));
            co_return;
        }
        std::string out = head.method + " " + path + " HTTP/1.1\r\n";
        for (const auto& [name, value] : head.fields) {
            if (!iequals(name, "Proxy-Authorization") && !iequals(name, "Proxy-Connection") &&
                !iequals(name, "Connection")) {
                out += name + ": " + value + "\r\n";
            }
        }
        out += "Connection: close\r\n\r\n";
        out += body_start;
        if (auto [ec, n] = co_await net::async_write(*upstream, net::buffer(out), net::as_tuple(net::use_awaitable));
            ec) {
            co_return;
        }
        std::size_t length = 0;
        if (auto declared = head.get("Content-Length")) {
            std::from_chars(declared->data(), declared->data() + declared->size(), length);
        }
        if (length > body_start.size()) {
            std::string body(length - body_start.size(), '\0');
            auto [ec, n] = co_await net::async_read(client, net::buffer(body), net::as_tuple(net::use_awaitable));
            if (ec) {
                co_return;
            }
            co_await net::async_write(*upstream, net::buffer(body), net::as_tuple(net::use_awaitable));
        }
        co_await pipe(*upstream, client);
        boost::system::error_code ignored;
        client.shutdown(tcp::socket::shutdown_send, ignored);
    }
};

TestProxy::TestProxy(TestProxyOptions options) : impl_(std::make_shared<Impl>())
{
    auto& d = *impl_;
    d.options = std::move(options);
    if (!d.options.user.empty() || !d.options.password.empty()) {
        d.expected_authorization = "Basic " + base64(d.options.user + ":" + d.options.password);
    }
    tcp::endpoint endpoint{net::ip::address_v4::loopback(), 0};
    d.acceptor.open(endpoint.protocol());
    d.acceptor.set_option(tcp::acceptor::reuse_address(true));
    d.acceptor.bind(endpoint);
    d.acceptor.listen();
    d.port = d.acceptor.local_endpoint().port();
    net::co_spawn(d.context, d.accept_loop(), [](std::exception_ptr) {});
    d.thread = std::thread{[impl = impl_] { impl->context.run(); }};
}

TestProxy::~TestProxy()
{
    impl_->context.stop();
    impl_->thread.join();
}

std::uint16_t TestProxy::port() const noexcept { return impl_->port; }

std::string TestProxy::url() const { return "http://127.0.0.1:" + std::to_string(port()); }

std::string TestProxy::url_with_credentials(const std::string& user, const std::string& password) const
{
    return "http://" + user + ":" + password + "@127.0.0.1:" + std::to_string(port());
}

std::uint64_t TestProxy::requests_served() const noexcept { return impl_->requests; }
std::uint64_t TestProxy::connections_accepted() const noexcept { return impl_->connections; }
std::uint64_t TestProxy::auth_failures() const noexcept { return impl_->auth_failures; }

std::vector<std::string> TestProxy::request_lines() const
{
    std::lock_guard lock{impl_->mutex};
    return impl_->lines;
}

} // namespace trawl::testing
