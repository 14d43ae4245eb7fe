#pragma once
// Compression (priority 590; Scrapy's HttpCompressionMiddleware). trawl's
// HTTP handler decodes bodies while downloading (COMPRESSION_ENABLED), so
// that size limits count decoded bytes, and flags such responses
// "decompressed". This middleware does the rest as Scrapy's does: it sets
// Accept-Encoding on each request that has none ("gzip, deflate, br,
// zstd"; so the header is in the request a spider, `fetch --headers` and
// the HTTP cache see), and counts httpcompression/response_count and
// httpcompression/response_bytes (decoded bytes). HEAD responses are not
// counted (Scrapy skips them). NotConfigured when COMPRESSION_ENABLED is
// false.

#include <trawl/downloader_middleware.hpp>

#include <memory>

namespace trawl {
class Stats;
} // namespace trawl

namespace trawl::middlewares {

class HttpCompressionMiddleware final : public DownloaderMiddleware {
public:
    static std::unique_ptr<HttpCompressionMiddleware> from_crawler(Crawler& crawler);
    explicit HttpCompressionMiddleware(Stats& stats) : stats_(stats) {}

    HookSet hooks() const override { return Hook::request | Hook::response; }
    boost::asio::awaitable<RequestAction> process_request(Request& request) override;
    boost::asio::awaitable<ResponseAction> process_response(const Request& request, Response response) override;

private:
    Stats& stats_;
};

} // namespace trawl::middlewares
