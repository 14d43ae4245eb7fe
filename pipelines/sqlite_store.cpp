#include "sqlite_store.hpp"

#include <fmt/format.h>
#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <bit>
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

} // namespace

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
        if (journal_mode() == "wal") {
            checkpointer_ = std::make_unique<SqliteCheckpointer>(db_, path);
        }
        max_variables_ = static_cast<std::size_t>(sqlite3_limit(db_, SQLITE_LIMIT_VARIABLE_NUMBER, -1));
    } catch (...) {
        checkpointer_.reset();  // it holds db_
        sqlite3_close(db_);
        db_ = nullptr;
        throw;
    }
}

SqliteStore::~SqliteStore()
{
    checkpointer_.reset();  // first: this connection's close then checkpoints the rest
    for (auto& [kind, table] : tables_) {
        for (auto& [columns, inserts] : table.inserts) {
            for (auto* statement : inserts.by_log2) {
                sqlite3_finalize(statement);
            }
        }
    }
    sqlite3_close(db_);
}

std::string SqliteStore::journal_mode()
{
    sqlite3_stmt* statement = nullptr;
    std::string mode;
    if (sqlite3_prepare_v2(db_, "PRAGMA journal_mode", -1, &statement, nullptr) == SQLITE_OK &&
        sqlite3_step(statement) == SQLITE_ROW) {
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
        mode = lower(text ? text : "");
    }
    sqlite3_finalize(statement);
    return mode;
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

SqliteStore::Table& SqliteStore::table_for(const SqlBatch& batch, std::size_t row)
{
    const auto& signature = batch.signature_of(row);
    if (auto it = tables_.find(signature.kind); it != tables_.end()) {
        return it->second;
    }
    const auto values = batch.values(row);
    Table table;
    table.name = table_name(signature.kind);
    table.key = keys_.for_kind(signature.kind);

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
            const auto at = static_cast<std::size_t>(
                std::find(signature.columns.begin(), signature.columns.end(), column) - signature.columns.begin());
            add(column, at == signature.columns.size() ? SqlValue::Type::null : values[at].type);
        }
        for (std::size_t i = 0; i < signature.columns.size(); ++i) {
            add(signature.columns[i], values[i].type);
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
    return tables_.emplace(signature.kind, std::move(table)).first->second;
}

void SqliteStore::add_columns(Table& table, const SqlBatch& batch, std::size_t row)
{
    const auto& columns = batch.signature_of(row).columns;
    const auto values = batch.values(row);
    for (std::size_t i = 0; i < columns.size(); ++i) {
        auto name = lower(columns[i]);
        if (!table.columns.contains(name)) {
            exec(fmt::format("ALTER TABLE {} ADD COLUMN {}{}", quote(table.name), quote(columns[i]),
                             declared_type(values[i].type)));
            table.columns.emplace(std::move(name), true);
        }
    }
}

SqliteStore::Inserts& SqliteStore::inserts_for(const SqlBatch& batch, std::size_t row)
{
    Table& table = table_for(batch, row);
    const auto& columns = batch.signature_of(row).columns;
    std::string signature;
    for (const auto& column : columns) {
        signature += column;
        signature.push_back('\0');
    }
    if (auto it = table.inserts.find(signature); it != table.inserts.end()) {
        return it->second;
    }
    add_columns(table, batch, row);
    Inserts inserts;
    inserts.table = table.name;
    inserts.columns = columns.size();
    if (columns.empty()) {
        inserts.sql_head = fmt::format("INSERT INTO {} DEFAULT VALUES", quote(table.name));
    } else {
        // The largest power of two within both limits.
        inserts.max_rows = std::bit_floor(
            std::clamp<std::size_t>(max_variables_ / columns.size(), 1, max_rows_per_statement));
        std::string names;
        std::string updates;
        for (const auto& column : columns) {
            names += (names.empty() ? "" : ", ") + quote(column);
            if (std::find(table.key.begin(), table.key.end(), column) == table.key.end()) {
                updates += fmt::format("{}{} = excluded.{}", updates.empty() ? "" : ", ", quote(column), quote(column));
            }
        }
        inserts.sql_head = fmt::format("INSERT INTO {} ({}) VALUES ", quote(table.name), names);
        if (!table.key.empty()) {
            std::string target;
            for (const auto& column : table.key) {
                target += (target.empty() ? "" : ", ") + quote(column);
            }
            // A later item with the same key updates the fields it has and
            // keeps the others. SQLite inserts a multi-row VALUES one row at
            // a time, so a key repeated within one statement is updated by
            // its later row as it would be by separate statements.
            inserts.sql_tail = updates.empty() ? fmt::format(" ON CONFLICT ({}) DO NOTHING", target)
                                               : fmt::format(" ON CONFLICT ({}) DO UPDATE SET {}", target, updates);
        }
    }
    return table.inserts.emplace(std::move(signature), std::move(inserts)).first->second;
}

sqlite3_stmt* SqliteStore::statement(Inserts& inserts, std::size_t log2_rows)
{
    if (inserts.by_log2.size() <= log2_rows) {
        inserts.by_log2.resize(log2_rows + 1, nullptr);
    }
    auto*& statement = inserts.by_log2[log2_rows];
    if (statement == nullptr) {
        std::string sql = inserts.sql_head;
        if (inserts.columns > 0) {
            std::string one_row = "(?";
            for (std::size_t i = 1; i < inserts.columns; ++i) {
                one_row += ",?";
            }
            one_row += ")";
            for (std::size_t i = 0; i < (std::size_t{1} << log2_rows); ++i) {
                sql += i == 0 ? "" : ",";
                sql += one_row;
            }
        }
        sql += inserts.sql_tail;
        if (sqlite3_prepare_v2(db_, sql.c_str(), static_cast<int>(sql.size()), &statement, nullptr) != SQLITE_OK) {
            statement = nullptr;
            fail("prepare insert");
        }
    }
    return statement;
}

void SqliteStore::insert(Inserts& inserts, std::size_t log2_rows, const SqlBatch& batch, std::size_t first)
{
    sqlite3_stmt* statement = this->statement(inserts, log2_rows);
    // Rows of one signature in a row sit next to each other: their values
    // are one contiguous run, bound in order.
    const auto values = batch.values_from(first).first(inserts.columns << log2_rows);
    int index = 1;
    for (const auto& value : values) {
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
        case SqlValue::Type::text: {
            // The bytes as they are, valid UTF-8 or not: SQLite does not
            // check, so nothing is lost. The batch outlives the step.
            const auto text = batch.text(value);
            rc = sqlite3_bind_text64(statement, index, text.data(), text.size(), SQLITE_STATIC, SQLITE_UTF8);
            break;
        }
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
        fail(fmt::format("insert into {}", inserts.table));
    }
}

// Rows [first, last) share one signature.
std::size_t SqliteStore::write_run(Inserts& inserts, const SqlBatch& batch, std::size_t first, std::size_t last,
                                   std::vector<SqlRowError>& errors)
{
    std::size_t written = 0;
    while (first < last) {
        // 1. As many rows as one statement takes, else the largest power
        //    of two left: 100 rows are 64 + 32 + 4.
        const auto rows = std::bit_floor(std::min(last - first, inserts.max_rows));
        const auto log2_rows = static_cast<std::size_t>(std::countr_zero(rows));
        if (rows > 1) {
            try {
                insert(inserts, log2_rows, batch, first);
                written += rows;
                first += rows;
                continue;
            } catch (const std::exception&) {
                // 2. A failed statement stored none of its rows (SQLite
                //    undoes the statement, not the transaction): again one
                //    by one, so only the bad rows are left out.
            }
        }
        for (const auto end = first + rows; first < end; ++first) {
            try {
                insert(inserts, 0, batch, first);
                ++written;
            } catch (const std::exception& e) {
                errors.push_back(SqlRowError{first, e.what()});
            }
        }
    }
    return written;
}

std::size_t SqliteStore::write(const SqlBatch& batch, std::size_t first, std::size_t last,
                               std::vector<SqlRowError>& errors)
{
    std::size_t written = 0;
    while (first < last) {
        const auto signature = batch.row(first).signature;
        auto end = first + 1;
        while (end < last && batch.row(end).signature == signature) {
            ++end;
        }
        Inserts* inserts = nullptr;
        try {
            inserts = &inserts_for(batch, first);
        } catch (const std::exception& e) {
            // No table or column for these rows: each is an error, as
            // each would have been alone.
            for (; first < end; ++first) {
                errors.push_back(SqlRowError{first, e.what()});
            }
            continue;
        }
        written += write_run(*inserts, batch, first, end, errors);
        first = end;
    }
    return written;
}

} // namespace trawl::pipelines
