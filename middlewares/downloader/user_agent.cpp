#include "downloader/user_agent.hpp"

#include <trawl/crawler.hpp>

namespace trawl::middlewares {

std::unique_ptr<UserAgentMiddleware> UserAgentMiddleware::from_crawler(Crawler& crawler)
{
    return std::make_unique<UserAgentMiddleware>(crawler.settings().get_string("USER_AGENT"));
}

boost::asio::awaitable<RequestAction> UserAgentMiddleware::process_request(Request& request)
{
    if (!user_agent_.empty() && !request.headers.contains("User-Agent")) {
        request.headers.set("User-Agent", user_agent_);
    }
    RequestAction pass = Continue{};
    co_return pass;
}

} // namespace trawl::middlewares
