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
    bool inserted = false;
    {
        const std::lock_guard lock{mutex_};
        inserted = fingerprints_.insert(fingerprint).second;
    }
    if (!inserted && !request.dont_filter) {
        log_filtered(request);
    }
    return !inserted;
}

bool MemoryDupeFilter::seen_before(const Request& request, const Fingerprint& fingerprint)
{
    bool seen = false;
    {
        const std::lock_guard lock{mutex_};
        seen = fingerprints_.contains(fingerprint);
    }
    if (seen && !request.dont_filter) {
        log_filtered(request);
    }
    return seen;
}

std::size_t MemoryDupeFilter::size() const
{
    const std::lock_guard lock{mutex_};
    return fingerprints_.size();
}

void MemoryDupeFilter::log_filtered(const Request& request)
{
    if (debug_) {
        const auto referer = request.headers.get("Referer");
        logger.debug("Filtered duplicate request: <{} {}> (referer: {})", request.method, request.url,
                      referer ? *referer : "None");
    } else if (!logged_first_.exchange(true)) {
        logger.debug("Filtered duplicate request: <{} {}> - no more duplicates will be shown"
                      " (see DUPEFILTER_DEBUG to show all duplicates)",
                      request.method, request.url);
    }
}

} // namespace trawl::detail
