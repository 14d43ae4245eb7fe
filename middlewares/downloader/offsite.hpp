#pragma once
// Offsite filtering (downloader side, priority 50; Scrapy 2.11's
// downloadermiddlewares.offsite, which replaced the 2.8 spider middleware):
// a request whose host is neither one of the spider's allowed_domains nor a
// subdomain of one is ignored, unless it has dont_filter (or meta
// "allow_offsite", as in newer Scrapy).
//
// allowed_domains entries that are URLs ("http://a.com") or carry a port
// ("a.com:8080") are ignored with a warning, as Scrapy does; an empty list
// allows every host. The list is read when the middleware is built and again
// at spider_opened, so a spider may fill it in from arguments in opened().
//
// Stats: offsite/domains (hosts filtered, each counted and logged once),
// offsite/filtered (requests filtered).

#include <trawl/downloader_middleware.hpp>

#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace trawl {
class Crawler;
class Signals;
class Stats;
} // namespace trawl

namespace trawl::middlewares {

class OffsiteMiddleware final : public DownloaderMiddleware {
public:
    static std::unique_ptr<OffsiteMiddleware> from_crawler(Crawler& crawler);

    /// Filters by `allowed_domains`; the spider's list is read again at
    /// spider_opened when built by from_crawler.
    OffsiteMiddleware(Stats& stats, const std::vector<std::string>& allowed_domains);
    ~OffsiteMiddleware() override;
    OffsiteMiddleware(const OffsiteMiddleware&) = delete;
    OffsiteMiddleware& operator=(const OffsiteMiddleware&) = delete;

    HookSet hooks() const override { return static_cast<HookSet>(Hook::request); }
    boost::asio::awaitable<RequestAction> process_request(Request& request) override;

    /// Replaces the allowed domains (warns about entries it ignores).
    void set_allowed_domains(const std::vector<std::string>& allowed_domains);
    /// True if `host` (lower case) is allowed: one of the domains or below one.
    bool allows_host(const std::string& host) const;

private:
    Stats& stats_;
    Signals* signals_ = nullptr;
    std::size_t opened_connection_ = 0;
    mutable std::mutex mutex_;
    std::optional<std::vector<std::string>> domains_;  // nullopt: allow all
    std::set<std::string, std::less<>> domains_seen_;
};

} // namespace trawl::middlewares
