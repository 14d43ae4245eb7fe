#pragma once
// The Downloader: turns a Request into a Response through the download
// handler for the URL's scheme, with the timeouts and size limits from the
// settings (overridable per request in meta). It owns the connection pool,
// the DNS resolver and the TLS context, and runs entirely on the event loop
// thread it is given; call it only from that thread.
//
// Per-host politeness (slots, delays) is not its business: the engine's
// slots decide when fetch() is called. The pool's per-host and total caps
// only bound open connections.

#include <trawl/download_handler.hpp>
#include <trawl/download_result.hpp>
#include <trawl/request.hpp>
#include <trawl/settings.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <memory>
#include <string>

namespace trawl {

/// Counters for telemetry; read on the loop thread.
struct DownloaderStats {
    std::uint64_t requests = 0;             ///< fetch() calls
    std::uint64_t responses = 0;
    std::uint64_t failures = 0;
    std::uint64_t bytes_received = 0;       ///< on the wire, before decoding
    std::uint64_t bytes_decoded = 0;        ///< body bytes after decoding
    std::uint64_t connections_opened = 0;
    std::uint64_t connections_reused = 0;   ///< requests served on a kept-alive connection
    std::uint64_t connections_dropped = 0;  ///< closed by error or the peer mid-use
    std::uint64_t connections_open = 0;     ///< now: active + idle
    std::uint64_t connections_active = 0;   ///< now
    std::uint64_t dns_lookups = 0;
    std::uint64_t dns_cache_hits = 0;
    std::uint64_t dns_failures = 0;
};

class Downloader {
public:
    /// Reads every DOWNLOAD_*, DNS_*, COMPRESSION_ENABLED and pool setting.
    /// Raises the soft open-file limit to the hard one and caps open
    /// connections below it. Throws SettingsError for an invalid setting
    /// (e.g. DOWNLOAD_HANDLERS naming an unknown handler, an unreadable
    /// DOWNLOAD_TLS_CA_FILE).
    Downloader(boost::asio::any_io_executor executor, const Settings& settings);
    ~Downloader();
    Downloader(const Downloader&) = delete;
    Downloader& operator=(const Downloader&) = delete;

    /// Downloads one request. Never throws for network failures; an invalid
    /// URL or unsupported scheme is a DownloadError too.
    boost::asio::awaitable<DownloadResult> fetch(Request request);

    /// Replaces or adds the handler for a URL scheme (lower case).
    void set_handler(std::string scheme, std::shared_ptr<DownloadHandler> handler);

    /// The limits a request would get: settings, then its meta.
    DownloadLimits limits_for(const Request& request) const;

    DownloaderStats stats() const;

    /// Closes idle connections and the resolver. In-flight downloads end
    /// when their callers cancel them.
    void close();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace trawl
