#pragma once
// DEFAULT_REQUEST_HEADERS on every request that does not set them already
// (priority 400; Scrapy's DefaultHeadersMiddleware).

#include <trawl/downloader_middleware.hpp>
#include <trawl/headers.hpp>

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace trawl::middlewares {

class DefaultHeadersMiddleware final : public DownloaderMiddleware {
public:
    /// Throws SettingsError if DEFAULT_REQUEST_HEADERS is not a mapping.
    static std::unique_ptr<DefaultHeadersMiddleware> from_crawler(Crawler& crawler);
    explicit DefaultHeadersMiddleware(const Headers& headers);

    HookSet hooks() const override { return static_cast<HookSet>(Hook::request); }
    boost::asio::awaitable<RequestAction> process_request(Request& request) override;

private:
    // Grouped by name: a request that has the name keeps its values, one
    // that lacks it gets every default value of that name.
    std::vector<std::pair<std::string, std::vector<std::string>>> defaults_;
};

} // namespace trawl::middlewares
