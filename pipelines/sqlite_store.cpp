#include "sqlite_store.hpp"

#include <boost/json/serialize.hpp>

#include <fmt/format.h>
#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <limits>
#include <stdexcept>

namespace trawl::pipelines {

namespace {

std::string lower(std::string_view text)
{
    std::string out{text};
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::string_view declared_type(SqlValue::Type type)
{
    switch (type) {
    case SqlValue::Type::integer:
        return " INTEGER";
    case SqlValue::Type::real:
        return " REAL";
    case SqlValue::Type::text:
        return " TEXT";
    case SqlValue::Type::null:
        break;
    }
    return "";  // no affinity: a column first seen as null keeps what it gets later
}

SqlValue to_sql_value(const boost::json::value& value)
{
    SqlValue out;
    switch (value.kind()) {
    case boost::json::kind::null:
        break;
    case boost::json::kind::bool_:
        out.type = SqlValue::Type::integer;
        out.integer = value.get_bool() ? 1 : 0;
        break;
    case boost::json::kind::int64:
        out.type = SqlValue::Type::integer;
        out.integer = value.get_int64();
        break;
    case boost::json::kind::uint64:
        // Past INT64_MAX SQLite has no integer for it: keep the digits.
        if (value.get_uint64() <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
            out.type = SqlValue::Type::integer;
            out.integer = static_cast<std::int64_t>(value.get_uint64());
        } else {
            out.type = SqlValue::Type::text;
            out.text = std::to_string(value.get_uint64());
        }
        break;
    case boost::json::kind::double_:
        out.type = SqlValue::Type::real;
        out.real = value.get_double();
        break;
    case boost::json::kind::string:
        out.type = SqlValue::Type::text;
        out.text.assign(value.get_string().data(), value.get_string().size());
        break;
    case boost::json::kind::array:
    case boost::json::kind::object:
        out.type = SqlValue::Type::text;
        out.text = boost::json::serialize(value);
        break;
    }
    return out;
}

} // namespace

SqlRow to_sql_row(const Item& item)
{
    SqlRow row;
    row.kind = item.kind();
    row.columns.reserve(item.fields().size());
    for (const auto& field : item.fields()) {
        row.columns.emplace_back(std::string{field.key().data(), field.key().size()}, to_sql_value(field.value()));
    }
    return row;
}

std::string SqliteStore::table_name(std::string_view kind)
{
    std::string name;
    for (const char c : kind) {
        const auto u = static_cast<unsigned char>(c);
        name.push_back(std::isalnum(u) != 0 || c == '_' ? c : '_');
    }
    if (name.empty()) {
        name = "items";
    }
    // SQLite reserves these names for its own tables.
    if (lower(name).starts_with("sqlite_")) {
        name.insert(0, "t_");
    }
    return name;
}

std::string SqliteStore::quote(std::string_view identifier)
{
    std::string out = "\"";
    for (const char c : identifier) {
        if (c == '"') {
            out.push_back('"');
        }
        out.push_back(c);
    }
    out.push_back('"');
    return out;
}

SqliteStore::SqliteStore(const std::string& path, KindFields keys) : path_(path), keys_(std::move(keys))
{
    const int rc = sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                   nullptr);
    if (rc != SQLITE_OK) {
        std::string message = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
        sqlite3_close(db_);
        db_ = nullptr;
        throw std::runtime_error{fmt::format("sqlite: cannot open '{}': {}", path, message)};
    }
    try {
        // SQLite opens lazily: this first statement is what finds out
        // whether the file can be created and written. WAL keeps committed
        // batches through a crash; NORMAL syncs at checkpoints, which loses
        // nothing when the process dies (only on power loss).
        exec("PRAGMA journal_mode=WAL");
        exec("PRAGMA synchronous=NORMAL");
        exec("CREATE TABLE IF NOT EXISTS trawl_open_check(x); DROP TABLE trawl_open_check");
    } catch (...) {
        sqlite3_close(db_);
        db_ = nullptr;
        throw;
    }
}

SqliteStore::~SqliteStore()
{
    for (auto& [kind, table] : tables_) {
        for (auto& [columns, statement] : table.statements) {
            sqlite3_finalize(statement);
        }
    }
    sqlite3_close(db_);
}

void SqliteStore::fail(std::string_view what) const
{
    throw std::runtime_error{fmt::format("sqlite: {} ({}): {}", what, path_, sqlite3_errmsg(db_))};
}

void SqliteStore::exec(const std::string& sql)
{
    char* error = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
        std::string message = error ? error : sqlite3_errmsg(db_);
        sqlite3_free(error);
        throw std::runtime_error{fmt::format("sqlite: {} ({}): {}", sql.substr(0, 80), path_, message)};
    }
}

void SqliteStore::begin() { exec("BEGIN"); }
void SqliteStore::commit() { exec("COMMIT"); }

void SqliteStore::rollback() noexcept
{
    if (sqlite3_get_autocommit(db_) == 0) {
        sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    }
}

SqliteStore::Table& SqliteStore::table_for(const SqlRow& row)
{
    if (auto it = tables_.find(row.kind); it != tables_.end()) {
        return it->second;
    }
    Table table;
    table.name = table_name(row.kind);
    table.key = keys_.for_kind(row.kind);

    // A database from an earlier crawl already has the table: learn its columns.
    sqlite3_stmt* info = nullptr;
    if (sqlite3_prepare_v2(db_, fmt::format("PRAGMA table_info({})", quote(table.name)).c_str(), -1, &info,
                           nullptr) != SQLITE_OK) {
        fail("table_info");
    }
    while (sqlite3_step(info) == SQLITE_ROW) {
        const auto* name = reinterpret_cast<const char*>(sqlite3_column_text(info, 1));
        table.columns.emplace(lower(name ? name : ""), true);
    }
    sqlite3_finalize(info);

    if (table.columns.empty()) {
        // The key columns exist from the start: the unique index needs them.
        std::string sql = fmt::format("CREATE TABLE IF NOT EXISTS {} (", quote(table.name));
        bool first = true;
        auto add = [&](std::string_view column, SqlValue::Type type) {
            if (table.columns.emplace(lower(column), true).second) {
                sql += fmt::format("{}{}{}", first ? "" : ", ", quote(column), declared_type(type));
                first = false;
            }
        };
        for (const auto& column : table.key) {
            auto it = std::find_if(row.columns.begin(), row.columns.end(),
                                   [&](const auto& c) { return c.first == column; });
            add(column, it == row.columns.end() ? SqlValue::Type::null : it->second.type);
        }
        for (const auto& [column, value] : row.columns) {
            add(column, value.type);
        }
        if (first) {
            // A table needs a column; an item without fields still gets a row.
            add("_empty", SqlValue::Type::null);
        }
        sql += ")";
        exec(sql);
    } else {
        for (const auto& column : table.key) {
            if (!table.columns.contains(lower(column))) {
                exec(fmt::format("ALTER TABLE {} ADD COLUMN {}", quote(table.name), quote(column)));
                table.columns.emplace(lower(column), true);
            }
        }
    }
    if (!table.key.empty()) {
        std::string columns;
        for (const auto& column : table.key) {
            columns += (columns.empty() ? "" : ", ") + quote(column);
        }
        exec(fmt::format("CREATE UNIQUE INDEX IF NOT EXISTS {} ON {} ({})", quote(table.name + "_key"),
                         quote(table.name), columns));
    }
    return tables_.emplace(row.kind, std::move(table)).first->second;
}

void SqliteStore::add_columns(Table& table, const SqlRow& row)
{
    for (const auto& [column, value] : row.columns) {
        auto name = lower(column);
        if (!table.columns.contains(name)) {
            exec(fmt::format("ALTER TABLE {} ADD COLUMN {}{}", quote(table.name), quote(column),
                             declared_type(value.type)));
            table.columns.emplace(std::move(name), true);
        }
    }
}

sqlite3_stmt* SqliteStore::statement_for(Table& table, const SqlRow& row)
{
    if (table.last_statement != nullptr &&
        std::equal(row.columns.begin(), row.columns.end(), table.last_columns.begin(), table.last_columns.end(),
                   [](const auto& column, const std::string& name) { return column.first == name; })) {
        return table.last_statement;
    }
    table.last_columns.clear();
    for (const auto& [column, value] : row.columns) {
        table.last_columns.push_back(column);
    }
    table.last_statement = lookup_statement(table, row);
    return table.last_statement;
}

sqlite3_stmt* SqliteStore::lookup_statement(Table& table, const SqlRow& row)
{
    std::string signature;
    for (const auto& [column, value] : row.columns) {
        signature += column;
        signature.push_back('\0');
    }
    if (auto it = table.statements.find(signature); it != table.statements.end()) {
        return it->second;
    }
    add_columns(table, row);
    std::string columns;
    std::string placeholders;
    std::string updates;
    for (const auto& [column, value] : row.columns) {
        columns += (columns.empty() ? "" : ", ") + quote(column);
        placeholders += placeholders.empty() ? "?" : ", ?";
        if (std::find(table.key.begin(), table.key.end(), column) == table.key.end()) {
            updates += fmt::format("{}{} = excluded.{}", updates.empty() ? "" : ", ", quote(column), quote(column));
        }
    }
    std::string sql;
    if (row.columns.empty()) {
        sql = fmt::format("INSERT INTO {} DEFAULT VALUES", quote(table.name));
    } else {
        sql = fmt::format("INSERT INTO {} ({}) VALUES ({})", quote(table.name), columns, placeholders);
        if (!table.key.empty()) {
            std::string target;
            for (const auto& column : table.key) {
                target += (target.empty() ? "" : ", ") + quote(column);
            }
            // A later item with the same key updates the fields it has and
            // keeps the others.
            sql += updates.empty() ? fmt::format(" ON CONFLICT ({}) DO NOTHING", target)
                                   : fmt::format(" ON CONFLICT ({}) DO UPDATE SET {}", target, updates);
        }
    }
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), static_cast<int>(sql.size()), &statement, nullptr) != SQLITE_OK) {
        fail("prepare insert");
    }
    table.statements.emplace(std::move(signature), statement);
    return statement;
}

void SqliteStore::write(const SqlRow& row)
{
    Table& table = table_for(row);
    sqlite3_stmt* statement = statement_for(table, row);
    int index = 1;
    for (const auto& [column, value] : row.columns) {
        int rc = SQLITE_OK;
        switch (value.type) {
        case SqlValue::Type::null:
            rc = sqlite3_bind_null(statement, index);
            break;
        case SqlValue::Type::integer:
            rc = sqlite3_bind_int64(statement, index, value.integer);
            break;
        case SqlValue::Type::real:
            rc = sqlite3_bind_double(statement, index, value.real);
            break;
        case SqlValue::Type::text:
            // The bytes as they are, valid UTF-8 or not: SQLite does not
            // check, so nothing is lost.
            rc = sqlite3_bind_text64(statement, index, value.text.data(), value.text.size(), SQLITE_STATIC,
                                     SQLITE_UTF8);
            break;
        }
        if (rc != SQLITE_OK) {
            sqlite3_reset(statement);
            fail("bind");
        }
        ++index;
    }
    const int rc = sqlite3_step(statement);
    // Every parameter is bound for each row: no sqlite3_clear_bindings.
    sqlite3_reset(statement);
    if (rc != SQLITE_DONE) {
        fail(fmt::format("insert into {}", table.name));
    }
}

} // namespace trawl::pipelines
