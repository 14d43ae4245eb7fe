#include "http/http_handler.hpp"

#include "http/error_mapping.hpp"
#include "http/url_parts.hpp"

#include <trawl/error.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <fmt/format.h>

namespace trawl::detail {

namespace net = boost::asio;
namespace beast = boost::beast;
using namespace net::experimental::awaitable_operators;

HttpDownloadHandler::HttpDownloadHandler(net::any_io_executor executor, std::shared_ptr<Resolver> resolver,
                                         std::shared_ptr<ConnectionPool> pool, HttpHandlerOptions options,
                                         std::shared_ptr<DownloaderStats> stats)
    : executor_(std::move(executor)),
      resolver_(std::move(resolver)),
      pool_(std::move(pool)),
      options_(std::move(options)),
      stats_(std::move(stats))
{
    // Loading the system CA bundle takes ~25 ms of CPU, which a process that
    // never opens an https connection (an http crawl, a test) need not pay:
    // the context is made at the first one (tls_context()). A
    // DOWNLOAD_TLS_CA_FILE is loaded now, so that a bad one stops the crawl
    // before it starts.
    if (!options_.tls.ca_file.empty()) {
        tls_context_ = make_client_tls_context(options_.tls);
    }
}

net::ssl::context& HttpDownloadHandler::tls_context()
{
    if (!tls_context_) {
        tls_context_ = make_client_tls_context(options_.tls);
    }
    return *tls_context_;
}

void HttpDownloadHandler::close() { pool_->close(); }

namespace {

std::string endpoint_text(const std::string& host, std::uint16_t port)
{
    return host.find(':') != std::string::npos ? fmt::format("[{}]:{}", host, port) : fmt::format("{}:{}", host, port);
}

bool is_ip_literal(const std::string& host)
{
    boost::system::error_code ec;
    net::ip::make_address(host, ec);
    return !ec;
}

// OpenSSL's own reason for a failed verification ("self-signed certificate",
// "certificate has expired"): more use to a user than "certificate verify failed".
std::string verify_failure_reason(Connection::TlsStream& stream)
{
    const long result = SSL_get_verify_result(stream.native_handle());
    return result == X509_V_OK ? std::string{} : X509_verify_cert_error_string(result);
}

} // namespace

net::awaitable<HttpDownloadHandler::Opened>
HttpDownloadHandler::open_connection(const UrlParts& url, std::string key, const Request& request,
                                     const DownloadLimits& limits, Clock::time_point deadline,
                                     const std::optional<ProxyInfo>& proxy)
{
    const std::string where = endpoint_text(url.host, url.port);
    // The first hop: the proxy when there is one (its name is resolved
    // here; the server's name is the proxy's business).
    const std::string& hop_host = proxy ? proxy->host : url.host;
    const std::uint16_t hop_port = proxy ? proxy->port : url.port;

    // 1. Resolve. c-ares has its own per-try timeout; the total deadline bounds it too.
    net::steady_timer dns_deadline{executor_, deadline};
    auto resolved = co_await (resolver_->resolve(hop_host) || dns_deadline.async_wait(net::use_awaitable));
    if (resolved.index() == 1) {
        co_return DownloadError{errc::timed_out, fmt::format("resolve {}: timed out", hop_host), request.url};
    }
    auto& addresses = std::get<0>(resolved);
    if (!addresses) {
        co_return make_download_error(addresses.error(), Phase::resolve, hop_host, request.url);
    }

    // 2. Connect, trying each address in turn within the connect timeout.
    const auto connect_deadline = std::min(deadline, Clock::now() + limits.connect_timeout);
    const bool total_binds = deadline <= connect_deadline;
    auto connection = std::make_unique<Connection>();
    connection->key = std::move(key);
    auto tcp = std::make_unique<beast::tcp_stream>(executor_);
    boost::system::error_code ec = net::error::host_not_found;
    for (const auto& address : *addresses) {
        connection->peer = endpoint_text(address.to_string(), hop_port);
        tcp->expires_at(connect_deadline);
        std::tie(ec) = co_await tcp->async_connect(net::ip::tcp::endpoint{address, hop_port},
                                                   net::as_tuple(net::use_awaitable));
        if (!ec || ec == beast::error::timeout) {
            break;  // connected, or out of time for every address
        }
        tcp->close();
    }
    if (ec) {
        co_return make_download_error(ec, Phase::connect, connection->peer, request.url, total_binds);
    }
    tcp->socket().set_option(net::ip::tcp::no_delay{true}, ec);
    ++stats_->connections_opened;

    if (url.scheme != "https") {
        connection->plain = std::move(tcp);
        co_return connection;
    }

    // 3. Through a proxy, a tunnel to the server first (the proxy's answer
    //    is awaited under the same connect deadline: a proxy that accepts
    //    and then says nothing must not hold the slot for longer).
    if (proxy) {
        auto tunnel = co_await open_tunnel(*tcp, *proxy, url, request.url, connect_deadline, total_binds);
        if (!tunnel) {
            co_return tunnel.error();
        }
    }

    // 4. TLS with the server, end to end through any tunnel: SNI (many
    //    hosts need it to pick the certificate; not sent for IP literals, as
    //    RFC 6066 forbids), then the handshake with the host name checked
    //    against the certificate when verifying.
    connection->tls = std::make_unique<Connection::TlsStream>(std::move(*tcp), tls_context());
    auto& tls = *connection->tls;
    if (!is_ip_literal(url.host) && !SSL_set_tlsext_host_name(tls.native_handle(), url.host.c_str())) {
        co_return DownloadError{errc::tls_handshake, fmt::format("TLS handshake with {}: cannot set SNI", where),
                                request.url};
    }
    if (options_.tls.verify) {
        tls.set_verify_callback(net::ssl::host_name_verification(url.host));
    }
    beast::get_lowest_layer(tls).expires_at(connect_deadline);
    std::tie(ec) = co_await tls.async_handshake(net::ssl::stream_base::client, net::as_tuple(net::use_awaitable));
    if (ec) {
        auto error = make_download_error(ec, Phase::tls_handshake, where, request.url, total_binds);
        if (auto reason = verify_failure_reason(tls); !reason.empty()) {
            error.message += fmt::format(": {}", reason);
        }
        co_return error;
    }
    co_return connection;
}

net::awaitable<DownloadResult> HttpDownloadHandler::download(Request request, DownloadLimits limits)
{
    const auto started = Clock::now();
    const auto deadline = started + limits.timeout;
    auto url = parse_http_url(request.url);
    if (!url) {
        co_return DownloadError{url.error(), fmt::format("cannot download '{}': {}", request.url, url.error().message()),
                                request.url};
    }
    auto proxy = proxy_for(request);
    if (!proxy) {
        co_return DownloadError{proxy.error(),
                                fmt::format("cannot use the proxy in meta \"proxy\": {}{}", proxy.error().message(),
                                            proxy.error() == errc::unsupported_scheme
                                                ? " (only http:// proxies are supported)"
                                                : ""),
                                request.url};
    }
    // Connections are shared only between requests that would have made
    // the same connection: same endpoint, same proxy and proxy credentials
    // (by digest), same TLS options.
    std::string key = fmt::format("{}://{}|proxy={}|{}", url->scheme, endpoint_text(url->host, url->port),
                                  *proxy ? (*proxy)->pool_key() : std::string{}, options_.tls.pool_key());
    // Plain http goes to the proxy as an absolute-form request carrying the
    // credentials; https goes through the tunnel, where they must not follow.
    ExchangeRoute route;
    if (*proxy && url->scheme == "http") {
        route.absolute_form = true;
        route.proxy_authorization = (*proxy)->authorization;
    }
    // An error names the proxy (never its credentials) unless it already does.
    auto through_proxy = [&](DownloadError error) {
        if (*proxy && error.message.find("proxy ") == std::string::npos) {
            error.message += fmt::format(" (through proxy {})", (*proxy)->display());
        }
        return error;
    };

    auto lease = co_await pool_->acquire(key, deadline);
    if (!lease) {
        auto code = lease.error() == errc::timed_out ? boost::system::error_code{errc::timed_out}
                                                     : boost::system::error_code{errc::cancelled};
        co_return through_proxy(DownloadError{code,
                                              fmt::format("wait for a free connection to {}: {}",
                                                          endpoint_text(url->host, url->port), code.message()),
                                              request.url});
    }

    // A kept-alive connection may have been closed by the server while idle;
    // if nothing of a response came back, one more try on a new connection.
    for (int attempt = 0;; ++attempt) {
        const bool reused = lease->connection() != nullptr;
        if (!reused) {
            auto opened = co_await open_connection(*url, key, request, limits, deadline, *proxy);
            if (!opened) {
                co_return through_proxy(std::move(opened.error()));
            }
            lease->set_connection(std::move(*opened));
        } else {
            ++stats_->connections_reused;
        }
        auto& connection = *lease->connection();
        auto result =
            co_await exchange(connection, request, *url, limits, deadline, options_.max_header_size, route);
        if (!result) {
            ++stats_->connections_dropped;
            lease->discard_connection();
            if (reused && attempt == 0 && result.error().nothing_received) {
                --stats_->connections_reused;
                continue;
            }
            co_return through_proxy(std::move(result.error().error));
        }
        auto& out = *result;
        stats_->bytes_received += out.wire_bytes;
        ++connection.requests_served;
        Response::Data data;
        data.url = request.url;
        data.status = out.status;
        data.headers = std::move(out.headers);
        data.body = std::move(out.body);
        data.protocol = std::move(out.protocol);
        data.ip_address = connection.peer.substr(0, connection.peer.rfind(':'));
        data.flags = std::move(out.flags);
        if (out.keep_alive) {
            lease->keep_alive();
        }
        data.request = std::move(request);
        // Scrapy's download_latency stops at the response head, the body
        // not included (AutoThrottle would slow down for big pages): the
        // engine takes it from here (Response::Data::head_latency).
        data.head_latency = out.head_received - started;
        co_return Response{std::move(data)};
    }
}

} // namespace trawl::detail
