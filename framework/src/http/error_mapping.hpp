#pragma once
// Maps the error codes of Asio, Beast, OpenSSL and the resolver onto
// trawl::errc, so that every failed download has one code retry logic and
// stats can match on, and a message that says which phase failed.

#include <trawl/download_result.hpp>

#include <boost/system/error_code.hpp>

#include <string>

namespace trawl::detail {

/// The phase of a download an error happened in.
enum class Phase { resolve, connect, tls_handshake, write_request, read_header, read_body, decode };

const char* phase_name(Phase phase) noexcept;

/// The trawl::errc for `ec` raised in `phase`. Beast's timeout becomes
/// connect_timeout or read_timeout by phase, or timed_out when the total
/// deadline was the one that expired (`total_deadline_hit`).
boost::system::error_code to_trawl_error(boost::system::error_code ec, Phase phase,
                                         bool total_deadline_hit = false);

/// A DownloadError for `ec` in `phase` against `where` ("127.0.0.1:8080"):
/// "connect to 127.0.0.1:8080: connection refused".
DownloadError make_download_error(boost::system::error_code ec, Phase phase, const std::string& where,
                                  const std::string& url, bool total_deadline_hit = false);

} // namespace trawl::detail
