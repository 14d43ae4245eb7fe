#include "downloader/downloader_stats.hpp"
#include "downloader/ascii_case.hpp"

#include "downloader/error_names.hpp"
#include "downloader/http_status.hpp"
#include "downloader/url_origin.hpp"

#include <trawl/crawler.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <string>

namespace trawl::middlewares {

namespace {

// The path, parameters and query of a URL ("/" if it has no path), as
// Scrapy's request_httprepr puts them in the request line.
std::size_t request_target_size(std::string_view url)
{
    url = url.substr(0, url.find('#'));
    if (auto scheme_end = url.find("://"); scheme_end != std::string_view::npos) {
        auto rest = url.substr(scheme_end + 3);
        auto path_start = find_any<'/', '?'>(rest);
        rest = path_start == std::string_view::npos ? std::string_view{} : rest.substr(path_start);
        // Scrapy supplies "/" for an empty path, also before a query.
        return rest.starts_with("/") ? rest.size() : 1 + rest.size();
    }
    // No authority (data:, file:path): the part after the scheme.
    if (auto colon = url.find(':'); colon != std::string_view::npos) {
        url.remove_prefix(colon + 1);
    }
    return url.empty() ? 1 : url.size();
}

// Scrapy's Headers.to_string(): "Name: v1\r\nName: v2\r\n..." without the
// last CRLF.
std::size_t headers_size(const Headers& headers)
{
    std::size_t size = 0;
    for (const auto& [name, value] : headers) {
        size += name.size() + 2 + value.size() + 2;
    }
    return size == 0 ? 0 : size - 2;
}

} // namespace

std::unique_ptr<DownloaderStats> DownloaderStats::from_crawler(Crawler& crawler)
{
    if (!crawler.settings().get_bool("DOWNLOADER_STATS", true)) {
        throw NotConfigured("DOWNLOADER_STATS is false");
    }
    return std::make_unique<DownloaderStats>(crawler.stats());
}

std::size_t DownloaderStats::request_size(const Request& request)
{
    // METHOD SP target SP "HTTP/1.1" CRLF "Host: " host CRLF [headers CRLF] CRLF body
    std::size_t size = request.method.size() + 1 + request_target_size(request.url) + 11;
    size += 6 + url_origin(request.url).host.size() + 2;
    if (!request.headers.empty()) {
        size += headers_size(request.headers) + 2;
    }
    return size + 2 + request.body.size();
}

std::size_t DownloaderStats::response_size(const Response& response)
{
    // Scrapy: body + header fields (": " between name and each value, CRLF
    // between names) + status line (reason + 15) + 4.
    // Distinct names counted without a set: a response has a few dozen
    // fields at most, and this runs for every response.
    std::size_t fields = 0;
    std::size_t names = 0;
    const auto& headers = response.headers();
    for (auto it = headers.begin(); it != headers.end(); ++it) {
        const auto& [name, value] = *it;
        fields += 2 + name.size() + value.size();
        bool seen = false;
        for (auto earlier = headers.begin(); earlier != it && !seen; ++earlier) {
            seen = iequals(earlier->first, name);
        }
        names += seen ? 0 : 1;
    }
    const std::size_t separators = names == 0 ? 0 : 2 * (names - 1);
    return response.body().size() + fields + separators + reason_phrase(response.status()).size() + 15 + 4;
}

namespace {

// A stats key with one variable part, formatted on the stack: these run
// for every request and response, and the key only needs a string once,
// when the stats first see it.
class StatKey {
public:
    template <class T>
    StatKey(std::string_view prefix, const T& suffix)
    {
        const auto end = fmt::format_to_n(buffer_.data(), buffer_.size(), "{}{}", prefix, suffix);
        size_ = std::min(end.size, buffer_.size());
    }
    operator std::string_view() const noexcept { return {buffer_.data(), size_}; }

private:
    std::array<char, 96> buffer_;
    std::size_t size_;
};

} // namespace

boost::asio::awaitable<RequestAction> DownloaderStats::process_request(Request& request)
{
    stats_.inc_value("downloader/request_count");
    stats_.inc_value(StatKey{"downloader/request_method_count/", request.method});
    stats_.inc_value("downloader/request_bytes", static_cast<std::int64_t>(request_size(request)));
    RequestAction pass = Continue{};
    co_return pass;
}

boost::asio::awaitable<ResponseAction> DownloaderStats::process_response(const Request&, Response response)
{
    stats_.inc_value("downloader/response_count");
    stats_.inc_value(StatKey{"downloader/response_status_count/", response.status()});
    stats_.inc_value("downloader/response_bytes", static_cast<std::int64_t>(response_size(response)));
    co_return response;
}

boost::asio::awaitable<ExceptionAction> DownloaderStats::process_exception(const Request&, DownloadError error)
{
    stats_.inc_value("downloader/exception_count");
    stats_.inc_value(fmt::format("downloader/exception_type_count/{}", error_name(error.code)));
    ExceptionAction pass = Continue{};
    co_return pass;
}

} // namespace trawl::middlewares
