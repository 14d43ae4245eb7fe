#pragma once
// What the feed exporters share: UTF-8 decoding that never fails, Python's
// number formatting, a JSON writer with Python's json.dumps layout (the
// bytes Scrapy's JSON exporters write) and the choice of fields to export.

#include <trawl/feed_exporter.hpp>
#include <trawl/item.hpp>

#include <boost/json/value.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace trawl::feed {

inline constexpr char32_t replacement_character = 0xFFFD;

/// Decodes the code point at `text[pos]` into `code_point` and returns how
/// many bytes it took (at least 1). An ill-formed sequence (stray
/// continuation byte, overlong form, surrogate, past U+10FFFF, truncated)
/// gives U+FFFD for its longest valid prefix, as Unicode recommends.
std::size_t decode_utf8(std::string_view text, std::size_t pos, char32_t& code_point) noexcept;

/// Whether decode_utf8's U+FFFD at `text[pos]`, `length` bytes, stands
/// for ill-formed bytes (true) or is a real U+FFFD in the text (false).
bool ill_formed(std::string_view text, std::size_t pos, std::size_t length, char32_t code_point) noexcept;

void append_utf8(std::string& out, char32_t code_point);

/// `text` with each ill-formed UTF-8 sequence replaced by U+FFFD.
std::string valid_utf8(std::string_view text);

/// Whether `text` is well-formed UTF-8.
bool is_valid_utf8(std::string_view text) noexcept;

/// Standard base64 (RFC 4648, with padding).
std::string base64(std::string_view bytes);

/// Python's str()/repr() of a float: the shortest text that reads back the
/// same, in fixed notation from 1e-4 up to 1e16 ("0.0001", "1.5",
/// "1000000000000000.0"), else in exponent form ("1e-05", "1.5e+16");
/// "nan", "inf", "-inf".
std::string python_float(double value);
/// Appends python_float(value) to `out`.
void append_python_float(std::string& out, double value);

/// Python's str() of a JSON scalar as Scrapy's CSV and XML exporters write
/// it: "True"/"False", numbers as Python prints them, strings as they are
/// (bytes that are not UTF-8 included). `null_text` stands for null (XML:
/// "None", CSV: "").
std::string python_scalar_text(const boost::json::value& value, std::string_view null_text);

/// json.dumps' layout: ", " and ": " separators on one line (indent unset),
/// or `indent` spaces per level with "," and ": " (indent set).
struct JsonStyle {
    /// Escapes everything outside printable ASCII as \uXXXX (Scrapy's
    /// default, FEED_EXPORT_ENCODING unset); else writes UTF-8 and escapes
    /// only '"', '\\' and control characters.
    bool ensure_ascii = true;
    std::optional<int> indent;
};

/// Appends `value` as JSON. NaN and infinities are written as null (Python
/// writes NaN and Infinity, which JSON parsers refuse). Each byte 0xNN of
/// a string (or key) that is not UTF-8 is written \udcNN, as Python's
/// surrogateescape reads it (trawl/feed_exporter.hpp). Returns how many
/// strings held such bytes.
std::uint64_t append_json(std::string& out, const boost::json::value& value, const JsonStyle& style,
                          int depth = 0);
/// Returns whether `text` held bytes that are not UTF-8.
bool append_json_string(std::string& out, std::string_view text, bool ensure_ascii);

/// Appends the object `item` exports (for_each_exported_field below) as
/// JSON; a missing field exported anyway is null. Returns as append_json.
std::uint64_t append_item_json(std::string& out, const Item& item, const FeedExporterOptions& options,
                               const JsonStyle& style);

/// Whether an exporter writes UTF-8 (true) or Scrapy's default for
/// `encoding` unset (false). Throws std::invalid_argument for any other
/// encoding.
bool is_utf8_encoding(const std::optional<std::string>& encoding);

/// Calls `f(output_name, value)` for each field `item` exports under
/// `options` (Scrapy's _get_serialized_fields): its own fields in order, or
/// options.fields in their order; a field the item lacks is skipped, or
/// passed with a null `value` pointer when export_empty_fields is set.
template <class F>
void for_each_exported_field(const Item& item, const FeedExporterOptions& options, F&& f)
{
    const boost::json::object& fields = item.fields();
    if (!options.fields) {
        for (const auto& field : fields) {
            f(std::string_view{field.key()}, &field.value());
        }
        return;
    }
    for (const FeedField& spec : *options.fields) {
        if (const boost::json::value* value = fields.if_contains(spec.field)) {
            f(std::string_view{spec.output}, value);
        } else if (options.export_empty_fields) {
            f(std::string_view{spec.output}, static_cast<const boost::json::value*>(nullptr));
        }
    }
}

/// The value of item_export_kwargs' `key` if it is there, checked to be a
/// bool / a string; std::invalid_argument naming `exporter` otherwise.
std::optional<bool> bool_option(const boost::json::object& kwargs, std::string_view key, std::string_view exporter);
std::optional<std::string> string_option(const boost::json::object& kwargs, std::string_view key,
                                         std::string_view exporter);

/// Throws std::invalid_argument for a key of `kwargs` not in `known`.
void check_known_options(const boost::json::object& kwargs, std::initializer_list<std::string_view> known,
                         std::string_view exporter);

} // namespace trawl::feed
