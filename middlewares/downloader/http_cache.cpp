#include "downloader/http_cache.hpp"

#include "downloader/meta_values.hpp"
#include "downloader/retry.hpp"

#include <trawl/crawler.hpp>
#include <trawl/fingerprint.hpp>
#include <trawl/log.hpp>
#include <trawl/settings.hpp>
#include <trawl/stats.hpp>

#include <fmt/format.h>

namespace trawl::middlewares {

namespace {

const Logger logger{"trawl.downloadermiddlewares.httpcache"};

constexpr std::string_view dont_cache_key = "_dont_cache";
constexpr std::string_view revalidation_key = "_cache_revalidation";

// A spider name as a file name: anything but [A-Za-z0-9._-] becomes '_'.
std::string file_stem(std::string_view spider_name)
{
    std::string stem(spider_name);
    for (auto& c : stem) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                        c == '_' || c == '-';
        if (!ok) {
            c = '_';
        }
    }
    if (stem.empty() || stem.find_first_not_of('.') == std::string::npos) {
        stem.insert(0, "spider");
    }
    return stem;
}

void check_storage(const Settings& settings)
{
    const auto name = settings.get_string("HTTPCACHE_STORAGE", "sqlite");
    if (name == "sqlite") {
        return;
    }
    if (name == "scrapy.extensions.httpcache.FilesystemCacheStorage" ||
        name == "scrapy.extensions.httpcache.DbmCacheStorage") {
        logger.warning("HTTPCACHE_STORAGE '{}' ({}): trawl keeps its HTTP cache in SQLite only; using 'sqlite'", name,
                       settings.source("HTTPCACHE_STORAGE"));
        return;
    }
    throw SettingsError(fmt::format("{}: HTTPCACHE_STORAGE: unknown storage '{}'; trawl has 'sqlite' only",
                                    settings.source("HTTPCACHE_STORAGE"), name));
}

} // namespace

std::filesystem::path HttpCacheMiddleware::cache_file(const Settings& settings, std::string_view spider_name)
{
    std::filesystem::path dir = settings.get_string("HTTPCACHE_DIR", "httpcache");
    if (dir.is_relative()) {
        dir = std::filesystem::path(".trawl") / dir;
    }
    return dir / (file_stem(spider_name) + ".sqlite");
}

std::unique_ptr<HttpCacheMiddleware> HttpCacheMiddleware::from_crawler(Crawler& crawler)
{
    const auto& settings = crawler.settings();
    if (!settings.get_bool("HTTPCACHE_ENABLED")) {
        throw NotConfigured("HTTPCACHE_ENABLED is false");
    }
    auto policy = make_http_cache_policy(settings);
    check_storage(settings);
    SqliteCacheStorage::Options options;
    options.file = cache_file(settings, crawler.spider().name);
    options.expiration = std::chrono::duration<double>(settings.get_double("HTTPCACHE_EXPIRATION_SECS"));
    options.gzip = settings.get_bool("HTTPCACHE_GZIP");
    auto storage = std::make_unique<SqliteCacheStorage>(std::move(options));
    logger.debug("Using the SQLite cache storage {}", storage->file().string());
    return std::make_unique<HttpCacheMiddleware>(std::move(policy), std::move(storage),
                                                 settings.get_bool("HTTPCACHE_IGNORE_MISSING"), crawler.stats());
}

HttpCacheMiddleware::HttpCacheMiddleware(std::unique_ptr<HttpCachePolicy> policy,
                                         std::unique_ptr<SqliteCacheStorage> storage, bool ignore_missing,
                                         Stats& stats)
    : policy_(std::move(policy)),
      storage_(std::move(storage)),
      ignore_missing_(ignore_missing),
      stats_(stats),
      clock_([] { return std::chrono::system_clock::now(); })
{
}

boost::asio::awaitable<RequestAction> HttpCacheMiddleware::process_request(Request& request)
{
    // Marks left by an earlier pass of the request this one was copied
    // from (a retry, a redirect) are not this request's.
    request.meta.erase(dont_cache_key);
    request.meta.erase(revalidation_key);
    RequestAction action = Continue{};
    if (meta_flag(request.meta, "dont_cache")) {
        co_return action;
    }
    if (!policy_->should_cache_request(request)) {
        request.meta[dont_cache_key] = true;
        co_return action;
    }
    auto stored = co_await storage_->retrieve(request_fingerprint(request), clock_());
    if (!stored) {
        stats_.inc_value("httpcache/miss");
        if (ignore_missing_) {
            stats_.inc_value("httpcache/ignore");
            action = Ignore{fmt::format("Ignored request not in cache: <{} {}>", request.method, request.url)};
        }
        co_return action;
    }
    auto cached = replay(std::move(*stored), request);
    if (policy_->is_cached_response_fresh(cached, request, clock_())) {
        stats_.inc_value("httpcache/hit");
        action = std::move(cached);
        co_return action;
    }
    // Stale: keep it until the server says whether it still stands.
    const auto id = next_revalidation_++;
    revalidating_.emplace(id, std::move(cached));
    request.meta[revalidation_key] = static_cast<std::int64_t>(id);
    co_return action;
}

boost::asio::awaitable<ResponseAction> HttpCacheMiddleware::process_response(const Request& request, Response response)
{
    auto cached = take_revalidation(request);
    ResponseAction action = response;
    if (meta_flag(request.meta, "dont_cache") || response.has_flag("cached") ||
        meta_flag(request.meta, dont_cache_key)) {
        co_return action;
    }
    if (!cached) {
        stats_.inc_value("httpcache/firsthand");
        cache_response(response, request);
        co_return action;
    }
    if (policy_->is_cached_response_valid(*cached, response, request)) {
        stats_.inc_value("httpcache/revalidate");
        action = std::move(*cached);
        co_return action;
    }
    stats_.inc_value("httpcache/invalidate");
    cache_response(response, request);
    co_return action;
}

boost::asio::awaitable<ExceptionAction> HttpCacheMiddleware::process_exception(const Request& request,
                                                                               DownloadError error)
{
    auto cached = take_revalidation(request);
    ExceptionAction action = Continue{};
    if (cached && RetryMiddleware::is_retryable(error.code)) {
        stats_.inc_value("httpcache/errorrecovery");
        action = std::move(*cached);
    }
    co_return action;
}

Response HttpCacheMiddleware::replay(CachedResponse stored, const Request& request) const
{
    Response::Data data;
    data.url = std::move(stored.url);
    data.status = stored.status;
    data.headers = std::move(stored.headers);
    data.body = std::move(stored.body);
    data.request = request;
    data.protocol = std::move(stored.protocol);
    data.flags.emplace_back("cached");
    return Response{std::move(data)};
}

std::optional<Response> HttpCacheMiddleware::take_revalidation(const Request& request)
{
    auto id = meta_int(request.meta, revalidation_key);
    if (!id) {
        return std::nullopt;
    }
    auto it = revalidating_.find(static_cast<std::uint64_t>(*id));
    if (it == revalidating_.end()) {
        return std::nullopt;
    }
    auto cached = std::move(it->second);
    revalidating_.erase(it);
    return cached;
}

void HttpCacheMiddleware::cache_response(const Response& response, const Request& request)
{
    if (!policy_->should_cache_response(response, request)) {
        stats_.inc_value("httpcache/uncacheable");
        return;
    }
    stats_.inc_value("httpcache/store");
    storage_->store(request_fingerprint(request), response, clock_());
}

} // namespace trawl::middlewares
