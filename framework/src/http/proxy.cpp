#include "http/proxy.hpp"

#include "http/error_mapping.hpp"

#include <trawl/basic_auth.hpp>
#include <trawl/error.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include <openssl/evp.h>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace trawl::detail {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

std::string lower(std::string_view s)
{
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::string bracketed(const std::string& host, std::uint16_t port)
{
    return host.find(':') != std::string::npos ? fmt::format("[{}]:{}", host, port) : fmt::format("{}:{}", host, port);
}

std::string short_digest(std::string_view text)
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    if (EVP_Digest(text.data(), text.size(), digest, &size, EVP_sha256(), nullptr) != 1) {
        size = 0;
    }
    std::string hex;
    for (unsigned int i = 0; i < std::min(size, 8u); ++i) {
        hex += fmt::format("{:02x}", digest[i]);
    }
    return hex;
}

} // namespace

std::string ProxyInfo::display() const { return bracketed(host, port); }

std::string ProxyInfo::pool_key() const
{
    auto key = "http://" + display();
    if (!authorization.empty()) {
        key += '#' + short_digest(authorization);
    }
    return key;
}

std::string basic_proxy_authorization(std::string_view user, std::string_view password)
{
    return "Basic " + basic_auth_credentials(user, password);
}

boost::system::result<std::optional<ProxyInfo>> proxy_for(const Request& request)
{
    auto it = request.meta.find("proxy");
    if (it == request.meta.end() || it->value().is_null()) {
        return std::optional<ProxyInfo>{};
    }
    const auto* text = it->value().if_string();
    if (text == nullptr) {
        return boost::system::error_code{errc::invalid_url};
    }
    if (text->empty()) {
        return std::optional<ProxyInfo>{};
    }
    std::string spelled(*text);
    if (spelled.find("://") == std::string::npos) {
        spelled = "http://" + spelled;  // as curl and Python's urllib read "host:port"
    }
    auto parsed = boost::urls::parse_uri(spelled);
    if (!parsed) {
        return boost::system::error_code{errc::invalid_url};
    }
    const boost::urls::url_view& u = *parsed;
    if (lower(u.scheme()) != "http") {
        return boost::system::error_code{errc::unsupported_scheme};
    }
    if (!u.has_authority() || u.encoded_host().empty()) {
        return boost::system::error_code{errc::invalid_url};
    }
    ProxyInfo proxy;
    switch (u.host_type()) {
    case boost::urls::host_type::ipv6: proxy.host = lower(u.host_ipv6_address().to_string()); break;
    case boost::urls::host_type::ipvfuture: return boost::system::error_code{errc::invalid_url};
    default: proxy.host = lower(u.host());
    }
    proxy.port = 80;
    if (u.has_port() && !u.port().empty()) {
        auto digits = u.port();
        unsigned value = 0;
        auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
        if (ec != std::errc{} || end != digits.data() + digits.size() || value == 0 || value > 65535) {
            return boost::system::error_code{errc::invalid_url};
        }
        proxy.port = static_cast<std::uint16_t>(value);
    }
    if (auto header = request.headers.get("Proxy-Authorization"); header && !header->empty()) {
        proxy.authorization = std::string(*header);
    } else if (u.has_userinfo()) {
        proxy.authorization = basic_proxy_authorization(u.user(), u.password());
    }
    return std::optional<ProxyInfo>{std::move(proxy)};
}

net::awaitable<boost::system::result<void, DownloadError>>
open_tunnel(beast::tcp_stream& stream, ProxyInfo proxy, UrlParts target, std::string url,
            std::chrono::steady_clock::time_point deadline, bool total_binds)
{
    const std::string authority = bracketed(target.host, target.port);
    const std::string where = fmt::format("{} through proxy {}", authority, proxy.display());
    using Result = boost::system::result<void, DownloadError>;

    http::request<http::empty_body> connect{http::verb::connect, authority, 11};
    connect.set(http::field::host, authority);
    if (!proxy.authorization.empty()) {
        connect.set(http::field::proxy_authorization, proxy.authorization);
    }
    stream.expires_at(deadline);
    if (auto [ec, n] = co_await http::async_write(stream, connect, net::as_tuple(net::use_awaitable)); ec) {
        co_return Result{boost::system::in_place_error, make_download_error(ec, Phase::connect, where, url, total_binds)};
    }

    // The answer to CONNECT has no body when it is 2xx (RFC 9110 9.3.6); any
    // other answer ends the connection, so its body is never read either.
    beast::flat_buffer buffer;
    http::response_parser<http::empty_body> parser;
    parser.skip(true);
    parser.header_limit(16 * 1024);
    auto [ec, n] = co_await http::async_read_header(stream, buffer, parser, net::as_tuple(net::use_awaitable));
    if (ec) {
        co_return Result{boost::system::in_place_error, make_download_error(ec, Phase::connect, where, url, total_binds)};
    }
    const auto& head = parser.get();
    const auto status = head.result_int();
    if (status < 200 || status > 299) {
        auto reason = std::string(head.reason());
        co_return Result{boost::system::in_place_error,
                         DownloadError{errc::connection_refused,
                                       fmt::format("proxy {} refused CONNECT to {}: {}{}{}", proxy.display(),
                                                   authority, status, reason.empty() ? "" : " ", reason),
                                       std::move(url)}};
    }
    if (buffer.size() != 0) {
        // Bytes after the head would be taken for the server's TLS records.
        co_return Result{boost::system::in_place_error,
                         DownloadError{errc::bad_response,
                                       fmt::format("proxy {} sent data after its CONNECT answer for {}",
                                                   proxy.display(), authority),
                                       std::move(url)}};
    }
    stream.expires_never();
    co_return Result{};
}

} // namespace trawl::detail
