#include "http/http_exchange.hpp"

#include "codec/content_decoder.hpp"
#include "http/error_mapping.hpp"

#include <trawl/error.hpp>
#include <trawl/log.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/write.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>

#include <boost/system/result.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <array>

namespace trawl::detail {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

bool arm_deadline(beast::tcp_stream& stream, std::chrono::nanoseconds phase, Clock::time_point total)
{
    const auto phase_end = Clock::now() + phase;
    if (total <= phase_end) {
        stream.expires_at(total);
        return true;
    }
    stream.expires_at(phase_end);
    return false;
}

namespace {

const Logger logger{"trawl.core.downloader"};

using ExchangeResult = boost::system::result<ExchangeOutput, ExchangeFailure>;

constexpr std::size_t read_buffer_size = 32 * 1024;
constexpr std::size_t max_body_reserve = 8 * 1024 * 1024;

// A header name or value that would end the line early or split it: sent
// as it is, it would inject headers (or a second request) of its own.
// Whether a byte of `s` is below 0x0E, where CR, LF and NUL are: eight
// bytes at a time (the classic "has less" word test, exact for n <= 128),
// as every header value of every request is checked.
bool has_byte_below_0e(std::string_view s) noexcept
{
    constexpr std::uint64_t ones = 0x0101010101010101ULL;
    constexpr std::uint64_t highs = 0x8080808080808080ULL;
    std::size_t i = 0;
    for (; i + 8 <= s.size(); i += 8) {
        std::uint64_t word = 0;
        std::memcpy(&word, s.data() + i, 8);
        if (((word - ones * 0x0E) & ~word & highs) != 0) {
            return true;
        }
    }
    for (; i < s.size(); ++i) {
        if (static_cast<unsigned char>(s[i]) < 0x0E) {
            return true;
        }
    }
    return false;
}

bool writable_header(std::string_view name, std::string_view value)
{
    const auto breaks_line = [](char c) { return c == '\r' || c == '\n' || c == '\0'; };
    return !name.empty() &&
           std::none_of(name.begin(), name.end(), [&](char c) { return breaks_line(c) || c == ':' || c == ' '; }) &&
           (!has_byte_below_0e(value) || std::none_of(value.begin(), value.end(), breaks_line));
}

void append_field(std::string& out, std::string_view name, std::string_view value)
{
    out.append(name);
    out.append(": ");
    out.append(value);
    out.append("\r\n");
}

// The request head and body as bytes. Written by hand rather than with
// Beast's serializer, which walks a chain of small buffers per field and
// cost more than the rest of the request's handling on the loop. Fails
// with errc::invalid_header for a field that would break the message.
boost::system::result<std::string> serialize_request(const Request& request, const UrlParts& url,
                                                     const DownloadLimits& limits, const ExchangeRoute& route)
{
    const bool has_body = !request.body.empty() || request.method == "POST" || request.method == "PUT" ||
                          request.method == "PATCH";
    std::string_view host = url.host_header;
    bool has_accept_encoding = false;
    for (const auto& [name, value] : request.headers) {
        if (!writable_header(name, value)) {
            return make_error_code(errc::invalid_header);
        }
        if (iequals(name, "host")) {
            host = value;  // the request's own Host wins
        }
        has_accept_encoding = has_accept_encoding || iequals(name, "accept-encoding");
    }
    if (!writable_header("Host", host) || !writable_header(request.method, "")) {
        return make_error_code(errc::invalid_header);
    }

    std::string out;
    out.reserve(256 + url.target.size() + request.body.size());
    out.append(request.method);
    out.push_back(' ');
    if (route.absolute_form) {
        out.append(url.scheme).append("://").append(url.host_header);
    }
    out.append(url.target);
    out.append(" HTTP/1.1\r\n");
    append_field(out, "Host", host);
    for (const auto& [name, value] : request.headers) {
        // Host is written above; proxy credentials only ever come from the
        // route; the body's length is ours to state.
        if (iequals(name, "host") || iequals(name, "proxy-authorization") ||
            (has_body && (iequals(name, "content-length") || iequals(name, "transfer-encoding")))) {
            continue;
        }
        append_field(out, name, value);
    }
    if (!route.proxy_authorization.empty()) {
        append_field(out, "Proxy-Authorization", route.proxy_authorization);
    }
    if (limits.decompress && !has_accept_encoding) {
        append_field(out, "Accept-Encoding", supported_accept_encoding());
    }
    if (has_body) {
        append_field(out, "Content-Length", std::to_string(request.body.size()));
    }
    out.append("\r\n");
    out.append(request.body);
    return out;
}

Headers to_headers(const http::fields& fields)
{
    Headers headers;
    for (const auto& field : fields) {
        headers.add(std::string(field.name_string()), std::string(field.value()));
    }
    return headers;
}

template <class Stream>
net::awaitable<ExchangeResult> exchange_on(Stream& stream, Connection& connection, const Request& request,
                                           const UrlParts& url, const DownloadLimits& limits,
                                           Clock::time_point deadline, std::size_t max_header_size,
                                           const ExchangeRoute& route)
{
    auto& tcp = connection.tcp();
    auto fail = [&](boost::system::error_code ec, Phase phase, bool total_hit, bool nothing_received = false) {
        return ExchangeResult{boost::system::in_place_error,
                              ExchangeFailure{make_download_error(ec, phase, connection.peer, request.url, total_hit),
                                              nothing_received}};
    };

    // 1. The request. Writing is bounded by the read timeout: a server that
    //    stops reading is as stuck as one that stops sending.
    auto message = serialize_request(request, url, limits, route);
    if (!message) {
        co_return fail(message.error(), Phase::write_request, false);
    }
    bool total_hit = arm_deadline(tcp, limits.read_timeout, deadline);
    if (auto [ec, n] = co_await net::async_write(stream, net::buffer(*message), net::as_tuple(net::use_awaitable)); ec) {
        co_return fail(ec, Phase::write_request, total_hit, true);
    }

    // 2. The head. Beast reads into the connection's buffer no more than its
    //    free capacity, at least 512 bytes: without room reserved a 20 KB page
    //    takes ~50 recv calls. Idle connections give the room back (keep_alive).
    connection.buffer.reserve(read_buffer_size);
    // The parser counts the body limit itself after decoding,
    //    so its own limit is off; the head is capped.
    http::response_parser<http::buffer_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(max_header_size));
    parser.body_limit(boost::none);
    if (request.method == "HEAD") {
        parser.skip(true);  // a HEAD response has headers but no body
    }
    total_hit = arm_deadline(tcp, limits.read_timeout, deadline);
    if (auto [ec, n] = co_await http::async_read_header(stream, connection.buffer, parser,
                                                         net::as_tuple(net::use_awaitable));
        ec) {
        co_return fail(ec, Phase::read_header, total_hit, ec == http::error::end_of_stream);
    }

    ExchangeOutput out;
    out.head_received = Clock::now();
    const auto& head = parser.get();
    out.status = static_cast<int>(head.result_int());
    out.protocol = head.version() == 10 ? "HTTP/1.0" : "HTTP/1.1";
    out.headers = to_headers(head.base());

    // 3. A declared length over the limit fails before reading any of it
    //    (only when undecoded: a compressed length says nothing of the result).
    // A caller that can use a prefix of the body (robots.txt: RFC 9309 2.5)
    // sets meta "download_truncate": a body over the limit is then cut there
    // and flagged "truncated" instead of failing.
    const auto truncate_meta = request.meta.find("download_truncate");
    const bool truncate = limits.maxsize > 0 && truncate_meta != request.meta.end() &&
                          truncate_meta->value().is_bool() && truncate_meta->value().get_bool();
    auto content_encoding = head[http::field::content_encoding];
    if (!truncate && limits.maxsize > 0 && content_encoding.empty() && parser.content_length() &&
        *parser.content_length() > limits.maxsize) {
        co_return ExchangeResult{
            boost::system::in_place_error,
            ExchangeFailure{DownloadError{errc::body_too_large,
                                          fmt::format("response from {} declares {} bytes, over the maximum of {}",
                                                      connection.peer, *parser.content_length(), limits.maxsize),
                                          request.url}}};
    }

    // 4. The decoder: a pass-through when not encoded, so the limit is counted
    //    the same way. An encoding we cannot decode leaves the body as it came
    //    (with its Content-Encoding), as Scrapy does.
    DecoderLimits decoder_limits{.max_output = limits.maxsize};
    bool decoding = limits.decompress && !content_encoding.empty();
    auto decoder = make_content_decoder(decoding ? std::string_view(content_encoding) : std::string_view{},
                                        decoder_limits);
    if (!decoder) {
        decoding = false;
        decoder = make_content_decoder({}, decoder_limits);
    }

    // A declared length sizes the body once instead of growing it by
    // doubling (a copy each time); only up to a bound, as the length is the
    // server's word.
    if (!decoding && parser.content_length()) {
        out.body.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(*parser.content_length(), max_body_reserve)));
    }

    // 5. The body, a buffer at a time. Each read may wait at most the read
    //    timeout, so a server that trickles bytes still meets the total one.
    std::array<char, 32 * 1024> chunk;
    bool warned = false;
    bool truncated = false;
    while (!parser.is_done()) {
        parser.get().body().data = chunk.data();
        parser.get().body().size = chunk.size();
        total_hit = arm_deadline(tcp, limits.read_timeout, deadline);
        auto [ec, n] = co_await http::async_read(stream, connection.buffer, parser, net::as_tuple(net::use_awaitable));
        if (ec == http::error::need_buffer) {
            ec = {};
        }
        if (ec == net::ssl::error::stream_truncated && parser.need_eof()) {
            // A close-delimited body over TLS whose server skipped close_notify:
            // the usual case on the web; the body ends at the close.
            ec = {};
            parser.put_eof(ec);
        }
        if (ec) {
            co_return fail(ec, Phase::read_body, total_hit);
        }
        const std::size_t received = chunk.size() - parser.get().body().size;
        out.wire_bytes += received;
        if (auto dec = (*decoder)->decode({chunk.data(), received}, out.body); dec) {
            if (truncate && dec == make_error_code(errc::body_too_large)) {
                truncated = true;
                break;
            }
            co_return fail(dec, Phase::decode, false);
        }
        if (!warned && limits.warnsize > 0 && (*decoder)->total_output() > limits.warnsize) {
            warned = true;
            out.flags.emplace_back("warnsize");
            logger.warning("{}: response size over the warning size of {} bytes", request.url, limits.warnsize);
        }
    }
    if (truncated) {
        out.body.resize(std::min(out.body.size(), limits.maxsize));
        out.flags.emplace_back("truncated");
    } else if (auto dec = (*decoder)->finish(out.body); dec) {
        co_return fail(dec, Phase::decode, false);
    }
    if (decoding) {
        // The body is now plain: the headers must say so, as Scrapy's
        // HttpCompressionMiddleware leaves them.
        out.headers.erase("Content-Encoding");
        out.headers.erase("Content-Length");
        out.flags.emplace_back("decompressed");
    }
    // A truncated body was left partly unread: the connection cannot carry
    // another request.
    out.keep_alive = !truncated && parser.keep_alive();
    tcp.expires_never();
    co_return out;
}

} // namespace

net::awaitable<ExchangeResult> exchange(Connection& connection, const Request& request, const UrlParts& url,
                                        const DownloadLimits& limits, Clock::time_point deadline,
                                        std::size_t max_header_size, const ExchangeRoute& route)
{
    if (connection.tls) {
        co_return co_await exchange_on(*connection.tls, connection, request, url, limits, deadline, max_header_size,
                                       route);
    }
    co_return co_await exchange_on(*connection.plain, connection, request, url, limits, deadline, max_header_size,
                                   route);
}

} // namespace trawl::detail
