#pragma once
// A download handler fetches the requests of one URL scheme (http, https,
// file, data; later a browser). The Downloader picks one by the URL's scheme
// from the DOWNLOAD_HANDLERS setting, so a new handler plugs in the same way.

#include <trawl/download_result.hpp>
#include <trawl/request.hpp>

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <string_view>

namespace trawl {

/// The limits of one download, from settings and the request's meta.
struct DownloadLimits {
    /// The whole download (DOWNLOAD_TIMEOUT / meta "download_timeout").
    std::chrono::nanoseconds timeout = std::chrono::seconds{180};
    /// TCP connect plus TLS handshake (DOWNLOAD_CONNECT_TIMEOUT).
    std::chrono::nanoseconds connect_timeout = std::chrono::seconds{30};
    /// Longest gap with no byte received (DOWNLOAD_READ_TIMEOUT).
    std::chrono::nanoseconds read_timeout = std::chrono::seconds{60};
    /// Decoded body bytes allowed; 0 = no limit (DOWNLOAD_MAXSIZE / meta "download_maxsize").
    std::size_t maxsize = 0;
    /// Decoded body size that logs a warning and flags the response; 0 = none.
    std::size_t warnsize = 0;
    /// Send Accept-Encoding and decode the body (COMPRESSION_ENABLED).
    bool decompress = true;
};

/// The Accept-Encoding value trawl sends when it decodes bodies (the
/// httpcompression middleware sets it on each request, as Scrapy's does;
/// the HTTP handler adds it to requests that have none): "gzip, deflate,
/// br, zstd": every coding the decoder knows.
inline std::string_view supported_accept_encoding() noexcept { return "gzip, deflate, br, zstd"; }

class DownloadHandler {
public:
    virtual ~DownloadHandler() = default;

    /// Downloads `request`. Network and protocol failures are returned as a
    /// DownloadError, never thrown. The handler must honour the limits'
    /// connect and read timeouts; the Downloader enforces the total one, and
    /// cancels the operation (Asio per-operation cancellation) when it
    /// passes, so a handler must release what it holds when cancelled.
    /// Runs on the downloader's event loop thread; must not block it.
    virtual boost::asio::awaitable<DownloadResult> download(Request request, DownloadLimits limits) = 0;

    /// Closes idle resources (keep-alive connections). Called once at shutdown.
    virtual void close() {}
};

} // namespace trawl
