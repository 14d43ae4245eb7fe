#include "downloader/http_compression.hpp"

#include <trawl/crawler.hpp>
#include <trawl/download_handler.hpp>

namespace trawl::middlewares {

std::unique_ptr<HttpCompressionMiddleware> HttpCompressionMiddleware::from_crawler(Crawler& crawler)
{
    if (!crawler.settings().get_bool("COMPRESSION_ENABLED", true)) {
        throw NotConfigured("COMPRESSION_ENABLED is false");
    }
    return std::make_unique<HttpCompressionMiddleware>(crawler.stats());
}

boost::asio::awaitable<RequestAction> HttpCompressionMiddleware::process_request(Request& request)
{
    if (!request.headers.contains("Accept-Encoding")) {
        request.headers.set("Accept-Encoding", std::string(supported_accept_encoding()));
    }
    co_return Continue{};
}

boost::asio::awaitable<ResponseAction> HttpCompressionMiddleware::process_response(const Request& request,
                                                                                   Response response)
{
    if (request.method != "HEAD" && response.has_flag("decompressed")) {
        stats_.inc_value("httpcompression/response_bytes", static_cast<std::int64_t>(response.body().size()));
        stats_.inc_value("httpcompression/response_count");
    }
    co_return response;
}

} // namespace trawl::middlewares
