#pragma once
// trawl's error codes: every failed download ends with one of these, whatever
// layer it failed in (DNS, TCP, TLS, HTTP parsing, decompression, limits), so
// that retry logic and stats can match on one category.

#include <boost/system/error_code.hpp>

#include <type_traits>

namespace trawl {

enum class errc {
    // Time limits. Each cancels the operation and frees its connection slot.
    timed_out = 1,        ///< DOWNLOAD_TIMEOUT: the whole download took too long
    connect_timeout,      ///< DOWNLOAD_CONNECT_TIMEOUT: TCP connect + TLS handshake
    read_timeout,         ///< DOWNLOAD_READ_TIMEOUT: no byte arrived for too long

    // Name resolution.
    dns_not_found,        ///< the name does not exist (NXDOMAIN / no address)
    dns_failure,          ///< the resolver failed (server error, refused, timeout)

    // Connection.
    connection_refused,   ///< nothing listens on that port
    connection_reset,     ///< the peer reset or closed the connection early
    host_unreachable,     ///< no route / network unreachable
    tls_handshake,        ///< the TLS handshake failed
    tls_certificate,      ///< the peer's certificate did not verify

    // The response.
    bad_response,         ///< malformed HTTP: the parser rejected it
    header_too_large,     ///< the response head exceeded the header size limit
    body_too_large,       ///< DOWNLOAD_MAXSIZE exceeded (counted after decompression)
    partial_message,      ///< the body ended before its declared length
    decode_error,         ///< corrupt compressed body
    unsupported_encoding, ///< Content-Encoding we cannot decode

    // The request.
    invalid_url,          ///< the URL does not parse or has no host
    unsupported_scheme,   ///< no download handler for the URL's scheme
    file_not_found,       ///< file:// target missing or unreadable
    cancelled,            ///< the crawl was shut down while this was in flight
    internal_error,       ///< a bug: a component threw; the message has its text

    // After the download.
    http_status,          ///< the httperror spider middleware refused the response's status

    // The request, found while writing it.
    invalid_header,       ///< a request header's name or value holds CR, LF or NUL (or the name is empty or has ':')
};

/// The category of trawl::errc; its name is "trawl".
const boost::system::error_category& error_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept
{
    return {static_cast<int>(e), error_category()};
}

/// True for the time-limit codes (timed_out, connect_timeout, read_timeout).
bool is_timeout(const boost::system::error_code& ec) noexcept;

} // namespace trawl

template <>
struct boost::system::is_error_code_enum<trawl::errc> : std::true_type {};
