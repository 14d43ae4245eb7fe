#include "spider/depth.hpp"

#include "downloader/meta_values.hpp"

#include <trawl/crawler.hpp>
#include <trawl/log.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace trawl::middlewares {

namespace {
const Logger logger{"trawl.spidermiddlewares.depth"};
} // namespace

std::unique_ptr<DepthMiddleware> DepthMiddleware::from_crawler(Crawler& crawler)
{
    const auto& settings = crawler.settings();
    Options options;
    options.max_depth = settings.get_int("DEPTH_LIMIT", 0);
    options.verbose_stats = settings.get_bool("DEPTH_STATS_VERBOSE", false);
    options.priority = settings.get_int("DEPTH_PRIORITY", 0);
    return std::make_unique<DepthMiddleware>(options, crawler.stats());
}

std::exception_ptr DepthMiddleware::process_spider_input(const Response& response)
{
    if (options_.verbose_stats && !meta_has(response.request().meta, "depth")) {
        stats_.inc_value("request_depth_count/0");
    }
    return nullptr;
}

namespace {

std::int64_t depth_below(const Response& response)
{
    return meta_int(response.request().meta, "depth").value_or(0) + 1;
}

} // namespace

void DepthMiddleware::process_spider_output(const Response& response, std::vector<Output>& output)
{
    // Every request of one batch has the same depth: the stats (a lock
    // each) are updated once per batch, not once per request.
    const auto depth = depth_below(response);
    std::int64_t kept = 0;
    std::erase_if(output, [&](Output& element) {
        auto* request = std::get_if<Request>(&element);
        if (!request) {
            return false;
        }
        if (options_.priority != 0) {
            request->priority -= static_cast<int>(depth * options_.priority);
        }
        if (options_.max_depth > 0 && depth > options_.max_depth) {
            logger.debug("Ignoring link (depth > {}): {}", options_.max_depth, request->url);
            return true;
        }
        ++kept;
        return false;
    });
    if (kept == 0) {
        return;
    }
    if (options_.verbose_stats) {
        stats_.inc_value(fmt::format("request_depth_count/{}", depth), kept);
    }
    stats_.max_value("request_depth_max", static_cast<double>(depth));
}

void DepthMiddleware::complete_requests(const Response& response, std::span<Request* const> requests)
{
    const auto depth = depth_below(response);
    for (auto* request : requests) {
        request->meta["depth"] = depth;
    }
}

} // namespace trawl::middlewares
