#pragma once
// Rows on their way from process_item to the "sqlite" pipeline's writer
// thread, stored flat: one vector of values and one buffer of text bytes
// for all rows, and the kind and column names once per run of rows that
// share them. A row therefore costs no allocation of its own, and handing
// rows to the writer is swapping two SqlBatch objects.

#include <trawl/item.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace trawl::pipelines {

/// A field as SQLite stores it: NULL, INTEGER (ints, bools), REAL, or TEXT
/// (strings as their bytes, even when not UTF-8; lists and objects as JSON).
struct SqlValue {
    enum class Type : std::uint8_t { null, integer, real, text };
    Type type = Type::null;
    std::int64_t integer = 0;
    double real = 0;
    std::size_t text_offset = 0;  // into the batch's text buffer
    std::size_t text_size = 0;
};

class SqlBatch {
public:
    /// The kind and the column names (field order) of some rows.
    struct Signature {
        std::string kind;
        std::vector<std::string> columns;
    };
    struct Row {
        std::size_t signature = 0;
        std::size_t first_value = 0;  // then one value per column
    };

    /// Appends the row for `item`. On an exception (only bad_alloc) the
    /// batch is as it was.
    void add(const Item& item);

    std::size_t size() const noexcept { return rows_.size(); }
    bool empty() const noexcept { return rows_.empty(); }
    /// Empties the batch, keeping its memory for the next rows unless an
    /// unusually large item made it big.
    void clear() noexcept;

    const Row& row(std::size_t index) const noexcept { return rows_[index]; }
    const Signature& signature(std::size_t index) const noexcept { return signatures_[index]; }
    std::size_t signature_count() const noexcept { return signatures_.size(); }
    const Signature& signature_of(std::size_t row) const noexcept { return signatures_[rows_[row].signature]; }
    /// Row `row`'s values. Consecutive rows of one signature have theirs
    /// next to each other: values_from(r) runs on through rows r+1, r+2...
    std::span<const SqlValue> values(std::size_t row) const noexcept
    {
        return {values_.data() + rows_[row].first_value, signature_of(row).columns.size()};
    }
    std::span<const SqlValue> values_from(std::size_t row) const noexcept
    {
        return std::span<const SqlValue>{values_}.subspan(rows_[row].first_value);
    }
    std::string_view text(const SqlValue& value) const noexcept
    {
        return std::string_view{text_}.substr(value.text_offset, value.text_size);
    }

private:
    std::size_t signature_for(const Item& item);

    std::vector<Signature> signatures_;
    std::vector<Row> rows_;
    std::vector<SqlValue> values_;
    std::string text_;
};

} // namespace trawl::pipelines
