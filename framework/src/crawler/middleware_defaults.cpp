// The default hooks: a component overrides only the hooks it lists in hooks().

#include <trawl/downloader_middleware.hpp>
#include <trawl/item_pipeline.hpp>

namespace trawl {

boost::asio::awaitable<RequestAction> DownloaderMiddleware::process_request(Request&)
{
    co_return Continue{};
}

boost::asio::awaitable<ResponseAction> DownloaderMiddleware::process_response(const Request&, Response response)
{
    co_return response;
}

boost::asio::awaitable<ExceptionAction> DownloaderMiddleware::process_exception(const Request&, DownloadError)
{
    co_return Continue{};
}

boost::asio::awaitable<void> ItemPipeline::open_spider(Spider&) { co_return; }
boost::asio::awaitable<void> ItemPipeline::close_spider(Spider&) { co_return; }

} // namespace trawl
