#include "core/char_refs.hpp"
#include "core/ascii.hpp"

#include <array>
#include <cstring>
#include <iterator>

namespace trawl::detail {
namespace {

constexpr std::uint8_t html5 = 0;
constexpr std::uint8_t h4 = char_ref::html4;
constexpr std::uint8_t legacy = char_ref::legacy;
constexpr std::uint8_t h4_legacy = char_ref::html4 | char_ref::legacy;

// Sorted by name, byte order (upper case first), so that the names with
// one first letter are together.
constexpr NamedCharRef refs[] = {
    {"AElig", 0xC6, h4_legacy}, {"AMP", 0x26, legacy}, {"Aacute", 0xC1, h4_legacy}, {"Acirc", 0xC2, h4_legacy},
    {"Agrave", 0xC0, h4_legacy}, {"Alpha", 0x391, h4}, {"Aring", 0xC5, h4_legacy}, {"Atilde", 0xC3, h4_legacy},
    {"Auml", 0xC4, h4_legacy}, {"Beta", 0x392, h4}, {"COPY", 0xA9, legacy}, {"Ccedil", 0xC7, h4_legacy},
    {"Chi", 0x3A7, h4}, {"Dagger", 0x2021, h4}, {"Delta", 0x394, h4}, {"ETH", 0xD0, h4_legacy},
    {"Eacute", 0xC9, h4_legacy}, {"Ecirc", 0xCA, h4_legacy}, {"Egrave", 0xC8, h4_legacy}, {"Epsilon", 0x395, h4},
    {"Eta", 0x397, h4}, {"Euml", 0xCB, h4_legacy}, {"GT", 0x3E, legacy}, {"Gamma", 0x393, h4},
    {"Iacute", 0xCD, h4_legacy}, {"Icirc", 0xCE, h4_legacy}, {"Igrave", 0xCC, h4_legacy}, {"Iota", 0x399, h4},
    {"Iuml", 0xCF, h4_legacy}, {"Kappa", 0x39A, h4}, {"LT", 0x3C, legacy}, {"Lambda", 0x39B, h4}, {"Mu", 0x39C, h4},
    {"NewLine", 0xA, html5}, {"Ntilde", 0xD1, h4_legacy}, {"Nu", 0x39D, h4}, {"OElig", 0x152, h4},
    {"Oacute", 0xD3, h4_legacy}, {"Ocirc", 0xD4, h4_legacy}, {"Ograve", 0xD2, h4_legacy}, {"Omega", 0x3A9, h4},
    {"Omicron", 0x39F, h4}, {"Oslash", 0xD8, h4_legacy}, {"Otilde", 0xD5, h4_legacy}, {"Ouml", 0xD6, h4_legacy},
    {"Phi", 0x3A6, h4}, {"Pi", 0x3A0, h4}, {"Prime", 0x2033, h4}, {"Psi", 0x3A8, h4}, {"QUOT", 0x22, legacy},
    {"REG", 0xAE, legacy}, {"Rho", 0x3A1, h4}, {"Scaron", 0x160, h4}, {"Sigma", 0x3A3, h4},
    {"THORN", 0xDE, h4_legacy}, {"Tab", 0x9, html5}, {"Tau", 0x3A4, h4}, {"Theta", 0x398, h4},
    {"Uacute", 0xDA, h4_legacy}, {"Ucirc", 0xDB, h4_legacy}, {"Ugrave", 0xD9, h4_legacy}, {"Upsilon", 0x3A5, h4},
    {"Uuml", 0xDC, h4_legacy}, {"Xi", 0x39E, h4}, {"Yacute", 0xDD, h4_legacy}, {"Yuml", 0x178, h4},
    {"Zeta", 0x396, h4}, {"aacute", 0xE1, h4_legacy}, {"acirc", 0xE2, h4_legacy}, {"acute", 0xB4, h4_legacy},
    {"aelig", 0xE6, h4_legacy}, {"agrave", 0xE0, h4_legacy}, {"alefsym", 0x2135, h4}, {"alpha", 0x3B1, h4},
    {"amp", 0x26, h4_legacy}, {"and", 0x2227, h4}, {"ang", 0x2220, h4}, {"apos", 0x27, html5},
    {"aring", 0xE5, h4_legacy}, {"ast", 0x2A, html5}, {"asymp", 0x2248, h4}, {"atilde", 0xE3, h4_legacy},
    {"auml", 0xE4, h4_legacy}, {"bdquo", 0x201E, h4}, {"beta", 0x3B2, h4}, {"brvbar", 0xA6, h4_legacy},
    {"bull", 0x2022, h4}, {"cap", 0x2229, h4}, {"ccedil", 0xE7, h4_legacy}, {"cedil", 0xB8, h4_legacy},
    {"cent", 0xA2, h4_legacy}, {"chi", 0x3C7, h4}, {"circ", 0x2C6, h4}, {"clubs", 0x2663, h4}, {"colon", 0x3A, html5},
    {"comma", 0x2C, html5}, {"commat", 0x40, html5}, {"cong", 0x2245, h4}, {"copy", 0xA9, h4_legacy},
    {"crarr", 0x21B5, h4}, {"cup", 0x222A, h4}, {"curren", 0xA4, h4_legacy}, {"dArr", 0x21D3, h4},
    {"dagger", 0x2020, h4}, {"darr", 0x2193, h4}, {"deg", 0xB0, h4_legacy}, {"delta", 0x3B4, h4},
    {"diams", 0x2666, h4}, {"divide", 0xF7, h4_legacy}, {"dollar", 0x24, html5}, {"eacute", 0xE9, h4_legacy},
    {"ecirc", 0xEA, h4_legacy}, {"egrave", 0xE8, h4_legacy}, {"empty", 0x2205, h4}, {"emsp", 0x2003, h4},
    {"ensp", 0x2002, h4}, {"epsilon", 0x3B5, h4}, {"equals", 0x3D, html5}, {"equiv", 0x2261, h4}, {"eta", 0x3B7, h4},
    {"eth", 0xF0, h4_legacy}, {"euml", 0xEB, h4_legacy}, {"euro", 0x20AC, h4}, {"excl", 0x21, html5},
    {"exist", 0x2203, h4}, {"fnof", 0x192, h4}, {"forall", 0x2200, h4}, {"frac12", 0xBD, h4_legacy},
    {"frac14", 0xBC, h4_legacy}, {"frac34", 0xBE, h4_legacy}, {"frasl", 0x2044, h4}, {"gamma", 0x3B3, h4},
    {"ge", 0x2265, h4}, {"gt", 0x3E, h4_legacy}, {"hArr", 0x21D4, h4}, {"harr", 0x2194, h4}, {"hearts", 0x2665, h4},
    {"hellip", 0x2026, h4}, {"iacute", 0xED, h4_legacy}, {"icirc", 0xEE, h4_legacy}, {"iexcl", 0xA1, h4_legacy},
    {"igrave", 0xEC, h4_legacy}, {"image", 0x2111, h4}, {"infin", 0x221E, h4}, {"int", 0x222B, h4},
    {"iota", 0x3B9, h4}, {"iquest", 0xBF, h4_legacy}, {"isin", 0x2208, h4}, {"iuml", 0xEF, h4_legacy},
    {"kappa", 0x3BA, h4}, {"lArr", 0x21D0, h4}, {"lambda", 0x3BB, h4}, {"lang", 0x2329, h4},
    {"laquo", 0xAB, h4_legacy}, {"larr", 0x2190, h4}, {"lceil", 0x2308, h4}, {"ldquo", 0x201C, h4},
    {"le", 0x2264, h4}, {"lfloor", 0x230A, h4}, {"lowast", 0x2217, h4}, {"lowbar", 0x5F, html5}, {"loz", 0x25CA, h4},
    {"lpar", 0x28, html5}, {"lrm", 0x200E, h4}, {"lsaquo", 0x2039, h4}, {"lsquo", 0x2018, h4},
    {"lt", 0x3C, h4_legacy}, {"macr", 0xAF, h4_legacy}, {"mdash", 0x2014, h4}, {"micro", 0xB5, h4_legacy},
    {"middot", 0xB7, h4_legacy}, {"minus", 0x2212, h4}, {"mu", 0x3BC, h4}, {"nabla", 0x2207, h4},
    {"nbsp", 0xA0, h4_legacy}, {"ndash", 0x2013, h4}, {"ne", 0x2260, h4}, {"ni", 0x220B, h4},
    {"not", 0xAC, h4_legacy}, {"notin", 0x2209, h4}, {"nsub", 0x2284, h4}, {"ntilde", 0xF1, h4_legacy},
    {"nu", 0x3BD, h4}, {"num", 0x23, html5}, {"oacute", 0xF3, h4_legacy}, {"ocirc", 0xF4, h4_legacy},
    {"oelig", 0x153, h4}, {"ograve", 0xF2, h4_legacy}, {"oline", 0x203E, h4}, {"omega", 0x3C9, h4},
    {"omicron", 0x3BF, h4}, {"oplus", 0x2295, h4}, {"or", 0x2228, h4}, {"ordf", 0xAA, h4_legacy},
    {"ordm", 0xBA, h4_legacy}, {"oslash", 0xF8, h4_legacy}, {"otilde", 0xF5, h4_legacy}, {"otimes", 0x2297, h4},
    {"ouml", 0xF6, h4_legacy}, {"para", 0xB6, h4_legacy}, {"part", 0x2202, h4}, {"percnt", 0x25, html5},
    {"period", 0x2E, html5}, {"permil", 0x2030, h4}, {"perp", 0x22A5, h4}, {"phi", 0x3C6, h4}, {"pi", 0x3C0, h4},
    {"piv", 0x3D6, h4}, {"plus", 0x2B, html5}, {"plusmn", 0xB1, h4_legacy}, {"pound", 0xA3, h4_legacy},
    {"prime", 0x2032, h4}, {"prod", 0x220F, h4}, {"prop", 0x221D, h4}, {"psi", 0x3C8, h4}, {"quest", 0x3F, html5},
    {"quot", 0x22, h4_legacy}, {"rArr", 0x21D2, h4}, {"radic", 0x221A, h4}, {"rang", 0x232A, h4},
    {"raquo", 0xBB, h4_legacy}, {"rarr", 0x2192, h4}, {"rceil", 0x2309, h4}, {"rdquo", 0x201D, h4},
    {"real", 0x211C, h4}, {"reg", 0xAE, h4_legacy}, {"rfloor", 0x230B, h4}, {"rho", 0x3C1, h4}, {"rlm", 0x200F, h4},
    {"rpar", 0x29, html5}, {"rsaquo", 0x203A, h4}, {"rsquo", 0x2019, h4}, {"sbquo", 0x201A, h4},
    {"scaron", 0x161, h4}, {"sdot", 0x22C5, h4}, {"sect", 0xA7, h4_legacy}, {"semi", 0x3B, html5},
    {"shy", 0xAD, h4_legacy}, {"sigma", 0x3C3, h4}, {"sigmaf", 0x3C2, h4}, {"sim", 0x223C, h4}, {"sol", 0x2F, html5},
    {"spades", 0x2660, h4}, {"sub", 0x2282, h4}, {"sube", 0x2286, h4}, {"sum", 0x2211, h4}, {"sup", 0x2283, h4},
    {"sup1", 0xB9, h4_legacy}, {"sup2", 0xB2, h4_legacy}, {"sup3", 0xB3, h4_legacy}, {"supe", 0x2287, h4},
    {"szlig", 0xDF, h4_legacy}, {"tau", 0x3C4, h4}, {"there4", 0x2234, h4}, {"theta", 0x3B8, h4},
    {"thetasym", 0x3D1, h4}, {"thinsp", 0x2009, h4}, {"thorn", 0xFE, h4_legacy}, {"tilde", 0x2DC, h4},
    {"times", 0xD7, h4_legacy}, {"trade", 0x2122, h4}, {"uArr", 0x21D1, h4}, {"uacute", 0xFA, h4_legacy},
    {"uarr", 0x2191, h4}, {"ucirc", 0xFB, h4_legacy}, {"ugrave", 0xF9, h4_legacy}, {"uml", 0xA8, h4_legacy},
    {"upsih", 0x3D2, h4}, {"upsilon", 0x3C5, h4}, {"uuml", 0xFC, h4_legacy}, {"weierp", 0x2118, h4},
    {"xi", 0x3BE, h4}, {"yacute", 0xFD, h4_legacy}, {"yen", 0xA5, h4_legacy}, {"yuml", 0xFF, h4_legacy},
    {"zeta", 0x3B6, h4}, {"zwj", 0x200D, h4}, {"zwnj", 0x200C, h4},
};

constexpr bool names_sorted_and_within_limits()
{
    for (std::size_t i = 0; i < std::size(refs); ++i) {
        if (i > 0 && !(refs[i - 1].name < refs[i].name)) {
            return false;
        }
        if (refs[i].name.size() > longest_char_ref_name ||
            ((refs[i].flags & char_ref::legacy) && refs[i].name.size() > longest_legacy_char_ref_name)) {
            return false;
        }
    }
    return true;
}
static_assert(names_sorted_and_within_limits());

// 0 where windows-1252 defines nothing.
constexpr std::array<char16_t, 32> windows_1252_c1{
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

constexpr std::uint32_t past_unicode = 0x110000;

// Where the names starting with each letter begin, so a lookup searches
// only them: the link scanner looks up every reference it meets.
constexpr auto first_letter_starts = [] {
    std::array<std::uint16_t, 129> starts{};
    std::size_t ref = 0;
    for (std::size_t c = 0; c < 129; ++c) {
        while (ref < std::size(refs) && static_cast<unsigned char>(refs[ref].name[0]) < c) {
            ++ref;
        }
        starts[c] = static_cast<std::uint16_t>(ref);
    }
    return starts;
}();

} // namespace

const NamedCharRef* find_char_ref(std::string_view name) noexcept
{
    if (name.empty() || name.size() > longest_char_ref_name) {
        return nullptr;
    }
    const auto first = static_cast<unsigned char>(name[0]);
    if (first >= 128) {
        return nullptr;
    }
    // A bucket holds at most a few dozen names, and most differ in length
    // from the one sought: a linear scan beats a binary search here.
    const NamedCharRef* end = refs + first_letter_starts[first + 1];
    for (const NamedCharRef* ref = refs + first_letter_starts[first]; ref != end; ++ref) {
        if (ref->name.size() == name.size() && std::memcmp(ref->name.data(), name.data(), name.size()) == 0) {
            return ref;
        }
    }
    return nullptr;
}

NumericCharRef read_numeric_char_ref(std::string_view text, std::size_t start) noexcept
{
    std::size_t i = start;
    const bool hex = i < text.size() && (text[i] == 'x' || text[i] == 'X');
    if (hex) {
        ++i;
    }
    const std::size_t digits_start = i;
    std::uint32_t value = 0;
    for (; i < text.size(); ++i) {
        const int digit = hex ? hex_value(text[i]) : (text[i] >= '0' && text[i] <= '9' ? text[i] - '0' : -1);
        if (digit < 0) {
            break;
        }
        // Saturating keeps "past U+10FFFF" true however many digits follow.
        value = value >= past_unicode ? value : value * (hex ? 16 : 10) + static_cast<std::uint32_t>(digit);
    }
    return i == digits_start ? NumericCharRef{0, start} : NumericCharRef{value, i};
}

char32_t numeric_char_ref_code_point(std::uint32_t value) noexcept
{
    if (value == 0 || value >= past_unicode || (value >= 0xD800 && value <= 0xDFFF)) {
        return 0xFFFD;
    }
    if (value >= 0x80 && value <= 0x9F && windows_1252_c1[value - 0x80] != 0) {
        return windows_1252_c1[value - 0x80];
    }
    return value;
}

bool is_windows_1252_hole(std::uint32_t value) noexcept
{
    return value >= 0x80 && value <= 0x9F && windows_1252_c1[value - 0x80] == 0;
}

} // namespace trawl::detail
