#include "feed_text.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace trawl::feed {

namespace {

bool in_range(unsigned char byte, unsigned char low, unsigned char high) noexcept
{
    return byte >= low && byte <= high;
}

void append_indent(std::string& out, int spaces)
{
    out.push_back('\n');
    out.append(static_cast<std::size_t>(std::max(spaces, 0)), ' ');
}

// Whether a byte ends a run that append_json_string copies as it is: a
// control character, '"', '\\', or any byte past ASCII.
constexpr std::array<bool, 256> ends_plain_run = [] {
    std::array<bool, 256> table{};
    for (int byte = 0; byte < 256; ++byte) {
        table[static_cast<std::size_t>(byte)] = byte < 0x20 || byte > 0x7E || byte == '"' || byte == '\\';
    }
    return table;
}();

#if defined(__SSE2__)
// A bit per byte of the 16 at `bytes`: set where ends_plain_run is true.
// Signed compares: bytes past 0x7F are negative, so "< 0x20" takes them too.
unsigned stop_mask16(const char* bytes) noexcept
{
    const __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes));
    const __m128i control_or_high = _mm_cmplt_epi8(chunk, _mm_set1_epi8(0x20));
    const __m128i del = _mm_cmpeq_epi8(chunk, _mm_set1_epi8(0x7F));
    const __m128i quote = _mm_cmpeq_epi8(chunk, _mm_set1_epi8('"'));
    const __m128i backslash = _mm_cmpeq_epi8(chunk, _mm_set1_epi8('\\'));
    const __m128i stops = _mm_or_si128(_mm_or_si128(control_or_high, del), _mm_or_si128(quote, backslash));
    return static_cast<unsigned>(_mm_movemask_epi8(stops));
}
#endif

// How many bytes from `pos` on can be copied as they are (none of them
// ends_plain_run): 16 bytes at a time where SSE2 is there (every x86-64),
// then eight (SWAR: a byte's high bit in `flags` marks one that must stop
// the run), then byte by byte.
std::size_t plain_run_length(std::string_view text, std::size_t pos) noexcept
{
    const std::size_t start = pos;
#if defined(__SSE2__)
    if (text.size() - pos >= 16) {
        for (; pos + 16 <= text.size(); pos += 16) {
            if (const unsigned mask = stop_mask16(text.data() + pos); mask != 0) {
                return pos + static_cast<std::size_t>(std::countr_zero(mask)) - start;
            }
        }
        if (pos == text.size()) {
            return pos - start;
        }
        // The last 16 bytes, overlapping those already seen to be plain.
        const std::size_t last = text.size() - 16;
        const unsigned mask = stop_mask16(text.data() + last) >> (pos - last);
        return (mask != 0 ? pos + static_cast<std::size_t>(std::countr_zero(mask)) : text.size()) - start;
    }
#endif
    constexpr std::uint64_t ones = 0x0101010101010101ULL;
    constexpr std::uint64_t highs = 0x8080808080808080ULL;
    while (pos + 8 <= text.size()) {
        std::uint64_t word = 0;
        std::memcpy(&word, text.data() + pos, 8);
        const std::uint64_t below_space = word - ones * 0x20;            // with ~word: high bit where byte < 0x20
        const std::uint64_t at_least_del = word + ones * (0x80 - 0x7F);  // high bit set where byte >= 0x7F
        const std::uint64_t quote = word ^ (ones * '"');
        const std::uint64_t backslash = word ^ (ones * '\\');
        const std::uint64_t flags = ((below_space & ~word) | at_least_del | word | ((quote - ones) & ~quote) |
                                     ((backslash - ones) & ~backslash)) &
                                    highs;
        if (flags != 0) {
            break;
        }
        pos += 8;
    }
    while (pos < text.size() && !ends_plain_run[static_cast<unsigned char>(text[pos])]) {
        ++pos;
    }
    return pos - start;
}

template <class Integer>
void append_integer(std::string& out, Integer value)
{
    std::array<char, 24> buffer{};
    const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
    out.append(buffer.data(), result.ptr);
}

void append_hex4(std::string& out, unsigned value)
{
    static constexpr char digits[] = "0123456789abcdef";
    out += "\\u";
    for (int shift = 12; shift >= 0; shift -= 4) {
        out.push_back(digits[(value >> shift) & 0xF]);
    }
}

std::string lowercase(std::string_view text)
{
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c); });
    return out;
}

} // namespace

std::size_t decode_utf8(std::string_view text, std::size_t pos, char32_t& code_point) noexcept
{
    const auto lead = static_cast<unsigned char>(text[pos]);
    if (lead < 0x80) {
        code_point = lead;
        return 1;
    }
    // The second byte's range depends on the lead byte (Unicode table 3-7):
    // that is what rules out overlong forms, surrogates and > U+10FFFF.
    std::size_t length = 0;
    unsigned char low = 0x80;
    unsigned char high = 0xBF;
    char32_t value = 0;
    if (in_range(lead, 0xC2, 0xDF)) {
        length = 2;
        value = lead & 0x1F;
    } else if (in_range(lead, 0xE0, 0xEF)) {
        length = 3;
        value = lead & 0x0F;
        low = lead == 0xE0 ? 0xA0 : 0x80;
        high = lead == 0xED ? 0x9F : 0xBF;
    } else if (in_range(lead, 0xF0, 0xF4)) {
        length = 4;
        value = lead & 0x07;
        low = lead == 0xF0 ? 0x90 : 0x80;
        high = lead == 0xF4 ? 0x8F : 0xBF;
    } else {
        code_point = replacement_character;
        return 1;
    }
    for (std::size_t i = 1; i < length; ++i) {
        if (pos + i >= text.size()) {
            code_point = replacement_character;
            return i;
        }
        const auto byte = static_cast<unsigned char>(text[pos + i]);
        if (!in_range(byte, i == 1 ? low : 0x80, i == 1 ? high : 0xBF)) {
            code_point = replacement_character;
            return i;
        }
        value = (value << 6) | (byte & 0x3F);
    }
    code_point = value;
    return length;
}

bool ill_formed(std::string_view text, std::size_t pos, std::size_t length, char32_t code_point) noexcept
{
    return code_point == replacement_character && text.substr(pos, length) != "\xef\xbf\xbd";
}

bool is_valid_utf8(std::string_view text) noexcept
{
    std::size_t pos = 0;
    while (pos < text.size()) {
        if (static_cast<unsigned char>(text[pos]) < 0x80) {
            ++pos;
            continue;
        }
        char32_t code_point = 0;
        const std::size_t length = decode_utf8(text, pos, code_point);
        if (ill_formed(text, pos, length, code_point)) {
            return false;
        }
        pos += length;
    }
    return true;
}

std::string base64(std::string_view bytes)
{
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t pos = 0;
    for (; pos + 3 <= bytes.size(); pos += 3) {
        const auto b0 = static_cast<unsigned char>(bytes[pos]);
        const auto b1 = static_cast<unsigned char>(bytes[pos + 1]);
        const auto b2 = static_cast<unsigned char>(bytes[pos + 2]);
        out.push_back(alphabet[b0 >> 2]);
        out.push_back(alphabet[((b0 & 0x03) << 4) | (b1 >> 4)]);
        out.push_back(alphabet[((b1 & 0x0F) << 2) | (b2 >> 6)]);
        out.push_back(alphabet[b2 & 0x3F]);
    }
    if (const std::size_t rest = bytes.size() - pos; rest > 0) {
        const auto b0 = static_cast<unsigned char>(bytes[pos]);
        const auto b1 = rest > 1 ? static_cast<unsigned char>(bytes[pos + 1]) : 0;
        out.push_back(alphabet[b0 >> 2]);
        out.push_back(alphabet[((b0 & 0x03) << 4) | (b1 >> 4)]);
        out.push_back(rest > 1 ? alphabet[(b1 & 0x0F) << 2] : '=');
        out.push_back('=');
    }
    return out;
}

void append_utf8(std::string& out, char32_t code_point)
{
    if (code_point < 0x80) {
        out.push_back(static_cast<char>(code_point));
    } else if (code_point < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (code_point >> 6)));
        out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
    } else if (code_point < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (code_point >> 12)));
        out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (code_point >> 18)));
        out.push_back(static_cast<char>(0x80 | ((code_point >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
    }
}

std::string valid_utf8(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    std::size_t pos = 0;
    while (pos < text.size()) {
        // Runs of ASCII, the common case, are copied as they are.
        const std::size_t start = pos;
        while (pos < text.size() && static_cast<unsigned char>(text[pos]) < 0x80) {
            ++pos;
        }
        out.append(text.substr(start, pos - start));
        if (pos == text.size()) {
            break;
        }
        char32_t code_point = 0;
        const std::size_t length = decode_utf8(text, pos, code_point);
        if (code_point == replacement_character) {
            append_utf8(out, code_point);
        } else {
            out.append(text.substr(pos, length));
        }
        pos += length;
    }
    return out;
}

namespace {

// Python's repr of `value` when it has at most six decimals and fewer than
// 16 digits (prices, ratings, short coordinates: most floats in items),
// without the shortest-digits search of to_chars. For the smallest k with
// r / 10^k == |value|, r an integer, the decimal r·10^-k reads back as
// `value` (both the division and the parse round correctly), and no text
// with fewer digits does (it would have matched a smaller k). Below 10^15
// the doubles are closer together than 10^-k, so that r is the only one.
bool append_short_decimal(std::string& out, double value)
{
    static constexpr std::array<double, 7> powers{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6};
    const double magnitude = std::fabs(value);
    if (!(magnitude >= 1e-4)) {
        return false;  // zero, NaN and Python's exponent form below 1e-4
    }
    for (std::size_t k = 0; k < powers.size(); ++k) {
        const double scaled = magnitude * powers[k];
        if (scaled >= 1e15) {
            return false;
        }
        const double rounded = std::nearbyint(scaled);
        if (rounded / powers[k] != magnitude) {
            continue;
        }
        const auto digits = static_cast<std::uint64_t>(rounded);
        const auto scale = static_cast<std::uint64_t>(powers[k]);
        if (value < 0) {
            out.push_back('-');
        }
        append_integer(out, digits / scale);
        out.push_back('.');
        if (k == 0) {
            out.push_back('0');
            return true;
        }
        std::array<char, 8> fraction{};
        auto rest = digits % scale;
        for (std::size_t i = k; i-- > 0;) {
            fraction[i] = static_cast<char>('0' + rest % 10);
            rest /= 10;
        }
        out.append(fraction.data(), k);
        return true;
    }
    return false;
}

} // namespace

void append_python_float(std::string& out, double value)
{
    if (append_short_decimal(out, value)) {
        return;
    }
    if (std::isnan(value)) {
        out += "nan";
        return;
    }
    if (std::isinf(value)) {
        out += value < 0 ? "-inf" : "inf";
        return;
    }
    // to_chars gives the shortest digits that read back the same value,
    // which is also what Python's repr picks; only the layout differs.
    // Scientific form is "[-]D[.DDD]e(+|-)XX[X]".
    std::array<char, 32> buffer{};
    const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value,
                                      std::chars_format::scientific);
    const char* text = buffer.data();
    const char* const end = result.ptr;
    const char* const e = std::find(text, end, 'e');
    if (*text == '-') {
        out.push_back('-');
        ++text;
    }
    std::array<char, 24> digits{};
    int count = 0;
    for (const char* c = text; c != e; ++c) {
        if (*c != '.') {
            digits[static_cast<std::size_t>(count++)] = *c;
        }
    }
    int exponent = 0;
    std::from_chars(e + (e[1] == '+' ? 2 : 1), end, exponent);
    const std::string_view all(digits.data(), static_cast<std::size_t>(count));
    // Python's rule (format_float_short, mode 'r'): the point sits after
    // `point` digits; fixed notation when -4 < point <= 16.
    const int point = exponent + 1;
    if (point > -4 && point <= 16) {
        if (point <= 0) {
            out += "0.";
            out.append(static_cast<std::size_t>(-point), '0');
            out += all;
        } else if (point >= count) {
            out += all;
            out.append(static_cast<std::size_t>(point - count), '0');
            out += ".0";
        } else {
            out += all.substr(0, static_cast<std::size_t>(point));
            out += '.';
            out += all.substr(static_cast<std::size_t>(point));
        }
        return;
    }
    out += all.front();
    if (count > 1) {
        out += '.';
        out += all.substr(1);
    }
    out += exponent < 0 ? "e-" : "e+";
    const int magnitude = std::abs(exponent);
    if (magnitude < 10) {
        out += '0';
    }
    append_integer(out, magnitude);
}

std::string python_float(double value)
{
    std::string out;
    append_python_float(out, value);
    return out;
}

std::string python_scalar_text(const boost::json::value& value, std::string_view null_text)
{
    switch (value.kind()) {
    case boost::json::kind::null:
        return std::string(null_text);
    case boost::json::kind::bool_:
        return value.get_bool() ? "True" : "False";
    case boost::json::kind::int64:
        return std::to_string(value.get_int64());
    case boost::json::kind::uint64:
        return std::to_string(value.get_uint64());
    case boost::json::kind::double_:
        return python_float(value.get_double());
    case boost::json::kind::string:
        return std::string(value.get_string());
    case boost::json::kind::array:
    case boost::json::kind::object:
        break;
    }
    throw std::logic_error("python_scalar_text: not a scalar");
}

namespace {

// append_json_string past its first `pos` bytes, which are plain: the
// rest holds something to escape or decode.
bool append_json_string_tail(std::string& out, std::string_view text, std::size_t pos, bool ensure_ascii)
{
    out.append(text.substr(0, pos));
    bool escaped = false;
    while (pos < text.size()) {
        // A run of printable ASCII but '"' and '\\' (nearly all of most
        // text) is written as it is, without decoding it byte by byte.
        if (const std::size_t run = plain_run_length(text, pos); run > 0) {
            out.append(text.substr(pos, run));
            pos += run;
            continue;
        }
        char32_t c = 0;
        const std::size_t length = decode_utf8(text, pos, c);
        if (ill_formed(text, pos, length, c)) {
            // Python's surrogateescape: byte 0xNN is the lone surrogate
            // U+DCNN, which only an escape can carry.
            for (std::size_t i = 0; i < length; ++i) {
                append_hex4(out, 0xDC00 | static_cast<unsigned char>(text[pos + i]));
            }
            escaped = true;
            pos += length;
            continue;
        }
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        default:
            if (c < 0x20 || (ensure_ascii && c > 0x7E)) {
                if (c > 0xFFFF) {
                    const char32_t v = c - 0x10000;
                    append_hex4(out, 0xD800 | (v >> 10));
                    append_hex4(out, 0xDC00 | (v & 0x3FF));
                } else {
                    append_hex4(out, c);
                }
            } else {
                out.append(text.substr(pos, length));
            }
        }
        pos += length;
    }
    out.push_back('"');
    return escaped;
}

} // namespace

bool append_json_string(std::string& out, std::string_view text, bool ensure_ascii)
{
    out.push_back('"');
    // Most strings are plain all through: one scan, one copy.
    const std::size_t plain = plain_run_length(text, 0);
    if (plain == text.size()) {
        out.append(text);
        out.push_back('"');
        return false;
    }
    return append_json_string_tail(out, text, plain, ensure_ascii);
}

std::uint64_t append_json(std::string& out, const boost::json::value& value, const JsonStyle& style, int depth)
{
    const int indent = style.indent.value_or(0);
    std::uint64_t escaped = 0;
    switch (value.kind()) {
    case boost::json::kind::null:
        out += "null";
        return 0;
    case boost::json::kind::bool_:
        out += value.get_bool() ? "true" : "false";
        return 0;
    case boost::json::kind::int64:
        append_integer(out, value.get_int64());
        return 0;
    case boost::json::kind::uint64:
        append_integer(out, value.get_uint64());
        return 0;
    case boost::json::kind::double_:
        if (std::isfinite(value.get_double())) {
            append_python_float(out, value.get_double());
        } else {
            out += "null";
        }
        return 0;
    case boost::json::kind::string:
        return append_json_string(out, value.get_string(), style.ensure_ascii) ? 1 : 0;
    case boost::json::kind::array: {
        const auto& array = value.get_array();
        if (array.empty()) {
            out += "[]";
            return 0;
        }
        out.push_back('[');
        bool first = true;
        for (const auto& element : array) {
            if (!first) {
                out += style.indent ? "," : ", ";
            }
            first = false;
            if (style.indent) {
                append_indent(out, indent * (depth + 1));
            }
            escaped += append_json(out, element, style, depth + 1);
        }
        if (style.indent) {
            append_indent(out, indent * depth);
        }
        out.push_back(']');
        return escaped;
    }
    case boost::json::kind::object: {
        const auto& object = value.get_object();
        if (object.empty()) {
            out += "{}";
            return 0;
        }
        out.push_back('{');
        bool first = true;
        for (const auto& member : object) {
            if (!first) {
                out += style.indent ? "," : ", ";
            }
            first = false;
            if (style.indent) {
                append_indent(out, indent * (depth + 1));
            }
            escaped += append_json_string(out, member.key(), style.ensure_ascii) ? 1 : 0;
            out += ": ";
            escaped += append_json(out, member.value(), style, depth + 1);
        }
        if (style.indent) {
            append_indent(out, indent * depth);
        }
        out.push_back('}');
        return escaped;
    }
    }
    return escaped;
}

std::uint64_t append_item_json(std::string& out, const Item& item, const FeedExporterOptions& options,
                               const JsonStyle& style)
{
    const int indent = style.indent.value_or(0);
    std::uint64_t escaped = 0;
    bool any = false;
    out.push_back('{');
    for_each_exported_field(item, options, [&](std::string_view name, const boost::json::value* value) {
        if (any) {
            out += style.indent ? "," : ", ";
        }
        any = true;
        if (style.indent) {
            append_indent(out, indent);
        }
        escaped += append_json_string(out, name, style.ensure_ascii) ? 1 : 0;
        out += ": ";
        if (value) {
            escaped += append_json(out, *value, style, 1);
        } else {
            out += "null";
        }
    });
    if (any && style.indent) {
        out.push_back('\n');
    }
    out.push_back('}');
    return escaped;
}

bool is_utf8_encoding(const std::optional<std::string>& encoding)
{
    if (!encoding) {
        return false;
    }
    const std::string name = lowercase(*encoding);
    if (name == "utf-8" || name == "utf8" || name == "utf_8") {
        return true;
    }
    throw std::invalid_argument("unsupported feed encoding '" + *encoding +
                                "': trawl writes feeds as UTF-8 (\"utf-8\") or, unset, as Scrapy's default");
}

std::optional<bool> bool_option(const boost::json::object& kwargs, std::string_view key, std::string_view exporter)
{
    const boost::json::value* value = kwargs.if_contains(key);
    if (!value) {
        return std::nullopt;
    }
    if (!value->is_bool()) {
        throw std::invalid_argument(std::string(exporter) + " exporter: option '" + std::string(key) +
                                    "' must be true or false");
    }
    return value->get_bool();
}

std::optional<std::string> string_option(const boost::json::object& kwargs, std::string_view key,
                                         std::string_view exporter)
{
    const boost::json::value* value = kwargs.if_contains(key);
    if (!value) {
        return std::nullopt;
    }
    if (!value->is_string()) {
        throw std::invalid_argument(std::string(exporter) + " exporter: option '" + std::string(key) +
                                    "' must be a string");
    }
    return std::string(value->get_string());
}

void check_known_options(const boost::json::object& kwargs, std::initializer_list<std::string_view> known,
                         std::string_view exporter)
{
    for (const auto& option : kwargs) {
        if (std::find(known.begin(), known.end(), std::string_view{option.key()}) == known.end()) {
            std::string names;
            for (const auto name : known) {
                names += names.empty() ? "" : ", ";
                names += name;
            }
            throw std::invalid_argument(std::string(exporter) + " exporter: unknown option '" +
                                        std::string(option.key()) + "' (known: " +
                                        (names.empty() ? std::string("none") : names) + ")");
        }
    }
}

} // namespace trawl::feed
