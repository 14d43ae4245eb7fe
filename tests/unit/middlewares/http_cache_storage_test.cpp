// The HTTP cache's SQLite storage: round trips, compression, expiry,
// batches, and files that are not caches.

#include "downloader/cache_storage_sqlite.hpp"

#include "middleware_test_support.hpp"

#include <trawl/fingerprint.hpp>

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace trawl::test {
namespace {

using namespace std::chrono;
using middlewares::CachedResponse;
using middlewares::CacheStorageError;
using middlewares::SqliteCacheStorage;

const system_clock::time_point t0 = sys_days{year{2024} / 5 / 1} + hours{12};

class HttpCacheStorageTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        std::string pattern = (std::filesystem::temp_directory_path() / "trawl-http-cache-XXXXXX").string();
        ASSERT_NE(::mkdtemp(pattern.data()), nullptr) << std::strerror(errno);
        dir_ = pattern;
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    std::filesystem::path file() const { return dir_ / "sub" / "spider.sqlite"; }

    std::unique_ptr<SqliteCacheStorage> open(double expiration = 0, bool gzip = false) const
    {
        SqliteCacheStorage::Options options;
        options.file = file();
        options.expiration = duration<double>(expiration);
        options.gzip = gzip;
        return std::make_unique<SqliteCacheStorage>(std::move(options));
    }

    // Runs SQL on the cache file from outside the storage.
    void sql(const std::string& statement) const
    {
        sqlite3* db = nullptr;
        ASSERT_EQ(sqlite3_open(file().c_str(), &db), SQLITE_OK);
        char* error = nullptr;
        EXPECT_EQ(sqlite3_exec(db, statement.c_str(), nullptr, nullptr, &error), SQLITE_OK) << (error ? error : "");
        sqlite3_free(error);
        sqlite3_close(db);
    }

    std::filesystem::path dir_;
};

Fingerprint key_of(std::string url) { return request_fingerprint(Request{std::move(url)}); }

Response page(std::string url, std::string body, Headers headers = {{"Content-Type", "text/html"}})
{
    return make_response(url, 200, Request{url}, std::move(headers), std::move(body));
}

std::optional<CachedResponse> retrieve(SqliteCacheStorage& storage, const Fingerprint& key,
                                       system_clock::time_point now)
{
    return run(storage.retrieve(key, now));
}

TEST_F(HttpCacheStorageTest, StoresAndRetrievesAResponse)
{
    auto storage = open();
    const std::string body("binary\0body\xff", 12);
    Headers headers{{"Content-Type", "text/html"}, {"Set-Cookie", "a=1"}, {"Set-Cookie", "b=2: x"},
                    {"X-Odd", "12:34:"}, {"Date", "Wed, 01 May 2024 11:00:00 GMT"}};
    auto response = make_response("http://example.com/a?x=1", 203, Request{"http://example.com/a?x=1"}, headers, body);
    storage->store(key_of("http://example.com/a?x=1"), response, t0);
    EXPECT_FALSE(retrieve(*storage, key_of("http://example.com/b"), t0).has_value());

    auto cached = retrieve(*storage, key_of("http://example.com/a?x=1"), t0 + hours{1});
    ASSERT_TRUE(cached.has_value());
    EXPECT_EQ(cached->url, "http://example.com/a?x=1");
    EXPECT_EQ(cached->status, 203);
    EXPECT_EQ(cached->headers, headers);
    EXPECT_EQ(cached->body, body);
    EXPECT_EQ(cached->protocol, "HTTP/1.1");
    EXPECT_LT(abs(cached->stored_at - t0), milliseconds{1});
}

TEST_F(HttpCacheStorageTest, AddsADateWhenTheResponseHasNone)
{
    auto storage = open();
    storage->store(key_of("http://example.com/"), page("http://example.com/", "x"), t0);
    auto cached = retrieve(*storage, key_of("http://example.com/"), t0);
    ASSERT_TRUE(cached.has_value());
    EXPECT_EQ(cached->headers.get("Date"), "Wed, 01 May 2024 12:00:00 GMT");
}

TEST_F(HttpCacheStorageTest, PersistsInAWalFileAcrossReopening)
{
    open()->store(key_of("http://example.com/"), page("http://example.com/", "kept"), t0);
    auto storage = open();
    auto cached = retrieve(*storage, key_of("http://example.com/"), t0);
    ASSERT_TRUE(cached.has_value());
    EXPECT_EQ(cached->body, "kept");

    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(file().c_str(), &db), SQLITE_OK);
    sqlite3_stmt* statement = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &statement, nullptr), SQLITE_OK);
    ASSERT_EQ(sqlite3_step(statement), SQLITE_ROW);
    EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(statement, 0)), "wal");
    sqlite3_finalize(statement);
    sqlite3_close(db);
}

TEST_F(HttpCacheStorageTest, CompressesBodiesAndReadsEitherForm)
{
    const std::string text(100000, 'a');
    open(0, true)->store(key_of("http://example.com/z"), page("http://example.com/z", text), t0);
    {
        sqlite3* db = nullptr;
        ASSERT_EQ(sqlite3_open(file().c_str(), &db), SQLITE_OK);
        sqlite3_stmt* statement = nullptr;
        ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT length(body), body_size FROM responses", -1, &statement, nullptr),
                  SQLITE_OK);
        ASSERT_EQ(sqlite3_step(statement), SQLITE_ROW);
        EXPECT_LT(sqlite3_column_int(statement, 0), 1000);
        EXPECT_EQ(sqlite3_column_int(statement, 1), 100000);
        sqlite3_finalize(statement);
        sqlite3_close(db);
    }
    // HTTPCACHE_GZIP turned off later: the compressed entry still reads.
    auto storage = open(0, false);
    storage->store(key_of("http://example.com/plain"), page("http://example.com/plain", "plain"), t0);
    EXPECT_EQ(retrieve(*storage, key_of("http://example.com/z"), t0)->body, text);
    EXPECT_EQ(retrieve(*storage, key_of("http://example.com/plain"), t0)->body, "plain");
}

TEST_F(HttpCacheStorageTest, EntriesExpireAfterTheExpirationTime)
{
    auto storage = open(60);
    storage->store(key_of("http://example.com/"), page("http://example.com/", "x"), t0);
    EXPECT_TRUE(retrieve(*storage, key_of("http://example.com/"), t0 + seconds{59}).has_value());
    EXPECT_FALSE(retrieve(*storage, key_of("http://example.com/"), t0 + seconds{61}).has_value());
    // Zero: never.
    auto forever = open(0);
    EXPECT_TRUE(retrieve(*forever, key_of("http://example.com/"), t0 + hours{24 * 365 * 10}).has_value());
}

TEST_F(HttpCacheStorageTest, ALookupSeesEveryWriteQueuedBeforeIt)
{
    auto storage = open();
    for (int i = 0; i < 500; ++i) {
        const auto url = "http://example.com/" + std::to_string(i);
        storage->store(key_of(url), page(url, std::to_string(i)), t0);
    }
    auto last = retrieve(*storage, key_of("http://example.com/499"), t0);
    ASSERT_TRUE(last.has_value());
    EXPECT_EQ(last->body, "499");
    // A later store replaces the entry.
    storage->store(key_of("http://example.com/7"), page("http://example.com/7", "new"), t0);
    storage->flush();
    EXPECT_EQ(retrieve(*storage, key_of("http://example.com/7"), t0)->body, "new");
}

TEST_F(HttpCacheStorageTest, AFileThatIsNotADatabaseIsAnErrorAtOpen)
{
    std::filesystem::create_directories(file().parent_path());
    std::ofstream(file(), std::ios::binary) << std::string(8192, '\x5a');
    try {
        open();
        FAIL() << "no error";
    } catch (const CacheStorageError& e) {
        EXPECT_NE(std::string(e.what()).find(file().string()), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("not a database"), std::string::npos) << e.what();
    }
}

TEST_F(HttpCacheStorageTest, ADatabaseOfAnotherKindOrANewerSchemaIsRefused)
{
    std::filesystem::create_directories(file().parent_path());
    sql("CREATE TABLE responses (x INTEGER)");
    EXPECT_THROW(open(), CacheStorageError);
    std::filesystem::remove(file());
    open();
    sql("PRAGMA user_version=99");
    EXPECT_THROW(open(), CacheStorageError);
}

TEST_F(HttpCacheStorageTest, AnUnusableDirectoryIsAnErrorAtOpen)
{
    std::ofstream(dir_ / "sub") << "a file where the directory should be";
    EXPECT_THROW(open(), CacheStorageError);
}

TEST_F(HttpCacheStorageTest, ADamagedEntryIsALoggedMiss)
{
    open()->store(key_of("http://example.com/"), page("http://example.com/", "x"), t0);
    open()->store(key_of("http://example.com/h"), page("http://example.com/h", "x"), t0);
    sql("UPDATE responses SET body_encoding = 1, body = x'00112233' WHERE url = 'http://example.com/'");
    sql("UPDATE responses SET headers = x'39393a41' WHERE url = 'http://example.com/h'");
    LogCapture log;
    auto storage = open();
    EXPECT_FALSE(retrieve(*storage, key_of("http://example.com/"), t0).has_value());
    EXPECT_FALSE(retrieve(*storage, key_of("http://example.com/h"), t0).has_value());
    EXPECT_EQ(log.count("damaged, taken as a miss", spdlog::level::warn), 2u);
}

} // namespace
} // namespace trawl::test
