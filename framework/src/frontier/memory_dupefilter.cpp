#include "frontier/memory_dupefilter.hpp"

#include <trawl/crawler.hpp>
#include <trawl/log.hpp>


namespace trawl::detail {

namespace {
const Logger logger{"trawl.dupefilters"};
} // namespace

MemoryDupeFilter::MemoryDupeFilter(bool debug) : debug_(debug) {}

std::unique_ptr<MemoryDupeFilter> MemoryDupeFilter::from_crawler(Crawler& crawler)
{
    return std::make_unique<MemoryDupeFilter>(crawler.settings().get_bool("DUPEFILTER_DEBUG", false));
}

boost::asio::awaitable<bool> MemoryDupeFilter::request_seen(const Request& request, const Fingerprint& fingerprint)
{
    co_return *request_seen_now(request, fingerprint);
}

std::optional<bool> MemoryDupeFilter::request_seen_now(const Request& request, const Fingerprint& fingerprint)
{
    const bool inserted = fingerprints_.insert(fingerprint).second;
    if (!inserted && !request.dont_filter) {
        log_filtered(request);
    }
    return !inserted;
}

void MemoryDupeFilter::log_filtered(const Request& request)
{
    if (debug_) {
        const auto referer = request.headers.get("Referer");
        logger.debug("Filtered duplicate request: <{} {}> (referer: {})", request.method, request.url,
                      referer ? *referer : "None");
    } else if (!logged_first_) {
        logger.debug("Filtered duplicate request: <{} {}> - no more duplicates will be shown"
                      " (see DUPEFILTER_DEBUG to show all duplicates)",
                      request.method, request.url);
        logged_first_ = true;
    }
}

} // namespace trawl::detail
