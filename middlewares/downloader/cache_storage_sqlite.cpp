#include "downloader/cache_storage_sqlite.hpp"

#include "downloader/http_cache_policy.hpp"

#include <trawl/log.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <fmt/format.h>

#include <sqlite3.h>
#include <zlib.h>

#include <charconv>
#include <future>
#include <mutex>
#include <utility>
#include <vector>

namespace trawl::middlewares {

namespace net = boost::asio;

namespace {

const Logger logger{"trawl.extensions.httpcache"};

// PRAGMA user_version of the files this code writes; a file with a higher
// one was written by a newer trawl and is refused rather than misread.
constexpr int schema_version = 1;

// A corrupt row must not make us allocate whatever its size column says.
constexpr std::int64_t max_body_size = std::int64_t{1} << 32;

enum class BodyEncoding : int { identity = 0, zlib = 1 };

constexpr const char* create_sql = R"sql(
CREATE TABLE IF NOT EXISTS responses (
    fingerprint BLOB PRIMARY KEY,
    url TEXT NOT NULL,
    status INTEGER NOT NULL,
    protocol TEXT NOT NULL,
    headers BLOB NOT NULL,
    body BLOB NOT NULL,
    body_encoding INTEGER NOT NULL,
    body_size INTEGER NOT NULL,
    stored_at REAL NOT NULL
)
)sql";

constexpr const char* select_sql =
    "SELECT url, status, protocol, headers, body, body_encoding, body_size, stored_at "
    "FROM responses WHERE fingerprint = ?1";

constexpr const char* insert_sql =
    "INSERT OR REPLACE INTO responses "
    "(fingerprint, url, status, protocol, headers, body, body_encoding, body_size, stored_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";

struct DatabaseCloser {
    void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};
struct StatementFinalizer {
    void operator()(sqlite3_stmt* statement) const noexcept { sqlite3_finalize(statement); }
};
using Database = std::unique_ptr<sqlite3, DatabaseCloser>;
using Statement = std::unique_ptr<sqlite3_stmt, StatementFinalizer>;

// Headers as "LEN:NAMELEN:VALUE..." (netstring-like): any byte may appear.
std::string encode_headers(const Headers& headers)
{
    std::string out;
    for (const auto& [name, value] : headers) {
        fmt::format_to(std::back_inserter(out), "{}:{}{}:{}", name.size(), name, value.size(), value);
    }
    return out;
}

std::optional<std::string_view> take_field(std::string_view& in)
{
    const auto colon = in.find(':');
    std::size_t length = 0;
    auto [end, ec] = std::from_chars(in.data(), in.data() + (colon == std::string_view::npos ? 0 : colon), length);
    if (colon == std::string_view::npos || colon == 0 || ec != std::errc{} || end != in.data() + colon ||
        length > in.size() - colon - 1) {
        return std::nullopt;
    }
    auto field = in.substr(colon + 1, length);
    in.remove_prefix(colon + 1 + length);
    return field;
}

std::optional<Headers> decode_headers(std::string_view in)
{
    Headers headers;
    while (!in.empty()) {
        auto name = take_field(in);
        auto value = name ? take_field(in) : std::nullopt;
        if (!value) {
            return std::nullopt;
        }
        headers.add(std::string(*name), std::string(*value));
    }
    return headers;
}

std::string compress_body(std::string_view body)
{
    uLongf size = compressBound(static_cast<uLong>(body.size()));
    std::string out(size, '\0');
    if (compress2(reinterpret_cast<Bytef*>(out.data()), &size, reinterpret_cast<const Bytef*>(body.data()),
                  static_cast<uLong>(body.size()), Z_DEFAULT_COMPRESSION) != Z_OK) {
        throw std::runtime_error("zlib could not compress the body");
    }
    out.resize(size);
    return out;
}

std::optional<std::string> uncompress_body(std::string_view data, std::int64_t size)
{
    std::string out(static_cast<std::size_t>(size), '\0');
    uLongf out_size = static_cast<uLongf>(size);
    const int rc = uncompress(reinterpret_cast<Bytef*>(out.data()), &out_size,
                              reinterpret_cast<const Bytef*>(data.data()), static_cast<uLong>(data.size()));
    if (rc != Z_OK || out_size != static_cast<uLongf>(size)) {
        return std::nullopt;
    }
    return out;
}

std::string_view column_text(sqlite3_stmt* statement, int column)
{
    const auto* data = static_cast<const char*>(sqlite3_column_blob(statement, column));
    const auto size = sqlite3_column_bytes(statement, column);
    return data ? std::string_view(data, static_cast<std::size_t>(size)) : std::string_view{};
}

double to_epoch(std::chrono::system_clock::time_point t)
{
    return std::chrono::duration<double>(t.time_since_epoch()).count();
}

} // namespace

struct SqliteCacheStorage::Impl {
    struct Queued {
        Fingerprint key;
        Response response;
        std::chrono::system_clock::time_point stored_at;
    };

    explicit Impl(Options o) : options(std::move(o)) {}

    [[noreturn]] void fail(std::string_view what) const
    {
        throw CacheStorageError(fmt::format("HTTP cache {}: {}: {} (delete the file, or set HTTPCACHE_DIR to "
                                            "another directory)",
                                            options.file.string(), what, db ? sqlite3_errmsg(db.get()) : "out of memory"));
    }

    void exec(const char* sql, std::string_view what) const
    {
        if (sqlite3_exec(db.get(), sql, nullptr, nullptr, nullptr) != SQLITE_OK) {
            fail(what);
        }
    }

    Statement prepare(const char* sql) const
    {
        sqlite3_stmt* statement = nullptr;
        if (sqlite3_prepare_v3(db.get(), sql, -1, SQLITE_PREPARE_PERSISTENT, &statement, nullptr) != SQLITE_OK) {
            fail("not an HTTP cache of this version of trawl");
        }
        return Statement{statement};
    }

    void open()
    {
        std::error_code ec;
        std::filesystem::create_directories(options.file.parent_path(), ec);
        if (ec) {
            throw CacheStorageError(
                fmt::format("HTTP cache: cannot make the directory {}: {}", options.file.parent_path().string(), ec.message()));
        }
        sqlite3* raw = nullptr;
        const int rc = sqlite3_open_v2(options.file.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
        db.reset(raw);
        if (rc != SQLITE_OK) {
            fail("cannot open");
        }
        // Another crawl of the same spider may hold the file for a moment.
        sqlite3_busy_timeout(db.get(), 10000);
        // SQLite reads the file lazily: this is where "not a database" shows.
        exec("PRAGMA journal_mode=WAL", "cannot use the file");
        // In WAL mode NORMAL loses at most the last transactions on a power
        // failure, never consistency: right for a cache.
        exec("PRAGMA synchronous=NORMAL", "cannot use the file");
        int version = 0;
        {
            auto statement = prepare("PRAGMA user_version");
            if (sqlite3_step(statement.get()) == SQLITE_ROW) {
                version = sqlite3_column_int(statement.get(), 0);
            }
        }
        if (version > schema_version) {
            throw CacheStorageError(fmt::format("HTTP cache {}: written by a newer trawl (schema {}, this one reads "
                                                "{}); delete it or set HTTPCACHE_DIR to another directory",
                                                options.file.string(), version, schema_version));
        }
        exec(create_sql, "cannot create the responses table");
        exec(fmt::format("PRAGMA user_version={}", schema_version).c_str(), "cannot write the schema version");
        select = prepare(select_sql);
        insert = prepare(insert_sql);
    }

    // Storage thread.
    void write_queued()
    {
        std::vector<Queued> batch;
        {
            std::lock_guard lock{mutex};
            batch.swap(queued);
            flush_posted = false;
        }
        if (batch.empty()) {
            return;
        }
        if (sqlite3_exec(db.get(), "BEGIN", nullptr, nullptr, nullptr) != SQLITE_OK) {
            logger.error("HTTP cache {}: cannot store {} responses: {}", options.file.string(), batch.size(),
                         sqlite3_errmsg(db.get()));
            return;
        }
        for (const auto& entry : batch) {
            write(entry);
        }
        if (sqlite3_exec(db.get(), "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
            logger.error("HTTP cache {}: cannot store {} responses: {}", options.file.string(), batch.size(),
                         sqlite3_errmsg(db.get()));
            sqlite3_exec(db.get(), "ROLLBACK", nullptr, nullptr, nullptr);
        }
    }

    // Storage thread. A failure (out of memory compressing a body) costs
    // the batch, never the crawl.
    void write_queued_or_log()
    {
        try {
            write_queued();
        } catch (const std::exception& e) {
            logger.error("HTTP cache {}: cannot store responses: {}", options.file.string(), e.what());
            sqlite3_exec(db.get(), "ROLLBACK", nullptr, nullptr, nullptr);
        }
    }

    void write(const Queued& entry)
    {
        auto* s = insert.get();
        const auto& response = entry.response;
        const auto& key = entry.key;
        std::string compressed;
        std::string_view body = response.body();
        auto encoding = BodyEncoding::identity;
        if (options.gzip) {
            compressed = compress_body(body);
            body = compressed;
            encoding = BodyEncoding::zlib;
        }
        auto headers = encode_headers(response.headers());
        if (!response.headers().contains("Date")) {
            Headers date{{"Date", detail::format_http_date(entry.stored_at)}};
            headers += encode_headers(date);
        }
        const auto& url = response.url();
        const auto& protocol = response.protocol();
        sqlite3_bind_blob(s, 1, key.data(), static_cast<int>(key.size()), SQLITE_STATIC);
        sqlite3_bind_text(s, 2, url.data(), static_cast<int>(url.size()), SQLITE_STATIC);
        sqlite3_bind_int(s, 3, response.status());
        sqlite3_bind_text(s, 4, protocol.data(), static_cast<int>(protocol.size()), SQLITE_STATIC);
        sqlite3_bind_blob64(s, 5, headers.data(), headers.size(), SQLITE_STATIC);
        sqlite3_bind_blob64(s, 6, body.data(), body.size(), SQLITE_STATIC);
        sqlite3_bind_int(s, 7, static_cast<int>(encoding));
        sqlite3_bind_int64(s, 8, static_cast<sqlite3_int64>(response.body().size()));
        sqlite3_bind_double(s, 9, to_epoch(entry.stored_at));
        if (sqlite3_step(s) != SQLITE_DONE) {
            logger.error("HTTP cache {}: cannot store <{}>: {}", options.file.string(), url, sqlite3_errmsg(db.get()));
        }
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
    }

    // Storage thread.
    std::optional<CachedResponse> lookup(const Fingerprint& key, std::chrono::system_clock::time_point now)
    {
        auto* s = select.get();
        sqlite3_bind_blob(s, 1, key.data(), static_cast<int>(key.size()), SQLITE_STATIC);
        auto result = read_row(s, now);
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
        return result;
    }

    std::optional<CachedResponse> read_row(sqlite3_stmt* s, std::chrono::system_clock::time_point now)
    {
        const int rc = sqlite3_step(s);
        if (rc == SQLITE_DONE) {
            return std::nullopt;
        }
        if (rc != SQLITE_ROW) {
            logger.warning("HTTP cache {}: cannot read an entry, taken as a miss: {}", options.file.string(),
                           sqlite3_errmsg(db.get()));
            return std::nullopt;
        }
        CachedResponse response;
        response.url = column_text(s, 0);
        response.status = sqlite3_column_int(s, 1);
        response.protocol = column_text(s, 2);
        const auto stored_at = sqlite3_column_double(s, 7);
        response.stored_at = std::chrono::system_clock::time_point{
            std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::duration<double>(stored_at))};
        const auto age = std::chrono::duration<double>(now - response.stored_at);
        if (options.expiration.count() > 0 && age > options.expiration) {
            return std::nullopt;
        }
        auto headers = decode_headers(column_text(s, 3));
        const auto encoding = sqlite3_column_int(s, 5);
        const auto size = sqlite3_column_int64(s, 6);
        std::optional<std::string> body;
        if (encoding == static_cast<int>(BodyEncoding::identity)) {
            body.emplace(column_text(s, 4));
        } else if (encoding == static_cast<int>(BodyEncoding::zlib) && size >= 0 && size <= max_body_size) {
            body = uncompress_body(column_text(s, 4), size);
        }
        if (!headers || !body) {
            logger.warning("HTTP cache {}: the entry for <{}> is damaged, taken as a miss", options.file.string(),
                           response.url);
            return std::nullopt;
        }
        response.headers = std::move(*headers);
        response.body = std::move(*body);
        return response;
    }

    Options options;
    Database db;
    Statement select;  // used on the storage thread only, once open
    Statement insert;
    net::thread_pool thread{1};
    std::mutex mutex;  // guards the two below
    std::vector<Queued> queued;
    bool flush_posted = false;
};

SqliteCacheStorage::SqliteCacheStorage(Options options) : impl_(std::make_unique<Impl>(std::move(options)))
{
    impl_->open();
}

SqliteCacheStorage::~SqliteCacheStorage()
{
    // Runs the queued writes, then stops the thread; only then may the
    // statements and the database go.
    impl_->thread.join();
}

const std::filesystem::path& SqliteCacheStorage::file() const noexcept { return impl_->options.file; }

net::awaitable<std::optional<CachedResponse>> SqliteCacheStorage::retrieve(Fingerprint key,
                                                                          std::chrono::system_clock::time_point now)
{
    // The job points to Impl rather than owning it: the destructor joins
    // the thread first, so Impl outlives every job.
    Impl* impl = impl_.get();
    auto lookup = [impl, key, now]() -> net::awaitable<std::optional<CachedResponse>> {
        try {
            co_return impl->lookup(key, now);
        } catch (const std::exception& e) {  // std::bad_alloc for a huge row
            logger.warning("HTTP cache {}: cannot read an entry, taken as a miss: {}", impl->options.file.string(), e.what());
        }
        co_return std::nullopt;
    };
    // No cancellation forwarded: Asio 1.81's co_spawn does that through a
    // pointer that can outlive the lookup (see engine_scrape.cpp).
    co_return co_await net::co_spawn(impl->thread, std::move(lookup),
                                     net::bind_cancellation_slot(net::cancellation_slot(), net::use_awaitable));
}

void SqliteCacheStorage::store(const Fingerprint& key, Response response, std::chrono::system_clock::time_point stored_at)
{
    std::lock_guard lock{impl_->mutex};
    impl_->queued.push_back(Impl::Queued{key, std::move(response), stored_at});
    if (!impl_->flush_posted) {
        impl_->flush_posted = true;
        Impl* impl = impl_.get();
        net::post(impl->thread, [impl] { impl->write_queued_or_log(); });
    }
}

void SqliteCacheStorage::flush()
{
    std::promise<void> done;
    auto written = done.get_future();
    Impl* impl = impl_.get();
    net::post(impl->thread, [impl, &done] {
        impl->write_queued_or_log();
        done.set_value();
    });
    written.wait();
}

} // namespace trawl::middlewares
