#pragma once
// Compression stats (priority 590; the counting half of Scrapy's
// HttpCompressionMiddleware). trawl's HTTP handler already asks for
// compressed bodies and decodes them while downloading (COMPRESSION_ENABLED),
// flagging such responses "decompressed"; this middleware counts them as
// Scrapy does: httpcompression/response_count and
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

    HookSet hooks() const override { return static_cast<HookSet>(Hook::response); }
    boost::asio::awaitable<ResponseAction> process_response(const Request& request, Response response) override;

private:
    Stats& stats_;
};

} // namespace trawl::middlewares
