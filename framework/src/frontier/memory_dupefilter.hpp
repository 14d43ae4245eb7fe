#pragma once
// The built-in dupefilter ("memory"): the fingerprints of every request
// seen, in memory for the crawl's lifetime, as Scrapy's RFPDupeFilter
// without a JOBDIR.

#include <trawl/fingerprint.hpp>
#include <trawl/scheduler.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <atomic>
#include <memory>
#include <mutex>
#include <unordered_set>

namespace trawl {
class Crawler;
}

namespace trawl::detail {

class MemoryDupeFilter final : public DupeFilter {
public:
    /// `debug` (DUPEFILTER_DEBUG) logs every filtered request; otherwise
    /// only the first is logged.
    explicit MemoryDupeFilter(bool debug = false);

    /// Reads DUPEFILTER_DEBUG.
    static std::unique_ptr<MemoryDupeFilter> from_crawler(Crawler& crawler);

    // DupeFilter
    /// Logs the request when it was seen and is not dont_filter, i.e. when
    /// the scheduler will drop it.
    boost::asio::awaitable<bool> request_seen(const Request& request, const Fingerprint& fingerprint) override;
    std::optional<bool> request_seen_now(const Request& request, const Fingerprint& fingerprint) override;
    bool seen_before(const Request& request, const Fingerprint& fingerprint) override;
    std::size_t size() const override;

private:
    // A SHA1 is uniformly spread already: any 8 of its bytes are a good
    // hash. noexcept, so the set does not store the hash in each node.
    struct FingerprintHash {
        std::size_t operator()(const Fingerprint& fingerprint) const noexcept
        {
            std::uint64_t h;
            std::memcpy(&h, fingerprint.data(), sizeof h);
            return static_cast<std::size_t>(h);
        }
    };

    void log_filtered(const Request& request);

    // The loop records, parse threads look up (seen_before).
    mutable std::mutex mutex_;
    std::unordered_set<Fingerprint, FingerprintHash> fingerprints_;
    bool debug_;
    std::atomic<bool> logged_first_ = false;
};

} // namespace trawl::detail
