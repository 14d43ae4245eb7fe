// The test server's plumbing: acceptor, sessions (plain or TLS), writing
// replies, and an orderly stop. The resources themselves live in
// test_server_resources.cpp and know nothing of sockets.

#include "support/test_server.hpp"
#include "support/test_server_internal.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <exception>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <type_traits>
#include <vector>

namespace trawl::testing {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using Strand = net::strand<net::io_context::executor_type>;
using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;
using namespace std::chrono_literals;

constexpr auto with_error = net::as_tuple(net::use_awaitable);

/// How long a closing connection waits for the peer's close_notify or FIN,
/// so that our close does not turn into an RST that destroys data the peer
/// has not read yet.
constexpr auto linger_time = 1s;
/// How long the destructor waits for sessions to finish after closing them.
constexpr auto stop_grace = 5s;

void report(std::exception_ptr error, const char* what) {
    if (!error) {
        return;
    }
    try {
        std::rethrow_exception(error);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "trawl test server: %s failed: %s\n", what, e.what());
    } catch (...) {
        std::fprintf(stderr, "trawl test server: %s failed\n", what);
    }
}

class SessionBase {
public:
    virtual ~SessionBase() = default;
    virtual net::awaitable<void> run() = 0;
    /// Aborts whatever the session is doing; call on its strand.
    virtual void close() = 0;
    virtual Strand strand() const = 0;
};

class Server {
public:
    explicit Server(const TestServerOptions& options)
        : options_(options), acceptor_strand_(net::make_strand(ioc_)), acceptor_(acceptor_strand_) {
        if (options_.tls) {
            auto certificate = make_self_signed_certificate("localhost");
            tls_.emplace(ssl::context::tls_server);
            tls_->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3);
            tls_->use_certificate_chain(net::buffer(certificate.certificate_pem));
            tls_->use_private_key(net::buffer(certificate.private_key_pem), ssl::context::pem);
            certificate_pem_ = std::move(certificate.certificate_pem);
        }
        const tcp::endpoint endpoint(net::ip::make_address_v4("127.0.0.1"), options_.port);
        acceptor_.open(endpoint.protocol());
        acceptor_.set_option(net::socket_base::reuse_address(true));
        acceptor_.bind(endpoint);
        acceptor_.listen();
        port_ = acceptor_.local_endpoint().port();
        resources_.base_url = std::string(options_.tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_);
        resources_.site_pages = std::max(1, options_.site_pages);
        resources_.files = detail::file_replies(options_.files, resources_.base_url);

        live_ = 1;  // the accept loop
        net::co_spawn(acceptor_strand_, accept_loop(), [this](std::exception_ptr error) {
            report(error, "accept loop");
            finished(nullptr);
        });
        const int threads = std::max(1, options_.threads);
        for (int i = 0; i < threads; ++i) {
            threads_.emplace_back([this] { ioc_.run(); });
        }
    }

    ~Server() { stop(); }
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    std::uint16_t port() const noexcept { return port_; }
    bool tls() const noexcept { return options_.tls; }
    const std::string& base_url() const noexcept { return resources_.base_url; }
    const std::string& certificate_pem() const noexcept { return certificate_pem_; }
    const detail::ResourceContext& resources() const noexcept { return resources_; }

    std::uint64_t connections_accepted() const noexcept { return connections_.load(); }
    std::uint64_t requests_served() const noexcept { return requests_.load(); }
    void count_request() noexcept { ++requests_; }

private:
    net::awaitable<void> accept_loop() {
        for (;;) {
            // Each connection gets its own strand, so that with several
            // threads a session's steps still never run concurrently.
            auto strand = net::make_strand(ioc_);
            tcp::socket socket(strand);
            auto [ec] = co_await acceptor_.async_accept(socket, with_error);
            if (ec == net::error::operation_aborted || !acceptor_.is_open()) {
                co_return;
            }
            if (ec) {
                continue;  // e.g. the peer gave up before we accepted
            }
            ++connections_;
            // Raw replies go out in several small writes; without this,
            // Nagle's algorithm and the peer's delayed ACK add ~40 ms to each.
            socket.set_option(tcp::no_delay(true), ec);
            start_session(std::move(socket), strand);
        }
    }

    void start_session(tcp::socket socket, Strand strand);

    void finished(const std::shared_ptr<SessionBase>& session) {
        std::lock_guard lock(mutex_);
        if (session) {
            sessions_.erase(session);
        }
        --live_;
        idle_.notify_all();
    }

    void stop() {
        std::vector<std::shared_ptr<SessionBase>> open;
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
            open.assign(sessions_.begin(), sessions_.end());
        }
        net::post(acceptor_strand_, [this] {
            boost::system::error_code ignored;
            acceptor_.close(ignored);
        });
        for (auto& session : open) {
            net::post(session->strand(), [session] { session->close(); });
        }
        open.clear();
        {
            std::unique_lock lock(mutex_);
            idle_.wait_for(lock, stop_grace, [this] { return live_ == 0; });
        }
        // Normally a no-op (run() returns once the sessions are gone); it
        // bounds the wait if a session failed to notice it was closed.
        ioc_.stop();
        for (auto& thread : threads_) {
            thread.join();
        }
    }

    TestServerOptions options_;
    net::io_context ioc_;
    Strand acceptor_strand_;
    tcp::acceptor acceptor_;
    std::optional<ssl::context> tls_;
    std::string certificate_pem_;
    std::uint16_t port_ = 0;
    detail::ResourceContext resources_;
    std::atomic<std::uint64_t> connections_{0};
    std::atomic<std::uint64_t> requests_{0};

    std::mutex mutex_;
    std::condition_variable idle_;
    bool stopping_ = false;
    std::size_t live_ = 0;  // running coroutines: the accept loop and the sessions
    std::set<std::shared_ptr<SessionBase>> sessions_;

    std::vector<std::thread> threads_;
};

template <class Stream>
class Connection final : public SessionBase {
public:
    static constexpr bool is_tls = std::is_same_v<Stream, TlsStream>;

    template <class... StreamArgs>
    Connection(Server& server, Strand strand, StreamArgs&&... stream_args)
        : server_(server), strand_(strand), stream_(std::forward<StreamArgs>(stream_args)...), timer_(strand) {}

    Strand strand() const override { return strand_; }

    void close() override {
        closed_ = true;
        timer_.cancel();
        beast::get_lowest_layer(stream_).close();
    }

    net::awaitable<void> run() override {
        if constexpr (is_tls) {
            auto [ec] = co_await stream_.async_handshake(ssl::stream_base::server, with_error);
            if (ec) {
                co_return;
            }
        }
        beast::flat_buffer buffer;
        for (;;) {
            http::request_parser<http::string_body> parser;
            parser.header_limit(1 << 20);
            parser.body_limit(64 << 20);
            auto [ec, n] = co_await http::async_read(stream_, buffer, parser, with_error);
            if (ec) {
                if (ec == http::error::end_of_stream) {
                    co_await close_gracefully();
                }
                co_return;
            }
            server_.count_request();
            auto request = parser.release();
            detail::Reply reply = answer(request);
            if (reply.delay.count() > 0 && !co_await sleep(reply.delay)) {
                co_return;
            }
            const bool open = reply.raw ? co_await write_raw(reply, request.keep_alive())
                                        : co_await write_message(reply, request);
            if (!open) {
                co_return;
            }
        }
    }

private:
    using Request = http::request<http::string_body>;

    detail::Reply answer(Request& request) {
        detail::ServerRequest plain;
        plain.method = std::string(request.method_string());
        plain.target = std::string(request.target());
        plain.version = request.version();
        for (const auto& field : request) {
            plain.fields.emplace_back(std::string(field.name_string()), std::string(field.value()));
        }
        plain.body = std::move(request.body());
        try {
            return detail::handle_request(plain, server_.resources());
        } catch (const std::exception& e) {
            detail::Reply reply;
            reply.status = 500;
            reply.body = std::string("resource failed: ") + e.what() + "\n";
            return reply;
        }
    }

    /// Returns whether the connection stays open for another request.
    net::awaitable<bool> write_message(detail::Reply& reply, const Request& request) {
        http::response<http::string_body> response;
        response.result(reply.status);
        response.version(request.version());
        for (auto& [name, value] : reply.fields) {
            response.insert(name, value);
        }
        response.body() = std::move(reply.body);
        response.keep_alive(request.keep_alive());
        // 204 and 304 carry neither a body nor a Content-Length.
        if (reply.status != 204 && reply.status != 304) {
            response.prepare_payload();
        }
        if (request.method() == http::verb::head) {
            response.body().clear();  // Content-Length still tells the size
        }
        auto [ec, n] = co_await http::async_write(stream_, response, with_error);
        if (ec) {
            co_return false;
        }
        if (!request.keep_alive()) {
            co_await close_gracefully();
            co_return false;
        }
        co_return true;
    }

    net::awaitable<bool> write_raw(const detail::Reply& reply, bool keep_alive) {
        if (!reply.head.empty() && !co_await write_bytes(reply.head)) {
            co_return false;
        }
        for (std::size_t i = 0; i < reply.pieces.size(); ++i) {
            if (i > 0 && reply.interval.count() > 0 && !co_await sleep(reply.interval)) {
                co_return false;
            }
            if (!co_await write_bytes(reply.pieces[i])) {
                co_return false;
            }
        }
        switch (reply.ending) {
        case detail::Ending::per_request:
            if (keep_alive) {
                co_return true;
            }
            co_await close_gracefully();
            break;
        case detail::Ending::close:
            co_await close_gracefully();
            break;
        case detail::Ending::reset:
            reset();
            break;
        case detail::Ending::stall:
            co_await stall();
            break;
        }
        co_return false;
    }

    net::awaitable<bool> write_bytes(const std::string& bytes) {
        auto [ec, n] = co_await net::async_write(stream_, net::buffer(bytes), with_error);
        co_return !ec;
    }

    /// Waits on the session's timer; false if the session was closed.
    net::awaitable<bool> sleep(std::chrono::milliseconds duration) {
        // close() runs on this strand too, so the flag cannot change between
        // this check and the wait starting: a stop never misses the timer.
        if (closed_) {
            co_return false;
        }
        timer_.expires_after(duration);
        auto [ec] = co_await timer_.async_wait(with_error);
        co_return !ec && !closed_;
    }

    net::awaitable<void> close_gracefully() {
        auto& tcp_layer = beast::get_lowest_layer(stream_);
        tcp_layer.expires_after(linger_time);
        if constexpr (is_tls) {
            // Sends close_notify, so the peer can tell our close from a
            // truncation; waits (bounded) for the peer's.
            co_await stream_.async_shutdown(with_error);
        }
        boost::system::error_code ignored;
        tcp_layer.socket().shutdown(tcp::socket::shutdown_send, ignored);
        // Drain until the peer closes too; closing with unread data would
        // send an RST, and the peer might lose what we sent before it.
        char sink[1024];
        for (;;) {
            auto [ec, n] = co_await tcp_layer.async_read_some(net::buffer(sink), with_error);
            if (ec) {
                break;
            }
        }
        tcp_layer.close();
    }

    void reset() {
        // SO_LINGER with a zero timeout makes close() abort the connection:
        // the peer gets an RST instead of a FIN.
        auto& socket = beast::get_lowest_layer(stream_).socket();
        boost::system::error_code ignored;
        socket.set_option(net::socket_base::linger(true, 0), ignored);
        socket.close(ignored);
    }

    /// Sends nothing more until the peer goes away or the server stops.
    net::awaitable<void> stall() {
        char sink[1024];
        auto& tcp_layer = beast::get_lowest_layer(stream_);
        for (;;) {
            auto [ec, n] = co_await tcp_layer.async_read_some(net::buffer(sink), with_error);
            if (ec) {
                break;
            }
        }
        tcp_layer.close();
    }

    Server& server_;
    Strand strand_;
    Stream stream_;
    net::steady_timer timer_;
    bool closed_ = false;
};

void Server::start_session(tcp::socket socket, Strand strand) {
    std::shared_ptr<SessionBase> session;
    if (options_.tls) {
        session = std::make_shared<Connection<TlsStream>>(*this, strand, std::move(socket), *tls_);
    } else {
        session = std::make_shared<Connection<PlainStream>>(*this, strand, std::move(socket));
    }
    {
        std::lock_guard lock(mutex_);
        if (stopping_) {
            return;  // the socket closes with the session
        }
        sessions_.insert(session);
        ++live_;
    }
    net::co_spawn(strand, session->run(), [this, session](std::exception_ptr error) {
        report(error, "session");
        finished(session);
    });
}

} // namespace

struct TestServer::Impl {
    explicit Impl(const TestServerOptions& options) : server(options) {}
    Server server;
};

TestServer::TestServer(TestServerOptions options) : impl_(std::make_unique<Impl>(options)) {}

TestServer::~TestServer() = default;

std::uint16_t TestServer::port() const noexcept {
    return impl_->server.port();
}

bool TestServer::tls() const noexcept {
    return impl_->server.tls();
}

std::string TestServer::base_url() const {
    return impl_->server.base_url();
}

std::string TestServer::url(std::string_view path) const {
    return impl_->server.base_url() + std::string(path);
}

const std::string& TestServer::certificate_pem() const noexcept {
    return impl_->server.certificate_pem();
}

std::uint64_t TestServer::connections_accepted() const noexcept {
    return impl_->server.connections_accepted();
}

std::uint64_t TestServer::requests_served() const noexcept {
    return impl_->server.requests_served();
}

std::string TestServer::sample_text(std::size_t size) {
    return detail::sample_text(size);
}

int TestServer::site_pages() const noexcept {
    return impl_->server.resources().site_pages;
}

} // namespace trawl::testing
