#pragma once
// A request's HTTP proxy (meta "proxy", as Scrapy's download handler reads
// it): where to connect, the credentials to present, and the CONNECT tunnel
// that carries an https request.
//
// Credentials are the request's Proxy-Authorization header when it has one
// (the httpproxy middleware moves them there), else the userinfo of the
// proxy URL. They never appear in anything this module returns for display:
// display() is "host:port" and pool_key() carries only a digest.

#include "http/url_parts.hpp"

#include <trawl/download_result.hpp>
#include <trawl/request.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/system/result.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace trawl::detail {

struct ProxyInfo {
    std::string host;  ///< without IPv6 brackets, lower case
    std::uint16_t port = 0;
    /// The Proxy-Authorization value ("Basic ..."); empty without credentials.
    std::string authorization;

    /// "host:port" (IPv6 bracketed): for messages, logs and stats.
    std::string display() const;
    /// The proxy part of a keep-alive pool key: the endpoint plus a digest
    /// of the credentials, so that two users of one proxy never share a
    /// connection and the key reveals neither.
    std::string pool_key() const;
};

/// The proxy `request` goes through: nullopt when meta "proxy" is missing,
/// null or empty. A URL without a scheme ("127.0.0.1:3128") is taken as
/// http://, and a missing port as 80. Errors: trawl::errc::invalid_url
/// (not a string, no host, bad port) and unsupported_scheme (anything but an
/// http:// proxy: TLS to the proxy itself is not supported).
boost::system::result<std::optional<ProxyInfo>> proxy_for(const Request& request);

/// "Basic " + base64(user ":" password), the credentials encoded as
/// Latin-1 when every character fits (Scrapy's HTTPPROXY_AUTH_ENCODING
/// default), else as the UTF-8 they are.
std::string basic_proxy_authorization(std::string_view user, std::string_view password);

/// Asks the proxy on `stream` for a tunnel to `target` (CONNECT host:port)
/// and checks that it answers 2xx, reading under `deadline`. A non-2xx
/// answer fails with trawl::errc::connection_refused and a message naming
/// the proxy and its status ("proxy 127.0.0.1:3128 refused CONNECT to
/// example.com:443: 407 Proxy Authentication Required").
/// `total_binds` says `deadline` is the whole download's.
boost::asio::awaitable<boost::system::result<void, DownloadError>>
open_tunnel(boost::beast::tcp_stream& stream, ProxyInfo proxy, UrlParts target, std::string url,
            std::chrono::steady_clock::time_point deadline, bool total_binds);

} // namespace trawl::detail
