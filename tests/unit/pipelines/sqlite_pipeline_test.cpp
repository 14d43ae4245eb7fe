// The "sqlite" pipeline driven without a crawl: tables and columns from
// items, upserts on a key, batches, odd values (unicode, 1 MB, nested,
// bytes that are not UTF-8), a crash mid-batch, and unopenable paths.

#include "unit/middlewares/middleware_test_support.hpp"

#include <sqlite_pipeline.hpp>
#include <sqlite_store.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <gtest/gtest.h>

#include <sqlite3.h>

#include <algorithm>

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

TEST(SqlBatch, SharesSignaturesAndKeepsValuesInRowOrder)
{
    pipelines::SqlBatch batch;
    batch.add(Item{"a", {{"x", 1}, {"y", "one"}}});
    batch.add(Item{"b", {{"x", 2.5}}});
    batch.add(Item{"a", {{"x", 3}, {"y", json::array{"p", nullptr}}}});
    batch.add(Item{"a", {{"y", "swapped"}, {"x", 4}}});  // same fields, another order: another signature
    ASSERT_EQ(batch.size(), 4U);
    EXPECT_EQ(batch.signature_count(), 3U);
    EXPECT_EQ(batch.row(0).signature, batch.row(2).signature);
    EXPECT_EQ(batch.signature_of(1).kind, "b");
    EXPECT_EQ(batch.signature_of(3).columns, (std::vector<std::string>{"y", "x"}));
    EXPECT_EQ(batch.values(1)[0].real, 2.5);
    EXPECT_EQ(batch.text(batch.values(0)[1]), "one");
    EXPECT_EQ(batch.text(batch.values(2)[1]), R"(["p",null])");
    EXPECT_EQ(batch.values(2)[0].integer, 3);
    batch.clear();
    EXPECT_TRUE(batch.empty());
    EXPECT_EQ(batch.signature_count(), 0U);
}

TEST(SqlBatch, ListsAndObjectsAreTheTextJsonSerializeWrites)
{
    // The short path for lists of plain scalars and the serializer must
    // agree byte for byte.
    const std::vector<json::value> values{
        json::array{},
        json::object{},
        json::array{"tag3", "sale"},
        json::array{1, -2, json::value(std::uint64_t{18446744073709551615ULL}), true, false, nullptr},
        json::parse(R"({"a": 1, "b": "x", "c": null})"),
        json::array{"quote \" inside", "back\\slash", "tab\t", "caf\xc3\xa9", "\x7f"},
        json::array{1.5, 1.0, -0.0, 1e300},
        json::array{json::array{1}, json::object{{"k", "v"}}},
        json::parse(R"({"odd \"key\"": 1})"),
        json::array{"ok", 2.5},
    };
    pipelines::SqlBatch batch;
    for (const auto& value : values) {
        batch.add(Item{"j", {{"v", value}}});
    }
    for (std::size_t i = 0; i < values.size(); ++i) {
        EXPECT_EQ(batch.text(batch.values(i)[0]), json::serialize(values[i])) << i;
    }
}

// A batch of `count` rows {i, s} and a store over a table whose CHECK
// rejects the rows in `bad`.
struct StoreWithBadRows {
    StoreWithBadRows(const fs::path& path, const std::string& bad, pipelines::KindFields keys = {})
    {
        {
            sqlite3* db = nullptr;
            sqlite3_open(path.c_str(), &db);
            const auto sql = "CREATE TABLE n (i INTEGER CHECK (i NOT IN (" + bad + ")), s TEXT)";
            EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
            sqlite3_close(db);
        }
        store = std::make_unique<pipelines::SqliteStore>(path.string(), std::move(keys));
    }
    std::unique_ptr<pipelines::SqliteStore> store;
};

pipelines::SqlBatch numbered_rows(int count)
{
    pipelines::SqlBatch batch;
    for (int i = 0; i < count; ++i) {
        batch.add(Item{"n", {{"i", i}, {"s", "row " + std::to_string(i)}}});
    }
    return batch;
}

TEST(SqliteStore, AFailingMultiRowStatementLosesOnlyItsBadRows)
{
    TempDir dir;
    StoreWithBadRows f{dir / "items.sqlite", "13, 64, 127, 199"};
    const auto batch = numbered_rows(200);
    std::vector<pipelines::SqlRowError> errors;
    f.store->begin();
    // 64 + 64 + 64 + 8 rows: a bad row inside the first statement, first
    // in the second, last in the third and last of all.
    EXPECT_EQ(f.store->write(batch, 0, batch.size(), errors), 196U);
    f.store->commit();
    ASSERT_EQ(errors.size(), 4U);
    EXPECT_EQ(errors[0].row, 13U);
    EXPECT_EQ(errors[1].row, 64U);
    EXPECT_EQ(errors[2].row, 127U);
    EXPECT_EQ(errors[3].row, 199U);
    EXPECT_NE(errors[0].message.find("CHECK"), std::string::npos) << errors[0].message;

    Db db{dir / "items.sqlite"};
    EXPECT_EQ(db.scalar("SELECT count(*) FROM n"), "196");
    EXPECT_EQ(db.scalar("SELECT count(*) FROM n WHERE s = 'row ' || i"), "196");
    EXPECT_EQ(db.scalar("SELECT count(*) FROM n WHERE i IN (12, 14, 63, 65, 126, 128, 198)"), "7");
}

TEST(SqliteStore, RangesAcrossStatementBoundariesKeepEveryRowInOrder)
{
    TempDir dir;
    StoreWithBadRows f{dir / "items.sqlite", "-1"};
    const auto batch = numbered_rows(300);
    std::vector<pipelines::SqlRowError> errors;
    std::size_t written = 0;
    // Ranges of 1, 63, 64, 65, 2 and the 105 left, starting anywhere.
    std::size_t at = 0;
    for (const std::size_t size : {1, 63, 64, 65, 2, 105}) {
        written += f.store->write(batch, at, at + size, errors);
        at += size;
    }
    EXPECT_EQ(at, 300U);
    EXPECT_EQ(written, 300U);
    EXPECT_TRUE(errors.empty());
    Db db{dir / "items.sqlite"};
    EXPECT_EQ(db.scalar("SELECT count(*) FROM n WHERE rowid = i + 1 AND s = 'row ' || i"), "300");
}

// Checkpoints run on their own thread (SqliteCheckpointer) while rows keep
// coming: ~80 MB of rows pass through a WAL that stays at its bound (the
// writer restarts it), and every row is there, intact, after the store
// closes.
TEST(SqliteStore, ManyCheckpointsKeepTheWalBoundedAndLoseNothing)
{
    TempDir dir;
    const auto path = dir / "items.sqlite";
    const std::string payload(1000, 'x');
    constexpr int total = 80000;
    constexpr int per_commit = 500;
    std::uintmax_t largest_wal = 0;
    {
        pipelines::SqliteStore store{path.string(), {}};
        std::vector<pipelines::SqlRowError> errors;
        for (int first = 0; first < total; first += per_commit) {
            pipelines::SqlBatch batch;
            for (int i = first; i < first + per_commit; ++i) {
                batch.add(Item{"n", {{"i", i}, {"s", payload}}});
            }
            store.begin();
            ASSERT_EQ(store.write(batch, 0, batch.size(), errors), static_cast<std::size_t>(per_commit));
            store.commit();
            std::error_code ec;
            largest_wal = std::max(largest_wal, fs::file_size(path.string() + "-wal", ec));
        }
        EXPECT_TRUE(errors.empty());
    }
    // Frames of 4 KB pages: the restart bound and a few commits' worth (one
    // commit is ~130 pages), far below the 80 MB written.
    const std::uintmax_t bound = (pipelines::SqliteCheckpointer::restart_pages + 1000) * std::uintmax_t{4096 + 24};
    EXPECT_GT(largest_wal, 0U);
    EXPECT_LT(largest_wal, bound);
    Db db{path};
    EXPECT_EQ(db.scalar("SELECT count(*) FROM n"), std::to_string(total));
    EXPECT_EQ(db.scalar("SELECT count(*) FROM n WHERE rowid = i + 1 AND length(s) = 1000"), std::to_string(total));
    EXPECT_EQ(db.scalar("PRAGMA integrity_check"), "ok");
}

TEST(SqliteStore, RepeatedKeysInOneStatementUpsertAsRowByRowWould)
{
    TempDir dir;
    const auto path = dir / "items.sqlite";
    pipelines::SqlBatch batch;
    batch.add(Item{"k", {{"id", 0}, {"v", -1}, {"extra", "kept"}}});
    for (int i = 1; i < 100; ++i) {
        batch.add(Item{"k", {{"id", i % 10}, {"v", i}}});  // each id ten times within 64-row statements
    }
    for (int i = 0; i < 100; ++i) {
        batch.add(Item{"only_key", {{"id", i % 7}}});  // nothing to update: DO NOTHING
    }
    const auto crawler = make_crawler({{"SQLITE_KEY", json::array{"id"}}});
    auto store = std::make_unique<pipelines::SqliteStore>(
        path.string(), pipelines::KindFields::from_setting(crawler->settings(), "SQLITE_KEY"));
    std::vector<pipelines::SqlRowError> errors;
    store->begin();
    EXPECT_EQ(store->write(batch, 0, batch.size(), errors), 200U);
    store->commit();
    EXPECT_TRUE(errors.empty());
    store.reset();

    Db db{path};
    EXPECT_EQ(db.scalar("SELECT count(*) FROM k"), "10");
    EXPECT_EQ(db.scalar("SELECT group_concat(v) FROM (SELECT v FROM k ORDER BY id)"),
              "90,91,92,93,94,95,96,97,98,99");
    EXPECT_EQ(db.scalar("SELECT extra FROM k WHERE id = 0"), "kept");
    EXPECT_EQ(db.scalar("SELECT count(*) FROM only_key"), "7");
}

TEST(SqlitePipeline, ABadRowCountsOneErrorAndTheOthersAreStored)
{
    TempDir dir;
    const auto path = dir / "items.sqlite";
    StoreWithBadRows{path, "50"}.store.reset();  // the CHECK constraint only
    Fixture f{{{"SQLITE_PATH", json::value(path.string())}}};
    f.open();
    for (int i = 0; i < 150; ++i) {
        f.put(Item{"n", {{"i", i}, {"s", "row " + std::to_string(i)}}});
    }
    f.close();
    EXPECT_EQ(f.crawler->stats().get_number("sqlite/items_written"), 149);
    EXPECT_EQ(f.crawler->stats().get_number("sqlite/errors"), 1);
    Db db{path};
    EXPECT_EQ(db.scalar("SELECT count(*) FROM n WHERE s = 'row ' || i"), "149");
    EXPECT_EQ(db.scalar("SELECT count(*) FROM n WHERE i = 50"), "0");
}

TEST(SqlitePipeline, InterleavedKindsAndFieldSetsKeepTheirValues)
{
    TempDir dir;
    Fixture f{{{"SQLITE_PATH", json::value((dir / "items.sqlite").string())}}};
    f.open();
    for (int i = 0; i < 500; ++i) {
        if (i % 3 == 0) {
            f.put(Item{"b", {{"n", i}}});
        } else if (i % 5 == 0) {
            f.put(Item{"a", {{"n", i}, {"extra", i * 2}}});
        } else if (i % 7 == 0) {
            f.put(Item{"a", {{"text", std::to_string(i)}, {"n", i}}});  // the same columns, another order
        } else {
            f.put(Item{"a", {{"n", i}, {"text", std::to_string(i)}}});
        }
    }
    f.close();
    EXPECT_EQ(f.crawler->stats().get_number("sqlite/items_written"), 500);
    EXPECT_EQ(f.crawler->stats().get_number("sqlite/errors"), 0);

    Db db{dir / "items.sqlite"};
    EXPECT_EQ(db.scalar("SELECT count(*) FROM b WHERE n % 3 = 0"), "167");
    EXPECT_EQ(db.scalar("SELECT count(*) FROM a"), "333");
    EXPECT_EQ(db.scalar("SELECT count(*) FROM a WHERE extra = 2 * n AND text IS NULL"), "66");
    EXPECT_EQ(db.scalar("SELECT count(*) FROM a WHERE text = CAST(n AS TEXT) AND extra IS NULL"), "267");
    // In the order the items came.
    EXPECT_EQ(db.scalar("SELECT count(*) FROM a AS x JOIN a AS y ON y.rowid = x.rowid + 1 WHERE y.n <= x.n"), "0");
}

TEST(SqlitePipeline, FewRowsAreCommittedByTheFlushIntervalAndOneRowBatchesWork)
{
    TempDir dir;
    const auto path = (dir / "items.sqlite").string();
    {
        // Fewer rows than the writer waits for in a batch of 1000.
        Fixture f{{{"SQLITE_PATH", json::value(path)}, {"SQLITE_FLUSH_SECS", 0.05}}};
        f.open();
        for (int i = 0; i < 300; ++i) {
            f.put(Item{"n", {{"i", i}}});
        }
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{20};
        while (f.crawler->stats().get_number("sqlite/items_written") < 300 &&
               std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds{5});
        }
        EXPECT_EQ(f.crawler->stats().get_number("sqlite/items_written"), 300);
        f.close();
    }
    {
        Fixture f{{{"SQLITE_PATH", json::value(path)}, {"SQLITE_BATCH_SIZE", 1}, {"SQLITE_FLUSH_SECS", 3600}}};
        f.open();
        for (int i = 0; i < 100; ++i) {
            f.put(Item{"m", {{"i", i}}});
        }
        f.close();
        EXPECT_EQ(f.crawler->stats().get_number("sqlite/items_written"), 100);
        EXPECT_EQ(f.crawler->stats().get_number("sqlite/commits"), 100);
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
