#include "downloader/download_timeout.hpp"

#include <trawl/crawler.hpp>

namespace trawl::middlewares {

std::unique_ptr<DownloadTimeoutMiddleware> DownloadTimeoutMiddleware::from_crawler(Crawler& crawler)
{
    return std::make_unique<DownloadTimeoutMiddleware>(crawler.settings().get_double("DOWNLOAD_TIMEOUT", 180.0));
}

boost::asio::awaitable<RequestAction> DownloadTimeoutMiddleware::process_request(Request& request)
{
    if (timeout_ > 0 && !request.meta.contains("download_timeout")) {
        request.meta["download_timeout"] = timeout_;
    }
    RequestAction pass = Continue{};
    co_return pass;
}

} // namespace trawl::middlewares
