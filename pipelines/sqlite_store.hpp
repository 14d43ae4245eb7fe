#pragma once
// The "sqlite" pipeline's database side: one table per item kind, columns
// added as fields appear, optional upsert on a key. Blocking; used from the
// pipeline's writer thread only (one SqliteStore per thread).

#include "kind_fields.hpp"
#include "sqlite_batch.hpp"
#include "sqlite_checkpointer.hpp"

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace trawl::pipelines {

/// A row that could not be stored: its index in the batch and why.
struct SqlRowError {
    std::size_t row = 0;
    std::string message;
};

class SqliteStore {
public:
    /// Opens (creating if needed) the database at `path` in WAL mode.
    /// Throws std::runtime_error naming the path and SQLite's message when
    /// it cannot be opened or written.
    SqliteStore(const std::string& path, KindFields keys);
    ~SqliteStore();
    SqliteStore(const SqliteStore&) = delete;
    SqliteStore& operator=(const SqliteStore&) = delete;

    void begin();
    void commit();
    /// Best effort after a failed commit; never throws.
    void rollback() noexcept;

    /// Inserts (or, with a key for their kind, upserts) rows [first, last)
    /// of `batch` in their order, creating tables and adding missing
    /// columns first. A row that fails is left out and reported in
    /// `errors`; the others are stored. Returns how many were stored.
    std::size_t write(const SqlBatch& batch, std::size_t first, std::size_t last, std::vector<SqlRowError>& errors);

    /// "book" -> "book"; "my-kind!" -> "my_kind_"; "" -> "items": a table
    /// name of letters, digits and '_', never starting with "sqlite_".
    static std::string table_name(std::string_view kind);
    /// "a\"b" -> "\"a\"\"b\"": any name is a valid identifier once quoted.
    static std::string quote(std::string_view identifier);

    /// The most rows one INSERT statement takes: past 64, longer
    /// statements gained nothing measurable.
    static constexpr std::size_t max_rows_per_statement = 64;

private:
    // The INSERT statements for one column list: inserts[k] takes 2^k rows
    // (null until first needed), so any run of rows is a few statements.
    struct Inserts {
        std::vector<sqlite3_stmt*> by_log2;
        std::string table;
        std::size_t columns = 0;
        std::size_t max_rows = 1;  // by SQLite's limit on a statement's variables
        std::string sql_head;  // "INSERT INTO t (a, b) VALUES "
        std::string sql_tail;  // " ON CONFLICT ..." or ""
    };
    struct Table {
        std::string name;
        std::map<std::string, bool> columns;  // lower-cased names (SQLite's are case-insensitive)
        std::vector<std::string> key;
        std::map<std::string, Inserts> inserts;  // by column list
    };
    Table& table_for(const SqlBatch& batch, std::size_t row);
    void add_columns(Table& table, const SqlBatch& batch, std::size_t row);
    Inserts& inserts_for(const SqlBatch& batch, std::size_t row);
    sqlite3_stmt* statement(Inserts& inserts, std::size_t log2_rows);
    void insert(Inserts& inserts, std::size_t log2_rows, const SqlBatch& batch, std::size_t first);
    std::size_t write_run(Inserts& inserts, const SqlBatch& batch, std::size_t first, std::size_t last,
                          std::vector<SqlRowError>& errors);
    void exec(const std::string& sql);
    /// "wal", "delete", "memory"...: WAL mode can be refused (":memory:").
    std::string journal_mode();
    [[noreturn]] void fail(std::string_view what) const;

    std::string path_;
    KindFields keys_;
    sqlite3* db_ = nullptr;
    std::size_t max_variables_ = 999;
    std::map<std::string, Table, std::less<>> tables_;  // by kind
    std::unique_ptr<SqliteCheckpointer> checkpointer_;  // in WAL mode
};

} // namespace trawl::pipelines
