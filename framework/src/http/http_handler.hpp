#pragma once
// The http and https download handler: Boost.Beast HTTP/1.1 over TCP or TLS,
// connections from the keep-alive pool, names through the c-ares resolver,
// bodies decoded as they stream in.

#include "dns/resolver.hpp"
#include "http/connection_pool.hpp"
#include "http/http_exchange.hpp"
#include "http/proxy.hpp"
#include "http/tls_context.hpp"

#include <trawl/download_handler.hpp>
#include <trawl/downloader.hpp>

#include <boost/asio/ssl/context.hpp>

#include <memory>
#include <optional>

namespace trawl::detail {

struct HttpHandlerOptions {
    std::size_t max_header_size = 128 * 1024;
    TlsOptions tls;
};

class HttpDownloadHandler final : public DownloadHandler {
public:
    /// `stats` is the downloader's; this handler adds to its connection and
    /// byte counters.
    HttpDownloadHandler(boost::asio::any_io_executor executor, std::shared_ptr<Resolver> resolver,
                        std::shared_ptr<ConnectionPool> pool, HttpHandlerOptions options,
                        std::shared_ptr<DownloaderStats> stats);

    boost::asio::awaitable<DownloadResult> download(Request request, DownloadLimits limits) override;
    void close() override;

private:
    using Opened = boost::system::result<std::unique_ptr<Connection>, DownloadError>;

    /// Resolves, connects (trying each address in turn) to the server or
    /// its proxy, opens a CONNECT tunnel through the proxy for https, and,
    /// for https, runs the TLS handshake with the server; all under the
    /// connect timeout.
    boost::asio::awaitable<Opened> open_connection(const UrlParts& url, std::string key, const Request& request,
                                                   const DownloadLimits& limits, Clock::time_point deadline,
                                                   const std::optional<ProxyInfo>& proxy);

    /// The client TLS context, made at the first https connection.
    boost::asio::ssl::context& tls_context();

    boost::asio::any_io_executor executor_;
    std::shared_ptr<Resolver> resolver_;
    std::shared_ptr<ConnectionPool> pool_;
    HttpHandlerOptions options_;
    std::shared_ptr<boost::asio::ssl::context> tls_context_;
    std::shared_ptr<DownloaderStats> stats_;
};

} // namespace trawl::detail
