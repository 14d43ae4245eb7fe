// The "sqlite" pipeline driven without a crawl: tables and columns from
// items, upserts on a key, batches, odd values (unicode, 1 MB, nested,
// bytes that are not UTF-8), a crash mid-batch, and unopenable paths.

#include "unit/middlewares/middleware_test_support.hpp"

#include <sqlite_pipeline.hpp>
#include <sqlite_store.hpp>

#include <boost/json/parse.hpp>

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>
#include <sys/wait.h>
#include <unistd.h>

namespace trawl::test {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

class TempDir {
public:
    TempDir()
        : path_(fs::temp_directory_path() /
                ("trawl_sqlite_" + std::to_string(::getpid()) + "_" + std::to_string(counter_++)))
    {
        fs::remove_all(path_);
        fs::create_directories(path_);
    }
    ~TempDir() { fs::remove_all(path_); }
    fs::path operator/(const std::string& name) const { return path_ / name; }

private:
    static inline int counter_ = 0;
    fs::path path_;
};

/// Reads back with SQLite itself: each row as column name -> value text
/// ("NULL" for null), plus the column's storage class.
class Db {
public:
    explicit Db(const fs::path& path)
    {
        if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
            ADD_FAILURE() << "cannot open " << path;
        }
    }
    ~Db() { sqlite3_close(db_); }
    Db(const Db&) = delete;
    Db& operator=(const Db&) = delete;

    struct Cell {
        int type = SQLITE_NULL;
        std::string text;
    };
    std::vector<std::map<std::string, Cell>> rows(const std::string& sql) const
    {
        std::vector<std::map<std::string, Cell>> out;
        sqlite3_stmt* statement = nullptr;
        if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &statement, nullptr) != SQLITE_OK) {
            ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db_);
            return out;
        }
        while (sqlite3_step(statement) == SQLITE_ROW) {
            auto& row = out.emplace_back();
            for (int i = 0; i < sqlite3_column_count(statement); ++i) {
                Cell cell;
                cell.type = sqlite3_column_type(statement, i);
                if (cell.type != SQLITE_NULL) {
                    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement, i));
                    cell.text.assign(text, static_cast<std::size_t>(sqlite3_column_bytes(statement, i)));
                }
                row[sqlite3_column_name(statement, i)] = cell;
            }
        }
        sqlite3_finalize(statement);
        return out;
    }
    std::string scalar(const std::string& sql) const
    {
        auto result = rows(sql);
        return result.empty() || result[0].empty() ? "" : result[0].begin()->second.text;
    }

private:
    sqlite3* db_ = nullptr;
};

struct Fixture {
    explicit Fixture(SettingList settings) : crawler(make_crawler(settings))
    {
        pipeline = SqlitePipeline::from_crawler(*crawler);
    }
    void open() { run(pipeline->open_spider(crawler->spider())); }
    void put(Item item)
    {
        auto action = run(pipeline->process_item(item, crawler->spider()));
        ASSERT_TRUE(std::holds_alternative<Item>(action));
        EXPECT_EQ(std::get<Item>(action), item) << "the item goes on unchanged";
    }
    void close() { run(pipeline->close_spider(crawler->spider())); }

    std::unique_ptr<Crawler> crawler;
    std::unique_ptr<SqlitePipeline> pipeline;
};

TEST(SqliteStore, SanitisesAndQuotesNames)
{
    using pipelines::SqliteStore;
    EXPECT_EQ(SqliteStore::table_name("book"), "book");
    EXPECT_EQ(SqliteStore::table_name("my-kind!"), "my_kind_");
    EXPECT_EQ(SqliteStore::table_name(""), "items");
    EXPECT_EQ(SqliteStore::table_name("sqlite_master"), "t_sqlite_master");
    EXPECT_EQ(SqliteStore::table_name("x\"; DROP TABLE y; --"), "x___DROP_TABLE_y____");
    EXPECT_EQ(SqliteStore::quote("a\"b"), "\"a\"\"b\"");
}

TEST(SqlitePipeline, TablePerKindWithTypedColumns)
{
    TempDir dir;
    Fixture f{{{"SQLITE_PATH", json::value((dir / "%(name)s.sqlite").string())}}};
    f.open();
    EXPECT_EQ(f.pipeline->path(), (dir / "test.sqlite").string()) << "%(name)s is the spider's name";
    f.put(Item{"book", {{"title", "Dune"}, {"price", 9.5}, {"stock", 3}, {"new", true}, {"isbn", nullptr}}});
    f.put(Item{"book", {{"title", "Emma"}, {"pages", 474}}});  // a new field: a new column
    f.put(Item{"odd kind", {{"weird \"col\"", "v"}}});
    f.close();
    EXPECT_EQ(f.crawler->stats().get_number("sqlite/items_written"), 3);

    Db db{dir / "test.sqlite"};
    EXPECT_EQ(db.scalar("PRAGMA journal_mode"), "wal");
    auto books = db.rows("SELECT * FROM book ORDER BY rowid");
    ASSERT_EQ(books.size(), 2U);
    EXPECT_EQ(books[0]["title"].text, "Dune");
    EXPECT_EQ(books[0]["price"].type, SQLITE_FLOAT);
    EXPECT_EQ(books[0]["stock"].type, SQLITE_INTEGER);
    EXPECT_EQ(books[0]["new"].text, "1");
    EXPECT_EQ(books[0]["isbn"].type, SQLITE_NULL);
    EXPECT_EQ(books[0]["pages"].type, SQLITE_NULL);
    EXPECT_EQ(books[1]["pages"].text, "474");
    EXPECT_EQ(books[1]["price"].type, SQLITE_NULL);
    auto types = db.rows("SELECT name, type FROM pragma_table_info('book')");
    std::map<std::string, std::string> declared;
    for (auto& row : types) {
        declared[row["name"].text] = row["type"].text;
    }
    EXPECT_EQ(declared["title"], "TEXT");
    EXPECT_EQ(declared["price"], "REAL");
    EXPECT_EQ(declared["stock"], "INTEGER");
    EXPECT_EQ(declared["pages"], "INTEGER");
    EXPECT_EQ(db.scalar("SELECT \"weird \"\"col\"\"\" FROM odd_kind"), "v");
}

TEST(SqlitePipeline, UnicodeLargeNestedAndNonUtf8ValuesRoundTrip)
{
    TempDir dir;
    Fixture f{{{"SQLITE_PATH", json::value((dir / "items.sqlite").string())}}};
    f.open();
    const std::string big(1 << 20, 'y');
    const std::string bytes = "caf\xe9 \xff\xfe\x80 end";  // Latin-1 and stray bytes: not UTF-8
    const std::string unicode = "Zoë — 東京 🚀";
    const auto nested = json::parse(R"({"a": [1, {"b": null}], "c": "d"})");
    f.put(Item{"page", {{"n", 1}, {"text", unicode}, {"big", big}, {"nested", nested}, {"raw", bytes},
                        {"list", json::array{"x", 2}}}});
    f.close();

    Db db{dir / "items.sqlite"};
    auto rows = db.rows("SELECT * FROM page");
    ASSERT_EQ(rows.size(), 1U);
    EXPECT_EQ(rows[0]["text"].text, unicode);
    EXPECT_EQ(rows[0]["big"].text.size(), big.size());
    EXPECT_EQ(rows[0]["big"].text, big);
    EXPECT_EQ(json::parse(rows[0]["nested"].text), nested);
    EXPECT_EQ(rows[0]["list"].text, R"(["x",2])");
    EXPECT_EQ(rows[0]["raw"].type, SQLITE_TEXT);
    EXPECT_EQ(rows[0]["raw"].text, bytes) << "the bytes as they were";
}

TEST(SqlitePipeline, KeyMakesAUniqueIndexAndUpserts)
{
    TempDir dir;
    Fixture f{{{"SQLITE_PATH", json::value((dir / "items.sqlite").string())},
               {"SQLITE_KEY", json::parse(R"({"book": ["isbn"], "*": ["url", "lang"]})")}}};
    f.open();
    f.put(Item{"book", {{"isbn", "1"}, {"title", "old"}, {"price", 5}}});
    f.put(Item{"book", {{"isbn", "2"}, {"title", "other"}}});
    f.put(Item{"book", {{"isbn", "1"}, {"title", "new"}}});  // updates title, keeps price
    f.put(Item{"page", {{"url", "a"}, {"lang", "en"}, {"v", 1}}});
    f.put(Item{"page", {{"url", "a"}, {"lang", "de"}, {"v", 2}}});
    f.put(Item{"page", {{"url", "a"}, {"lang", "en"}, {"v", 3}}});
    f.put(Item{"page", {{"v", 4}}});  // no key columns at all: null keys never conflict
    f.put(Item{"page", {{"v", 5}}});
    f.close();

    Db db{dir / "items.sqlite"};
    auto books = db.rows("SELECT isbn, title, price FROM book ORDER BY isbn");
    ASSERT_EQ(books.size(), 2U);
    EXPECT_EQ(books[0]["title"].text, "new");
    EXPECT_EQ(books[0]["price"].text, "5");
    EXPECT_EQ(db.scalar("SELECT group_concat(v) FROM (SELECT v FROM page ORDER BY v)"), "2,3,4,5");
    EXPECT_EQ(db.scalar("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND sql LIKE '%UNIQUE%'"), "2");
}

TEST(SqlitePipeline, ReopensAnExistingDatabase)
{
    TempDir dir;
    const auto path = (dir / "items.sqlite").string();
    {
        Fixture f{{{"SQLITE_PATH", json::value(path)}, {"SQLITE_KEY", json::array{"id"}}}};
        f.open();
        f.put(Item{"row", {{"id", 1}, {"a", "x"}}});
        f.close();
    }
    Fixture f{{{"SQLITE_PATH", json::value(path)}, {"SQLITE_KEY", json::array{"id"}}}};
    f.open();
    f.put(Item{"row", {{"id", 1}, {"b", "y"}}});
    f.put(Item{"row", {{"id", 2}, {"A", "z"}}});  // column names are case-insensitive in SQLite
    f.close();
    Db db{path};
    EXPECT_EQ(db.scalar("SELECT count(*) FROM row"), "2");
    EXPECT_EQ(db.scalar("SELECT a || b FROM row WHERE id = 1"), "xy");
    EXPECT_EQ(db.scalar("SELECT a FROM row WHERE id = 2"), "z");
}

TEST(SqlitePipeline, BatchesCommitBySizeAndByTime)
{
    TempDir dir;
    const auto path = (dir / "items.sqlite").string();
    Fixture f{{{"SQLITE_PATH", json::value(path)}, {"SQLITE_BATCH_SIZE", 10}, {"SQLITE_FLUSH_SECS", 0.05}}};
    f.open();
    for (int i = 0; i < 25; ++i) {
        f.put(Item{"n", {{"i", i}}});
    }
    // The last five wait for the flush interval, not for more items.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{20};
    while (f.crawler->stats().get_number("sqlite/items_written") < 25 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds{5});
    }
    EXPECT_EQ(f.crawler->stats().get_number("sqlite/items_written"), 25);
    EXPECT_GE(f.crawler->stats().get_number("sqlite/commits"), 3);
    {
        Db db{path};
        EXPECT_EQ(db.scalar("SELECT count(*) FROM n"), "25") << "visible to a reader before close";
    }
    f.close();
}

TEST(SqlitePipeline, CommittedRowsSurviveAKillMidBatch)
{
    TempDir dir;
    const auto path = (dir / "items.sqlite").string();
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        // The child writes two full batches, waits for them to commit, then
        // dies by SIGKILL with a third batch (3 MB, so part of it has reached
        // the WAL file) in progress.
        Fixture f{{{"SQLITE_PATH", json::value(path)}, {"SQLITE_BATCH_SIZE", 50}, {"SQLITE_FLUSH_SECS", 3600}}};
        f.open();
        for (int i = 0; i < 100; ++i) {
            f.put(Item{"n", {{"i", i}}});
        }
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{30};
        while (f.crawler->stats().get_number("sqlite/items_written") < 100) {
            if (std::chrono::steady_clock::now() > deadline) {
                ::_exit(3);
            }
            std::this_thread::sleep_for(std::chrono::milliseconds{5});
        }
        const std::string filler(100 * 1024, 'z');
        for (int i = 100; i < 130; ++i) {
            f.put(Item{"n", {{"i", i}, {"filler", filler}}});
        }
        ::raise(SIGKILL);
        ::_exit(4);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFSIGNALED(status)) << "child exited with " << WEXITSTATUS(status);
    EXPECT_EQ(WTERMSIG(status), SIGKILL);

    Db db{path};
    EXPECT_EQ(db.scalar("PRAGMA integrity_check"), "ok");
    EXPECT_EQ(db.scalar("SELECT count(*) FROM n"), "100");
    EXPECT_EQ(db.scalar("SELECT max(i) FROM n"), "99");
}

TEST(SqlitePipeline, UnopenablePathFailsOpenSpider)
{
    TempDir dir;
    const auto file = dir / "a_file";
    std::ofstream{file} << "x";
    {
        Fixture f{{{"SQLITE_PATH", json::value((file / "items.sqlite").string())}}};
        try {
            f.open();
            ADD_FAILURE() << "open_spider must fail";
        } catch (const std::runtime_error& e) {
            EXPECT_NE(std::string{e.what()}.find("a_file"), std::string::npos) << e.what();
        }
        EXPECT_THROW(f.put(Item{"n", {{"i", 1}}}), std::runtime_error);
    }
    {
        Fixture f{{{"SQLITE_PATH", json::value(dir.operator/("").string())}}};  // a directory
        EXPECT_THROW(f.open(), std::runtime_error);
    }
}

TEST(SqlitePipeline, RejectsBadSettings)
{
    auto zero = make_crawler({{"SQLITE_BATCH_SIZE", 0}});
    EXPECT_THROW(SqlitePipeline::from_crawler(*zero), SettingsError);
    auto key = make_crawler({{"SQLITE_KEY", json::object{{"book", 1}}}});
    EXPECT_THROW(SqlitePipeline::from_crawler(*key), SettingsError);
}

} // namespace
} // namespace trawl::test
