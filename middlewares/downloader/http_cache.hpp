#pragma once
// The HTTP cache (priority 900, last before the downloader; Scrapy's
// HttpCacheMiddleware): answers requests from a SQLite file of earlier
// responses (cache_storage_sqlite.hpp) as its policy allows
// (http_cache_policy.hpp), so that a crawl can be replayed without the
// network or the server.
//
// process_request: a request the policy does not cache (scheme in
// HTTPCACHE_IGNORE_SCHEMES, Cache-Control: no-store under rfc2616) is
// passed on and its response not stored. Otherwise it is looked up by its
// fingerprint: a miss counts httpcache/miss and goes to the network, or,
// with HTTPCACHE_IGNORE_MISSING, is dropped (Ignore; httpcache/ignore). A
// fresh entry is the response (flag "cached"; httpcache/hit). A stale one
// is kept while the request (with the policy's If-None-Match /
// If-Modified-Since) goes to the network.
// process_response: the network's answer to a request with no stale entry
// is stored if the policy allows (httpcache/firsthand, then
// httpcache/store or httpcache/uncacheable); to a revalidation, the stale
// entry is served when the policy says it still stands (a 304;
// httpcache/revalidate), else the new response replaces it
// (httpcache/invalidate).
// process_exception: a download that failed the way retry would retry
// (timeouts, connection and DNS errors) while revalidating serves the stale
// entry instead (httpcache/errorrecovery).
//
// Settings (Scrapy's): HTTPCACHE_ENABLED (false: NotConfigured),
// HTTPCACHE_DIR (the file is DIR/SPIDER.sqlite; a relative DIR is under
// .trawl/ in the current directory, as Scrapy puts it under .scrapy/),
// HTTPCACHE_EXPIRATION_SECS (0: never), HTTPCACHE_IGNORE_MISSING,
// HTTPCACHE_STORAGE ("sqlite"; Scrapy's FilesystemCacheStorage and
// DbmCacheStorage class paths are taken as "sqlite" with a warning),
// HTTPCACHE_GZIP (zlib-compressed bodies), HTTPCACHE_POLICY and the
// policies' own (http_cache_policy.hpp).
// Meta: dont_cache (neither looked up nor stored). The middleware writes
// the private keys _dont_cache and _cache_revalidation.
//
// A cache file that cannot be opened or is not a cache throws from
// from_crawler, so the crawl fails at start-up with the file's name.

#include "downloader/cache_storage_sqlite.hpp"
#include "downloader/http_cache_policy.hpp"

#include <trawl/downloader_middleware.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <unordered_map>

namespace trawl {
class Settings;
class Stats;
} // namespace trawl

namespace trawl::middlewares {

class HttpCacheMiddleware final : public DownloaderMiddleware {
public:
    using WallClock = std::function<std::chrono::system_clock::time_point()>;

    /// Throws NotConfigured when HTTPCACHE_ENABLED is false, SettingsError
    /// for an unknown policy or storage, CacheStorageError for a bad file.
    static std::unique_ptr<HttpCacheMiddleware> from_crawler(Crawler& crawler);
    HttpCacheMiddleware(std::unique_ptr<HttpCachePolicy> policy, std::unique_ptr<SqliteCacheStorage> storage,
                        bool ignore_missing, Stats& stats);

    HookSet hooks() const override { return Hook::request | Hook::response | Hook::exception; }
    boost::asio::awaitable<RequestAction> process_request(Request& request) override;
    boost::asio::awaitable<ResponseAction> process_response(const Request& request, Response response) override;
    boost::asio::awaitable<ExceptionAction> process_exception(const Request& request, DownloadError error) override;

    /// The cache file of `spider_name` under HTTPCACHE_DIR.
    static std::filesystem::path cache_file(const Settings& settings, std::string_view spider_name);

    SqliteCacheStorage& storage() noexcept { return *storage_; }
    /// The time entries are stored at and judged fresh against.
    void set_wall_clock_for_test(WallClock clock) { clock_ = std::move(clock); }

private:
    Response replay(CachedResponse stored, const Request& request) const;
    std::optional<Response> take_revalidation(const Request& request);
    void cache_response(const Response& response, const Request& request);

    std::unique_ptr<HttpCachePolicy> policy_;
    std::unique_ptr<SqliteCacheStorage> storage_;
    bool ignore_missing_;
    Stats& stats_;
    WallClock clock_;
    // Stale entries whose requests are out revalidating, by the id in their
    // meta _cache_revalidation. Loop thread only.
    std::unordered_map<std::uint64_t, Response> revalidating_;
    std::uint64_t next_revalidation_ = 1;
};

} // namespace trawl::middlewares
