#include "demo/demo_server.hpp"

#include <trawl/log.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <fmt/format.h>

#include <thread>

namespace trawl::demo {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

const Logger logger{"trawl.demo"};

net::awaitable<void> serve_connection(const DemoSite& site, beast::tcp_stream stream)
{
    beast::flat_buffer buffer;
    while (true) {
        http::request<http::string_body> request;
        stream.expires_after(std::chrono::seconds{60});  // idle keep-alive connections go away
        auto [read_error, n] = co_await http::async_read(stream, buffer, request, net::as_tuple(net::use_awaitable));
        if (read_error) {
            break;  // closed by the client, timed out, or not HTTP: nothing to answer
        }
        auto page = site.get(request.target());
        http::response<http::string_body> response{static_cast<http::status>(page.status), request.version()};
        response.set(http::field::server, "trawl-demo");
        response.set(http::field::content_type, page.content_type);
        response.keep_alive(request.keep_alive());
        response.body() = std::move(page.body);
        response.prepare_payload();
        auto [write_error, m] = co_await http::async_write(stream, response, net::as_tuple(net::use_awaitable));
        if (write_error || !response.keep_alive()) {
            break;
        }
    }
    beast::error_code ignored;
    stream.socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
}

void log_failure(std::exception_ptr error)
{
    if (error) {
        try {
            std::rethrow_exception(error);
        } catch (const std::exception& e) {
            logger.warning("demo server: {}", e.what());
        }
    }
}

net::awaitable<void> accept_loop(const DemoSite& site, net::ip::tcp::acceptor& acceptor)
{
    while (acceptor.is_open()) {
        auto [ec, socket] = co_await acceptor.async_accept(net::as_tuple(net::use_awaitable));
        if (ec) {
            if (ec == net::error::operation_aborted) {
                break;
            }
            continue;  // e.g. too many open files: keep serving the others
        }
        socket.set_option(net::ip::tcp::no_delay{true}, ec);
        net::co_spawn(acceptor.get_executor(), serve_connection(site, beast::tcp_stream{std::move(socket)}),
                      log_failure);
    }
}

} // namespace

struct DemoServer::Impl {
    net::io_context context{1};
    net::ip::tcp::acceptor acceptor{context};
    std::thread thread;
};

DemoServer::DemoServer(const DemoSite& site, std::uint16_t port) : impl_(std::make_unique<Impl>())
{
    net::ip::tcp::endpoint endpoint{net::ip::make_address("127.0.0.1"), port};
    impl_->acceptor.open(endpoint.protocol());
    impl_->acceptor.set_option(net::socket_base::reuse_address(true));
    impl_->acceptor.bind(endpoint);
    impl_->acceptor.listen(net::socket_base::max_listen_connections);
    net::co_spawn(impl_->context, accept_loop(site, impl_->acceptor), log_failure);
    impl_->thread = std::thread([this] { impl_->context.run(); });
}

DemoServer::~DemoServer()
{
    net::post(impl_->context, [this] {
        beast::error_code ignored;
        impl_->acceptor.close(ignored);
        impl_->context.stop();  // open keep-alive connections end with the context
    });
    impl_->thread.join();
}

std::string DemoServer::base_url() const
{
    return fmt::format("http://127.0.0.1:{}", impl_->acceptor.local_endpoint().port());
}

} // namespace trawl::demo
