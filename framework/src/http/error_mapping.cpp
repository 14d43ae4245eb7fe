#include "http/error_mapping.hpp"

#include <trawl/error.hpp>

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <fmt/format.h>

namespace trawl::detail {

namespace net = boost::asio;
namespace http = boost::beast::http;

const char* phase_name(Phase phase) noexcept
{
    switch (phase) {
    case Phase::resolve: return "resolve";
    case Phase::connect: return "connect to";
    case Phase::tls_handshake: return "TLS handshake with";
    case Phase::write_request: return "send request to";
    case Phase::read_header: return "read response head from";
    case Phase::read_body: return "read body from";
    case Phase::decode: return "decode body from";
    }
    return "download from";
}

namespace {

bool is_certificate_failure(const boost::system::error_code& ec)
{
    return ec.category() == net::error::get_ssl_category() &&
           ERR_GET_REASON(static_cast<unsigned long>(ec.value())) == SSL_R_CERTIFICATE_VERIFY_FAILED;
}

boost::system::error_code map_timeout(Phase phase, bool total_deadline_hit)
{
    if (total_deadline_hit) {
        return errc::timed_out;
    }
    switch (phase) {
    case Phase::connect:
    case Phase::tls_handshake: return errc::connect_timeout;
    case Phase::resolve: return errc::timed_out;
    default: return errc::read_timeout;
    }
}

} // namespace

boost::system::error_code to_trawl_error(boost::system::error_code ec, Phase phase, bool total_deadline_hit)
{
    if (ec.category() == trawl::error_category()) {
        return ec;
    }
    if (ec == boost::beast::error::timeout) {
        return map_timeout(phase, total_deadline_hit);
    }
    if (ec == net::error::operation_aborted) {
        return total_deadline_hit ? boost::system::error_code{errc::timed_out}
                                  : boost::system::error_code{errc::cancelled};
    }
    if (ec == net::error::connection_refused) {
        return errc::connection_refused;
    }
    if (ec == net::error::host_unreachable || ec == net::error::network_unreachable) {
        return errc::host_unreachable;
    }
    if (phase == Phase::tls_handshake) {
        return is_certificate_failure(ec) ? errc::tls_certificate : errc::tls_handshake;
    }
    if (ec == net::error::connection_reset || ec == net::error::broken_pipe || ec == net::error::eof ||
        ec == http::error::end_of_stream || ec == net::ssl::error::stream_truncated ||
        ec == net::error::connection_aborted) {
        return errc::connection_reset;
    }
    if (ec == http::error::partial_message) {
        return errc::partial_message;
    }
    if (ec == http::error::header_limit) {
        return errc::header_too_large;
    }
    if (ec == http::error::body_limit) {
        return errc::body_too_large;
    }
    if (ec.category() == make_error_code(http::error::end_of_stream).category() ||
        (ec.category() == net::error::get_ssl_category() && phase != Phase::connect)) {
        return errc::bad_response;
    }
    return ec;  // keep the system code: its message is the most precise
}

DownloadError make_download_error(boost::system::error_code ec, Phase phase, const std::string& where,
                                  const std::string& url, bool total_deadline_hit)
{
    auto code = to_trawl_error(ec, phase, total_deadline_hit);
    std::string detail = code.message();
    // Keep the library's own words where they add something (which
    // certificate check failed, which parser rule broke), unless they only
    // repeat ours ("connection refused (Connection refused)").
    const auto own_words = ec.message();
    if (code != ec && ec != boost::beast::error::timeout && ec != net::error::operation_aborted &&
        !iequals(own_words, detail)) {
        detail += fmt::format(" ({})", own_words);
    }
    return DownloadError{code, fmt::format("{} {}: {}", phase_name(phase), where, detail), url};
}

} // namespace trawl::detail
