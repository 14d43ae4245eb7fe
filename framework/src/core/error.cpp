#include <trawl/error.hpp>

#include <string>

namespace trawl {
namespace {

class TrawlErrorCategory final : public boost::system::error_category {
public:
    const char* name() const noexcept override { return "trawl"; }

    std::string message(int value) const override
    {
        switch (static_cast<errc>(value)) {
        case errc::timed_out: return "download timed out";
        case errc::connect_timeout: return "connect timed out";
        case errc::read_timeout: return "read timed out (no data received)";
        case errc::dns_not_found: return "host name not found";
        case errc::dns_failure: return "DNS lookup failed";
        case errc::connection_refused: return "connection refused";
        case errc::connection_reset: return "connection reset by peer";
        case errc::host_unreachable: return "host unreachable";
        case errc::tls_handshake: return "TLS handshake failed";
        case errc::tls_certificate: return "TLS certificate verification failed";
        case errc::bad_response: return "malformed HTTP response";
        case errc::header_too_large: return "response header too large";
        case errc::body_too_large: return "response body larger than the maximum size";
        case errc::partial_message: return "response body ended early";
        case errc::decode_error: return "corrupt compressed body";
        case errc::unsupported_encoding: return "unsupported content encoding";
        case errc::invalid_url: return "invalid URL";
        case errc::unsupported_scheme: return "unsupported URL scheme";
        case errc::file_not_found: return "file not found";
        case errc::cancelled: return "cancelled";
        case errc::internal_error: return "internal error";
        case errc::http_status: return "HTTP status code is not handled or not allowed";
        case errc::invalid_header: return "a request header name or value holds CR, LF, NUL or (in a name) ':'";
        }
        return "unknown trawl error";
    }
};

} // namespace

const boost::system::error_category& error_category() noexcept
{
    static const TrawlErrorCategory category;
    return category;
}

bool is_timeout(const boost::system::error_code& ec) noexcept
{
    return ec == errc::timed_out || ec == errc::connect_timeout || ec == errc::read_timeout;
}

} // namespace trawl
