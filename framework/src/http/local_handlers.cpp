#include "http/local_handlers.hpp"

#include <trawl/error.hpp>
#include <trawl/url.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/url/parse.hpp>

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <optional>

namespace trawl::detail {

namespace net = boost::asio;

namespace {

// Base64 (RFC 4648, with or without padding; whitespace skipped, as data:
// URLs copied from documents often carry line breaks).
std::optional<std::string> base64_decode(std::string_view in)
{
    std::string out;
    unsigned buffer = 0;
    int bits = 0;
    for (char c : in) {
        int v;
        if (c >= 'A' && c <= 'Z') v = c - 'A';
        else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
        else if (c >= '0' && c <= '9') v = c - '0' + 52;
        else if (c == '+' || c == '-') v = 62;
        else if (c == '/' || c == '_') v = 63;
        else if (c == '=' || c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
        else return std::nullopt;
        buffer = (buffer << 6) | static_cast<unsigned>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((buffer >> bits) & 0xFF);
        }
    }
    return out;
}

DownloadError error(errc code, std::string message, const std::string& url)
{
    return DownloadError{code, std::move(message), url};
}

} // namespace

FileDownloadHandler::FileDownloadHandler(net::any_io_executor blocking_executor)
    : blocking_executor_(std::move(blocking_executor))
{
}

net::awaitable<DownloadResult> FileDownloadHandler::download(Request request, DownloadLimits limits)
{
    auto parsed = boost::urls::parse_uri(request.url);
    if (!parsed || (parsed->has_authority() && !parsed->host().empty() && parsed->host() != "localhost")) {
        co_return error(errc::invalid_url, fmt::format("'{}' is not a local file URL", request.url), request.url);
    }
    std::filesystem::path path = unquote(parsed->encoded_path());

    // Reading a file blocks: do it on the blocking-I/O pool, then resume here.
    auto read = [path, limits, url = request.url]() -> net::awaitable<DownloadResult> {
        std::error_code ec;
        if (!std::filesystem::is_regular_file(path, ec)) {
            co_return error(errc::file_not_found, fmt::format("no such file: {}", path.string()), url);
        }
        const auto size = std::filesystem::file_size(path, ec);
        if (ec) {
            co_return error(errc::file_not_found, fmt::format("cannot read {}: {}", path.string(), ec.message()), url);
        }
        if (limits.maxsize > 0 && size > limits.maxsize) {
            co_return error(errc::body_too_large,
                            fmt::format("{} has {} bytes, over the maximum of {}", path.string(), size, limits.maxsize),
                            url);
        }
        std::ifstream in(path, std::ios::binary);
        std::string body(size, '\0');
        if (!in.read(body.data(), static_cast<std::streamsize>(size))) {
            co_return error(errc::file_not_found, fmt::format("cannot read {}", path.string()), url);
        }
        Response::Data data;
        data.url = url;
        data.status = 200;
        data.body = std::move(body);
        data.protocol = "file";
        co_return Response{std::move(data)};
    };
    // Not forwarded a cancellation: Asio 1.81's co_spawn does that through a
    // pointer that can outlive the read (see engine_scrape.cpp); the total
    // deadline still bounds the download around it.
    auto result = co_await net::co_spawn(blocking_executor_, std::move(read),
                                         net::bind_cancellation_slot(net::cancellation_slot(), net::use_awaitable));
    if (result) {
        // The request travels with the response, as for every handler.
        Response::Data data{result->url(), result->status(), result->headers(), std::string(result->body()),
                            std::move(request), "file", {}, {}, {}};
        co_return Response{std::move(data)};
    }
    co_return result;
}

net::awaitable<DownloadResult> DataDownloadHandler::download(Request request, DownloadLimits limits)
{
    // data:[<mediatype>][;base64],<data>
    std::string_view url = request.url;
    const auto comma = url.find(',');
    if (url.size() < 5 || comma == std::string_view::npos) {
        co_return error(errc::invalid_url, "data: URL without ','", request.url);
    }
    std::string_view meta = url.substr(5, comma - 5);
    const bool is_base64 = meta.size() >= 7 && meta.substr(meta.size() - 7) == ";base64";
    if (is_base64) {
        meta.remove_suffix(7);
    }
    std::string payload = unquote(url.substr(comma + 1));
    std::string body;
    if (is_base64) {
        auto decoded = base64_decode(payload);
        if (!decoded) {
            co_return error(errc::invalid_url, "data: URL with invalid base64", request.url);
        }
        body = std::move(*decoded);
    } else {
        body = std::move(payload);
    }
    if (limits.maxsize > 0 && body.size() > limits.maxsize) {
        co_return error(errc::body_too_large, "data: URL larger than the maximum size", request.url);
    }
    Response::Data data;
    data.url = request.url;
    data.status = 200;
    // RFC 2397: the default media type is text/plain;charset=US-ASCII.
    std::string media_type = unquote(meta);
    if (media_type.empty() || media_type.front() == ';') {
        media_type = "text/plain" + (media_type.empty() ? std::string(";charset=US-ASCII") : media_type);
    }
    data.headers.add("Content-Type", std::move(media_type));
    data.body = std::move(body);
    data.protocol = "data";
    data.request = std::move(request);
    co_return Response{std::move(data)};
}

} // namespace trawl::detail
