#pragma once
// The outcome of one download: a Response, or a DownloadError that says what
// failed (an errc code, or the underlying system/TLS code) and a one-line
// human reason naming where.

#include <trawl/error.hpp>
#include <trawl/response.hpp>

#include <boost/system/result.hpp>

#include <string>

namespace trawl {

struct DownloadError {
    boost::system::error_code code;
    std::string message;  ///< one line: what failed and where, e.g. "connect to 127.0.0.1:81: connection refused"
    std::string url;

    /// "URL: message"
    std::string what() const { return url.empty() ? message : url + ": " + message; }
};

/// Thrown by DownloadResult::value() when the download failed.
class DownloadFailed : public boost::system::system_error {
public:
    explicit DownloadFailed(const DownloadError& e) : system_error(e.code, e.what()) {}
};

[[noreturn]] inline void throw_exception_from_error(const DownloadError& e, const boost::source_location&)
{
    throw DownloadFailed(e);
}

using DownloadResult = boost::system::result<Response, DownloadError>;

} // namespace trawl
