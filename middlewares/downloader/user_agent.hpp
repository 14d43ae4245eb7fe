#pragma once
// USER_AGENT as the User-Agent header of requests that have none (priority
// 500; Scrapy's UserAgentMiddleware). Scrapy's spider attribute
// `user_agent` is not a thing here: a spider sets USER_AGENT in its
// custom_settings instead. An empty USER_AGENT sends no header.

#include <trawl/downloader_middleware.hpp>

#include <memory>
#include <string>

namespace trawl::middlewares {

class UserAgentMiddleware final : public DownloaderMiddleware {
public:
    static std::unique_ptr<UserAgentMiddleware> from_crawler(Crawler& crawler);
    explicit UserAgentMiddleware(std::string user_agent) : user_agent_(std::move(user_agent)) {}

    HookSet hooks() const override { return static_cast<HookSet>(Hook::request); }
    boost::asio::awaitable<RequestAction> process_request(Request& request) override;

private:
    std::string user_agent_;
};

} // namespace trawl::middlewares
