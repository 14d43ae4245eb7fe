#include "spider/url_length.hpp"

#include <trawl/crawler.hpp>
#include <trawl/log.hpp>

namespace trawl::middlewares {

namespace {
const Logger logger{"trawl.spidermiddlewares.urllength"};
} // namespace

std::unique_ptr<UrlLengthMiddleware> UrlLengthMiddleware::from_crawler(Crawler& crawler)
{
    const auto limit = crawler.settings().get_int("URLLENGTH_LIMIT", 2083);
    if (limit == 0) {
        throw NotConfigured("URLLENGTH_LIMIT is 0");
    }
    if (limit < 0) {
        throw SettingsError("URLLENGTH_LIMIT: expected a positive number of characters, got " + std::to_string(limit));
    }
    return std::make_unique<UrlLengthMiddleware>(static_cast<std::size_t>(limit), crawler.stats());
}

void UrlLengthMiddleware::process_spider_output(const Response& /*response*/, std::vector<Output>& output)
{
    std::erase_if(output, [&](const Output& element) {
        const auto* request = std::get_if<Request>(&element);
        if (request == nullptr || request->url.size() <= max_length_) {
            return false;
        }
        logger.info("Ignoring link (url length > {}): {}", max_length_, request->url);
        stats_.inc_value("urllength/request_ignored_count");
        return true;
    });
}

} // namespace trawl::middlewares
