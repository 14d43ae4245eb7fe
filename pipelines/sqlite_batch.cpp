#include "sqlite_batch.hpp"

#include <boost/json/serializer.hpp>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <iterator>
#include <limits>

namespace trawl::pipelines {

namespace {

// Past this, clear() gives the memory back: one item of 100 MB must not
// keep 100 MB for the rest of the crawl.
constexpr std::size_t kept_text_bytes = std::size_t{16} << 20;
constexpr std::size_t kept_values = std::size_t{1} << 18;

// How many recent signatures add() compares an item with: items of two or
// three kinds often alternate, and scanning them all would make a batch of
// many different field sets quadratic.
constexpr std::size_t signatures_compared = 4;

// A string JSON writes as its bytes between quotes: printable ASCII
// without '"' or a backslash.
bool plain(std::string_view text)
{
    return std::all_of(text.begin(), text.end(),
                       [](char c) { return c >= 0x20 && c < 0x7f && c != '"' && c != '\\'; });
}

void append_quoted(std::string& out, std::string_view text)
{
    out.push_back('"');
    out.append(text);
    out.push_back('"');
}

// Appends `value`, a scalar, as boost::json::serialize writes it, or
// returns false for a double, a string that needs escapes or a list or
// object (serializer's formatting is the reference).
bool append_simple_scalar(std::string& out, const boost::json::value& value)
{
    char digits[24];
    switch (value.kind()) {
    case boost::json::kind::null:
        out += "null";
        return true;
    case boost::json::kind::bool_:
        out += value.get_bool() ? "true" : "false";
        return true;
    case boost::json::kind::int64:
        out.append(digits, std::to_chars(digits, std::end(digits), value.get_int64()).ptr);
        return true;
    case boost::json::kind::uint64:
        out.append(digits, std::to_chars(digits, std::end(digits), value.get_uint64()).ptr);
        return true;
    case boost::json::kind::string:
        if (!plain(value.get_string())) {
            return false;
        }
        append_quoted(out, value.get_string());
        return true;
    default:
        return false;
    }
}

// Most list fields are tags or ids: writing those directly costs a third
// of going through boost::json::serializer.
bool append_simple_json(std::string& out, const boost::json::value& value)
{
    const auto start = out.size();
    bool simple = true;
    if (const auto* array = value.if_array()) {
        out.push_back('[');
        for (const auto& element : *array) {
            if (out.size() > start + 1) {
                out.push_back(',');
            }
            if (!(simple = append_simple_scalar(out, element))) {
                break;
            }
        }
        out.push_back(']');
    } else if (const auto* object = value.if_object()) {
        out.push_back('{');
        for (const auto& field : *object) {
            if (out.size() > start + 1) {
                out.push_back(',');
            }
            if (!(simple = plain(field.key()))) {
                break;
            }
            append_quoted(out, field.key());
            out.push_back(':');
            if (!(simple = append_simple_scalar(out, field.value()))) {
                break;
            }
        }
        out.push_back('}');
    } else {
        simple = false;
    }
    if (!simple) {
        out.resize(start);
    }
    return simple;
}

void append_json(std::string& out, const boost::json::value& value)
{
    if (append_simple_json(out, value)) {
        return;
    }
    // One serializer per thread: it keeps its nesting stack between items
    // instead of allocating it for each list.
    thread_local boost::json::serializer serializer;
    serializer.reset(&value);
    const auto start = out.size();
    while (!serializer.done()) {
        // Room for a small list at once; a large one doubles it each time.
        const auto at = out.size();
        out.resize(at + std::max<std::size_t>(256, at - start));
        const auto written = serializer.read(out.data() + at, out.size() - at);
        out.resize(at + written.size());
    }
}

} // namespace

std::size_t SqlBatch::signature_for(const Item& item)
{
    const auto& fields = item.fields();
    // Sizes first: this runs for every item, and most names differ in length.
    auto same = [](std::string_view a, std::string_view b) {
        return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size()) == 0;
    };
    auto matches = [&](const Signature& signature) {
        return same(signature.kind, item.kind()) &&
               std::equal(signature.columns.begin(), signature.columns.end(), fields.begin(), fields.end(),
                          [&](const std::string& column, const auto& field) {
                              return same(column, {field.key().data(), field.key().size()});
                          });
    };
    const auto recent = std::min(signatures_.size(), signatures_compared);
    for (std::size_t i = signatures_.size(); i > signatures_.size() - recent; --i) {
        if (matches(signatures_[i - 1])) {
            return i - 1;
        }
    }
    Signature signature;
    signature.kind = item.kind();
    signature.columns.reserve(fields.size());
    for (const auto& field : fields) {
        signature.columns.emplace_back(field.key().data(), field.key().size());
    }
    signatures_.push_back(std::move(signature));
    return signatures_.size() - 1;
}

void SqlBatch::add(const Item& item)
{
    const auto old_signatures = signatures_.size();
    const auto old_values = values_.size();
    const auto old_text = text_.size();
    try {
        Row row{signature_for(item), values_.size()};
        for (const auto& field : item.fields()) {
            const auto& value = field.value();
            SqlValue& out = values_.emplace_back();
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
                    out.text_offset = text_.size();
                    text_ += std::to_string(value.get_uint64());
                    out.text_size = text_.size() - out.text_offset;
                }
                break;
            case boost::json::kind::double_:
                out.type = SqlValue::Type::real;
                out.real = value.get_double();
                break;
            case boost::json::kind::string:
                out.type = SqlValue::Type::text;
                out.text_offset = text_.size();
                out.text_size = value.get_string().size();
                text_.append(value.get_string().data(), value.get_string().size());
                break;
            case boost::json::kind::array:
            case boost::json::kind::object:
                out.type = SqlValue::Type::text;
                out.text_offset = text_.size();
                append_json(text_, value);
                out.text_size = text_.size() - out.text_offset;
                break;
            }
        }
        rows_.push_back(row);
    } catch (...) {
        signatures_.erase(signatures_.begin() + static_cast<std::ptrdiff_t>(old_signatures), signatures_.end());
        values_.erase(values_.begin() + static_cast<std::ptrdiff_t>(old_values), values_.end());
        text_.resize(old_text);
        throw;
    }
}

void SqlBatch::clear() noexcept
{
    signatures_.clear();
    rows_.clear();
    values_.clear();
    text_.clear();
    if (text_.capacity() > kept_text_bytes) {
        std::string{}.swap(text_);
    }
    if (values_.capacity() > kept_values) {
        std::vector<SqlValue>{}.swap(values_);
    }
}

} // namespace trawl::pipelines
