#pragma once
// One HTTP/1.1 request and response on an open connection: write the
// request, read the head, stream the body through the content decoder,
// each phase under its own deadline.

#include "http/connection.hpp"
#include "http/url_parts.hpp"

#include <trawl/download_handler.hpp>
#include <trawl/download_result.hpp>
#include <trawl/headers.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>

#include <chrono>
#include <string>
#include <vector>

namespace trawl::detail {

using Clock = std::chrono::steady_clock;

/// Arms `stream` for a phase lasting at most `phase`, but never past
/// `total`. Returns true when `total` is the binding one, so that an expiry
/// is reported as the whole download timing out rather than the phase.
bool arm_deadline(boost::beast::tcp_stream& stream, std::chrono::nanoseconds phase, Clock::time_point total);

struct ExchangeOutput {
    int status = 0;
    std::string protocol;  ///< "HTTP/1.1" or "HTTP/1.0"
    Headers headers;
    std::string body;      ///< decoded
    bool keep_alive = false;
    std::uint64_t wire_bytes = 0;  ///< body bytes as received
    std::vector<std::string> flags;
    Clock::time_point head_received;  ///< when the status line and headers were in
};

struct ExchangeFailure {
    DownloadError error;
    /// Nothing of a response arrived: on a reused keep-alive connection
    /// this means the server had closed it meanwhile, so a retry on a fresh
    /// connection is safe.
    bool nothing_received = false;
};

[[noreturn]] inline void throw_exception_from_error(const ExchangeFailure& f, const boost::source_location& loc)
{
    throw_exception_from_error(f.error, loc);
}

/// How the request is addressed: origin-form straight to the server or
/// through a CONNECT tunnel, absolute-form to a forward proxy.
struct ExchangeRoute {
    /// Send the request line in absolute-form (GET http://host/path): the
    /// connection goes to a forward proxy that fetches the URL itself.
    bool absolute_form = false;
    /// The Proxy-Authorization value to send; empty: none. A request's own
    /// Proxy-Authorization header is never sent as it is: it is for the
    /// proxy, and must not reach a server (nor the end of a tunnel).
    std::string proxy_authorization;
};

boost::asio::awaitable<boost::system::result<ExchangeOutput, ExchangeFailure>>
exchange(Connection& connection, const Request& request, const UrlParts& url, const DownloadLimits& limits,
         Clock::time_point deadline, std::size_t max_header_size, const ExchangeRoute& route = {});

} // namespace trawl::detail
