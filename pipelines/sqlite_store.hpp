#pragma once
// The "sqlite" pipeline's database side: one table per item kind, columns
// added as fields appear, optional upsert on a key. Blocking; used from the
// pipeline's writer thread only (one SqliteStore per thread).

#include "kind_fields.hpp"

#include <trawl/item.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace trawl::pipelines {

/// A field as SQLite stores it: NULL, INTEGER (ints, bools), REAL, or TEXT
/// (strings as their bytes, even when not UTF-8; lists and objects as JSON).
struct SqlValue {
    enum class Type { null, integer, real, text };
    Type type = Type::null;
    std::int64_t integer = 0;
    double real = 0;
    std::string text;
};

struct SqlRow {
    std::string kind;
    std::vector<std::pair<std::string, SqlValue>> columns;  // field order
};

/// The row for `item`; made on the item's thread, so the writer thread
/// only binds.
SqlRow to_sql_row(const Item& item);

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

    /// Inserts (or, with a key for its kind, upserts) one row, creating its
    /// table and adding missing columns first. Throws std::runtime_error
    /// with SQLite's message on failure.
    void write(const SqlRow& row);

    /// "book" -> "book"; "my-kind!" -> "my_kind_"; "" -> "items": a table
    /// name of letters, digits and '_', never starting with "sqlite_".
    static std::string table_name(std::string_view kind);
    /// "a\"b" -> "\"a\"\"b\"": any name is a valid identifier once quoted.
    static std::string quote(std::string_view identifier);

private:
    struct Table {
        std::string name;
        std::map<std::string, bool> columns;  // lower-cased names (SQLite's are case-insensitive)
        std::vector<std::string> key;
        std::map<std::string, sqlite3_stmt*> statements;  // by column list
        // Items of a kind mostly have the same fields: the last statement
        // is checked first, without building its map key.
        std::vector<std::string> last_columns;
        sqlite3_stmt* last_statement = nullptr;
    };
    Table& table_for(const SqlRow& row);
    void add_columns(Table& table, const SqlRow& row);
    sqlite3_stmt* statement_for(Table& table, const SqlRow& row);
    sqlite3_stmt* lookup_statement(Table& table, const SqlRow& row);
    void exec(const std::string& sql);
    [[noreturn]] void fail(std::string_view what) const;

    std::string path_;
    KindFields keys_;
    sqlite3* db_ = nullptr;
    std::map<std::string, Table, std::less<>> tables_;  // by kind
};

} // namespace trawl::pipelines
