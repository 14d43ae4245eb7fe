#pragma once
// Download counters (priority 850; Scrapy's DownloaderStats), under Scrapy's
// names: downloader/request_count, downloader/request_method_count/<METHOD>,
// downloader/request_bytes, downloader/response_count,
// downloader/response_status_count/<N>, downloader/response_bytes,
// downloader/exception_count, downloader/exception_type_count/<errc name>.
// Byte counts are Scrapy's estimates of the HTTP/1.1 message (request line,
// Host, headers, body; status line, headers, body after decoding), not
// what went over the wire. NotConfigured when DOWNLOADER_STATS is false.

#include <trawl/downloader_middleware.hpp>

#include <cstddef>
#include <memory>

namespace trawl {
class Stats;
} // namespace trawl

namespace trawl::middlewares {

class DownloaderStats final : public DownloaderMiddleware {
public:
    static std::unique_ptr<DownloaderStats> from_crawler(Crawler& crawler);
    explicit DownloaderStats(Stats& stats) : stats_(stats) {}

    HookSet hooks() const override { return Hook::request | Hook::response | Hook::exception; }
    boost::asio::awaitable<RequestAction> process_request(Request& request) override;
    boost::asio::awaitable<ResponseAction> process_response(const Request& request, Response response) override;
    boost::asio::awaitable<ExceptionAction> process_exception(const Request& request, DownloadError error) override;

    /// Scrapy's len(request_httprepr(request)).
    static std::size_t request_size(const Request& request);
    /// Scrapy's estimate of a response's size.
    static std::size_t response_size(const Response& response);

private:
    Stats& stats_;
};

} // namespace trawl::middlewares
