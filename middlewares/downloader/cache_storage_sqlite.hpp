#pragma once
// The HTTP cache's storage (HTTPCACHE_STORAGE "sqlite"): one SQLite file per
// spider, in WAL mode, holding each response under its request's
// fingerprint (Scrapy's, <trawl/fingerprint.hpp>) with its URL, status,
// headers, body (zlib-compressed when HTTPCACHE_GZIP was on as it was
// written; each row says how it is stored, so the setting may change
// between crawls) and the wall-clock time it was stored. The body is as the
// download handler delivered it (decoded: trawl decompresses while
// downloading).
//
// Threads: the constructor opens the file on the calling thread (before the
// crawl, so a bad file is an error at start-up). After that SQLite runs only
// on the storage's own thread: retrieve() is awaited from the event loop
// and resumes there; store() queues the write and returns at once. Queued
// writes go in one transaction each time the storage thread gets to them,
// so a busy crawl writes in batches; a lookup sees every write queued
// before it. The destructor writes what is queued and closes the file.
//
// Errors: a file SQLite cannot open or that is not a trawl cache (not a
// database, another schema, a newer version) throws CacheStorageError from
// the constructor. A row that cannot be read later (corruption, a bad
// compressed body) is logged as a warning and is a miss; a failed write is
// logged as an error and dropped. Neither stops the crawl.

#include <trawl/fingerprint.hpp>
#include <trawl/headers.hpp>
#include <trawl/response.hpp>

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

namespace trawl::middlewares {

class CacheStorageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// A stored response: what the cache replays.
struct CachedResponse {
    std::string url;
    int status = 200;
    Headers headers;
    std::string body;
    std::string protocol;
    std::chrono::system_clock::time_point stored_at{};
};

class SqliteCacheStorage {
public:
    struct Options {
        std::filesystem::path file;  ///< made with its directories if missing
        /// Entries older than this are misses (HTTPCACHE_EXPIRATION_SECS);
        /// zero or less: they never expire.
        std::chrono::duration<double> expiration{0};
        bool gzip = false;  ///< compress bodies written from now on
    };

    /// Opens or creates the cache file. Throws CacheStorageError naming
    /// the file and what is wrong with it.
    explicit SqliteCacheStorage(Options options);
    ~SqliteCacheStorage();
    SqliteCacheStorage(const SqliteCacheStorage&) = delete;
    SqliteCacheStorage& operator=(const SqliteCacheStorage&) = delete;

    const std::filesystem::path& file() const noexcept;

    /// The response stored under `key`, or nullopt when there is none, it
    /// expired by `now`, or it cannot be read. Resumes on the awaiting
    /// coroutine's executor.
    boost::asio::awaitable<std::optional<CachedResponse>> retrieve(Fingerprint key,
                                                                  std::chrono::system_clock::time_point now);

    /// Queues `response` to be stored under `key` as stored at
    /// `stored_at`, replacing any earlier entry. Returns at once: the body
    /// is read (and compressed) on the storage thread. A response without
    /// a Date header is stored with one saying `stored_at` (RFC 2616
    /// §14.18 wants the origin to send it; Scrapy's cache adds it too).
    void store(const Fingerprint& key, Response response, std::chrono::system_clock::time_point stored_at);

    /// Blocks until every queued write is written (tests; the destructor).
    void flush();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace trawl::middlewares
