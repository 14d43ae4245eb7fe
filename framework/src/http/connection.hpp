#pragma once
// One HTTP/1.1 connection, plain or TLS, with the read buffer that must
// survive between responses on a kept-alive connection.

#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace trawl::detail {

struct Connection {
    using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

    /// The pool key it belongs to (scheme, host, port, proxy, TLS options).
    std::string key;
    /// Exactly one of these is set.
    std::unique_ptr<boost::beast::tcp_stream> plain;
    std::unique_ptr<TlsStream> tls;

    boost::beast::flat_buffer buffer;
    std::string peer;  ///< "ip:port", for messages and Response::ip_address
    std::uint64_t requests_served = 0;
    std::chrono::steady_clock::time_point idle_since;

    boost::beast::tcp_stream& tcp() { return tls ? boost::beast::get_lowest_layer(*tls) : *plain; }

    /// Closes the socket at once (no TLS close_notify: a crawler gains
    /// nothing from a graceful shutdown, and it would cost a round trip).
    void close() noexcept
    {
        boost::system::error_code ignored;
        tcp().socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
        tcp().socket().close(ignored);
    }
};

} // namespace trawl::detail
