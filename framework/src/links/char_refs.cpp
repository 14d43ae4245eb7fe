#include "links/char_refs.hpp"
#include "core/ascii.hpp"
#include "core/utf8.hpp"

#include <array>
#include <cstdint>
#include <cstring>

namespace trawl::links::detail {

using trawl::detail::hex_value;

using trawl::detail::append_utf8;

namespace {

struct NamedRef {
    std::string_view name;
    char32_t code;
};

// References that may appear without their ';' (HTML5's "legacy" names):
// the Latin-1 block from 160 on, in code point order, plus the ASCII four.
constexpr std::array<std::string_view, 96> latin1_names{
    "nbsp",   "iexcl",  "cent",   "pound",  "curren", "yen",    "brvbar", "sect",   "uml",    "copy",   "ordf",
    "laquo",  "not",    "shy",    "reg",    "macr",   "deg",    "plusmn", "sup2",   "sup3",   "acute",  "micro",
    "para",   "middot", "cedil",  "sup1",   "ordm",   "raquo",  "frac14", "frac12", "frac34", "iquest", "Agrave",
    "Aacute", "Acirc",  "Atilde", "Auml",   "Aring",  "AElig",  "Ccedil", "Egrave", "Eacute", "Ecirc",  "Euml",
    "Igrave", "Iacute", "Icirc",  "Iuml",   "ETH",    "Ntilde", "Ograve", "Oacute", "Ocirc",  "Otilde", "Ouml",
    "times",  "Oslash", "Ugrave", "Uacute", "Ucirc",  "Uuml",   "Yacute", "THORN",  "szlig",  "agrave", "aacute",
    "acirc",  "atilde", "auml",   "aring",  "aelig",  "ccedil", "egrave", "eacute", "ecirc",  "euml",   "igrave",
    "iacute", "icirc",  "iuml",   "eth",    "ntilde", "ograve", "oacute", "ocirc",  "otilde", "ouml",   "divide",
    "oslash", "ugrave", "uacute", "ucirc",  "uuml",   "yacute", "thorn",  "yuml"};

constexpr std::array<NamedRef, 10> legacy_ascii{{{"amp", '&'},
                                                 {"lt", '<'},
                                                 {"gt", '>'},
                                                 {"quot", '"'},
                                                 {"AMP", '&'},
                                                 {"LT", '<'},
                                                 {"GT", '>'},
                                                 {"QUOT", '"'},
                                                 {"COPY", 0xA9},
                                                 {"REG", 0xAE}}};

// The rest of what real pages use; these need their ';'.
constexpr std::array<NamedRef, 58> with_semicolon{{
    {"apos", '\''},     {"colon", ':'},     {"sol", '/'},       {"quest", '?'},     {"equals", '='},
    {"num", '#'},       {"percnt", '%'},    {"period", '.'},    {"comma", ','},     {"excl", '!'},
    {"lpar", '('},      {"rpar", ')'},      {"plus", '+'},      {"lowbar", '_'},    {"Tab", '\t'},
    {"NewLine", '\n'},  {"semi", ';'},      {"commat", '@'},    {"dollar", '$'},    {"ast", '*'},
    {"hellip", 0x2026}, {"mdash", 0x2014},  {"ndash", 0x2013},  {"lsquo", 0x2018},  {"rsquo", 0x2019},
    {"sbquo", 0x201A},  {"ldquo", 0x201C},  {"rdquo", 0x201D},  {"bdquo", 0x201E},  {"bull", 0x2022},
    {"trade", 0x2122},  {"euro", 0x20AC},   {"dagger", 0x2020}, {"Dagger", 0x2021}, {"permil", 0x2030},
    {"lsaquo", 0x2039}, {"rsaquo", 0x203A}, {"thinsp", 0x2009}, {"ensp", 0x2002},   {"emsp", 0x2003},
    {"zwnj", 0x200C},   {"zwj", 0x200D},    {"lrm", 0x200E},    {"rlm", 0x200F},    {"larr", 0x2190},
    {"rarr", 0x2192},   {"uarr", 0x2191},   {"darr", 0x2193},   {"hearts", 0x2665}, {"OElig", 0x152},
    {"oelig", 0x153},   {"Scaron", 0x160},  {"scaron", 0x161},  {"Yuml", 0x178},    {"fnof", 0x192},
    {"circ", 0x2C6},    {"tilde", 0x2DC},   {"minus", 0x2212},
}};

constexpr std::size_t longest_legacy_name = 6;
constexpr std::size_t longest_name = 16;

// HTML5 maps numeric references to C1 controls as windows-1252 would
// (&#150; is an en dash); 0 means "keep the code point".
constexpr std::array<char16_t, 32> c1_replacements{
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

bool is_alnum(char c) noexcept
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// A legacy name (valid without ';'): its code point, or 0.
char32_t find_legacy(std::string_view name) noexcept
{
    for (const auto& ref : legacy_ascii) {
        if (ref.name == name) {
            return ref.code;
        }
    }
    for (std::size_t i = 0; i < latin1_names.size(); ++i) {
        if (latin1_names[i] == name) {
            return static_cast<char32_t>(0xA0 + i);
        }
    }
    return 0;
}

char32_t find_any(std::string_view name) noexcept
{
    if (auto code = find_legacy(name)) {
        return code;
    }
    for (const auto& ref : with_semicolon) {
        if (ref.name == name) {
            return ref.code;
        }
    }
    return 0;
}

// `text[at]` is '&'. Appends the decoded reference and returns the index
// after it, or returns `at` when there is nothing to decode there.
std::size_t decode_one(std::string& out, std::string_view text, std::size_t at, bool in_attribute)
{
    const std::size_t n = text.size();
    std::size_t i = at + 1;
    if (i < n && text[i] == '#') {
        ++i;
        const bool hex = i < n && (text[i] == 'x' || text[i] == 'X');
        if (hex) {
            ++i;
        }
        const std::size_t digits_start = i;
        std::uint32_t value = 0;
        for (; i < n; ++i) {
            const int digit = hex ? hex_value(text[i]) : (text[i] >= '0' && text[i] <= '9' ? text[i] - '0' : -1);
            if (digit < 0) {
                break;
            }
            // Saturate: anything past U+10FFFF becomes U+FFFD anyway.
            value = value > 0x10FFFF ? value : value * (hex ? 16 : 10) + static_cast<std::uint32_t>(digit);
        }
        if (i == digits_start) {
            return at;  // "&#" or "&#x" with no digits: kept as written
        }
        if (i < n && text[i] == ';') {
            ++i;
        }
        char32_t code = value;
        if (value == 0 || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) {
            code = 0xFFFD;
        } else if (value >= 0x80 && value <= 0x9F && c1_replacements[value - 0x80] != 0) {
            code = c1_replacements[value - 0x80];
        }
        append_utf8(out, code);
        return i;
    }

    std::size_t end = i;
    while (end < n && end - i < longest_name + 1 && is_alnum(text[end])) {
        ++end;
    }
    if (end == i) {
        return at;
    }
    const auto run = text.substr(i, end - i);
    if (end < n && text[end] == ';') {
        if (auto code = find_any(run)) {
            append_utf8(out, code);
            return end + 1;
        }
        // An unknown name with its ';' may be a real reference missing
        // from the table (&notin;): better kept than half-decoded as &not;.
        return at;
    }
    // Without ';' only the legacy names count, longest first (&copyright
    // is "©right" in text).
    for (std::size_t length = std::min(run.size(), longest_legacy_name); length >= 2; --length) {
        if (auto code = find_legacy(run.substr(0, length))) {
            const std::size_t after = i + length;
            if (in_attribute && after < n && (text[after] == '=' || is_alnum(text[after]))) {
                return at;  // "?a=1&copy=2": a query string, not a reference
            }
            append_utf8(out, code);
            return after;
        }
    }
    return at;
}

} // namespace

void append_decoded(std::string& out, std::string_view text, bool in_attribute)
{
    std::size_t from = 0;
    while (from < text.size()) {
        const void* found = std::memchr(text.data() + from, '&', text.size() - from);
        if (!found) {
            break;
        }
        const auto amp = static_cast<std::size_t>(static_cast<const char*>(found) - text.data());
        out.append(text.data() + from, amp - from);
        const std::size_t next = decode_one(out, text, amp, in_attribute);
        if (next == amp) {
            out += '&';
            from = amp + 1;
        } else {
            from = next;
        }
    }
    out.append(text.data() + from, text.size() - from);
}

} // namespace trawl::links::detail
