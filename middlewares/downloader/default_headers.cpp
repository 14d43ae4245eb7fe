#include "downloader/default_headers.hpp"

#include <trawl/crawler.hpp>

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <iterator>

namespace trawl::middlewares {

std::unique_ptr<DefaultHeadersMiddleware> DefaultHeadersMiddleware::from_crawler(Crawler& crawler)
{
    Headers headers;
    for (const auto& [name, value] : crawler.settings().get_dict("DEFAULT_REQUEST_HEADERS")) {
        if (value.is_null()) {
            continue;  // a user's way to drop one of the defaults
        }
        if (value.is_array()) {
            // Scrapy's Headers take a list of values for one name.
            for (const auto& element : value.get_array()) {
                headers.add(std::string(name),
                            element.is_string() ? std::string(element.get_string()) : boost::json::serialize(element));
            }
            continue;
        }
        headers.add(std::string(name),
                    value.is_string() ? std::string(value.get_string()) : boost::json::serialize(value));
    }
    return std::make_unique<DefaultHeadersMiddleware>(headers);
}

DefaultHeadersMiddleware::DefaultHeadersMiddleware(const Headers& headers)
{
    for (const auto& [name, value] : headers) {
        auto group = std::find_if(defaults_.begin(), defaults_.end(),
                                  [&](const auto& g) { return iequals(g.first, name); });
        if (group == defaults_.end()) {
            defaults_.emplace_back(name, std::vector<std::string>{});
            group = std::prev(defaults_.end());
        }
        group->second.push_back(value);
    }
}

boost::asio::awaitable<RequestAction> DefaultHeadersMiddleware::process_request(Request& request)
{
    for (const auto& [name, values] : defaults_) {
        if (!request.headers.contains(name)) {
            for (const auto& value : values) {
                request.headers.add(name, value);
            }
        }
    }
    RequestAction pass = Continue{};
    co_return pass;
}

} // namespace trawl::middlewares
