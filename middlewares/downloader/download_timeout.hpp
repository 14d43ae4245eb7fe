#pragma once
// DOWNLOAD_TIMEOUT as meta "download_timeout" (priority 350; Scrapy's
// DownloadTimeoutMiddleware): the downloader reads the meta key, so a
// request that sets its own keeps it. A timeout of 0 sets nothing.
// (Scrapy's spider attribute `download_timeout` has no equivalent; a
// spider's custom_settings can set DOWNLOAD_TIMEOUT.)

#include <trawl/downloader_middleware.hpp>

#include <memory>

namespace trawl::middlewares {

class DownloadTimeoutMiddleware final : public DownloaderMiddleware {
public:
    static std::unique_ptr<DownloadTimeoutMiddleware> from_crawler(Crawler& crawler);
    /// `timeout_seconds` <= 0 leaves requests alone.
    explicit DownloadTimeoutMiddleware(double timeout_seconds) : timeout_(timeout_seconds) {}

    HookSet hooks() const override { return static_cast<HookSet>(Hook::request); }
    boost::asio::awaitable<RequestAction> process_request(Request& request) override;

private:
    double timeout_;
};

} // namespace trawl::middlewares
