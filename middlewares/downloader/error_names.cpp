#include "downloader/error_names.hpp"

#include <trawl/error.hpp>

#include <fmt/format.h>

namespace trawl::middlewares {

namespace {

const char* errc_name(errc e) noexcept
{
    switch (e) {
    case errc::timed_out: return "timed_out";
    case errc::connect_timeout: return "connect_timeout";
    case errc::read_timeout: return "read_timeout";
    case errc::dns_not_found: return "dns_not_found";
    case errc::dns_failure: return "dns_failure";
    case errc::connection_refused: return "connection_refused";
    case errc::connection_reset: return "connection_reset";
    case errc::host_unreachable: return "host_unreachable";
    case errc::tls_handshake: return "tls_handshake";
    case errc::tls_certificate: return "tls_certificate";
    case errc::bad_response: return "bad_response";
    case errc::header_too_large: return "header_too_large";
    case errc::body_too_large: return "body_too_large";
    case errc::partial_message: return "partial_message";
    case errc::decode_error: return "decode_error";
    case errc::unsupported_encoding: return "unsupported_encoding";
    case errc::invalid_url: return "invalid_url";
    case errc::unsupported_scheme: return "unsupported_scheme";
    case errc::file_not_found: return "file_not_found";
    case errc::cancelled: return "cancelled";
    case errc::internal_error: return "internal_error";
    case errc::http_status: return "http_status";
    case errc::invalid_header: return "invalid_header";
    }
    return nullptr;  // a value added to errc and not here
}

} // namespace

std::string error_name(const boost::system::error_code& code)
{
    if (code.category() == error_category()) {
        if (const char* name = errc_name(static_cast<errc>(code.value()))) {
            return name;
        }
    }
    // The portable condition: "generic:104" whether the handler passed on
    // an errno, an Asio code or a std::error_code.
    const auto condition = code.default_error_condition();
    return fmt::format("{}:{}", condition.category().name(), condition.value());
}

} // namespace trawl::middlewares
