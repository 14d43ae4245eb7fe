#pragma once
// The tokenizer pieces of the link scanner (html_links.cpp): character
// classes, case-insensitive names and what a tag name means. Inline: they
// run once per byte or per tag.

#include <array>
#include <cstddef>
#include <initializer_list>
#include <string_view>

namespace trawl::links::detail {

// Character classes of the tokenizer states the scanner runs, one table
// lookup per byte in the hot loops.
enum : unsigned char {
    space = 1,         // ASCII whitespace
    ends_name = 2,     // ends a tag or attribute name: whitespace, '/', '>'
    ends_unquoted = 4,  // ends an unquoted attribute value: whitespace, '>'
    ends_attribute_name = 8,  // whitespace, '/', '>', '='
};

inline constexpr auto char_classes = [] {
    std::array<unsigned char, 256> table{};
    for (unsigned char c : {' ', '\n', '\t', '\r', '\f'}) {
        table[c] = space | ends_name | ends_unquoted | ends_attribute_name;
    }
    table['/'] = ends_name | ends_attribute_name;
    table['>'] = ends_name | ends_unquoted | ends_attribute_name;
    table['='] = ends_attribute_name;
    return table;
}();

inline bool has_class(char c, unsigned char mask) noexcept { return (char_classes[static_cast<unsigned char>(c)] & mask) != 0; }

inline bool is_space(char c) noexcept { return has_class(c, space); }

inline bool is_alpha(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

inline char to_lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c; }

inline bool iequals_lower(std::string_view text, std::string_view lower) noexcept
{
    if (text.size() != lower.size()) {
        return false;
    }
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (to_lower(text[i]) != lower[i]) {
            return false;
        }
    }
    return true;
}

inline bool iequals(std::string_view a, std::string_view b) noexcept
{
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (to_lower(a[i]) != to_lower(b[i])) {
            return false;
        }
    }
    return true;
}

inline bool is_one_of(std::string_view name, std::initializer_list<std::string_view> lower_names) noexcept
{
    for (auto lower : lower_names) {
        if (iequals_lower(name, lower)) {
            return true;
        }
    }
    return false;
}

// Elements that never have content: their start tag opens nothing and a
// stray end tag of theirs (</br>) closes nothing.
inline bool is_void(std::string_view name) noexcept
{
    return is_one_of(name, {"br", "img", "input", "hr", "meta", "link", "wbr", "col", "embed", "param", "source",
                            "track", "base", "area", "keygen"});
}

// Phrasing elements whose stray end tag libxml2 ignores inside a link
// ("<a>x</span>y</a>" keeps "xy"), rather than taking it for the end of an
// element the link sits in.
inline bool is_inline(std::string_view name) noexcept
{
    return is_one_of(name, {"span", "b", "i", "u", "s", "em", "strong", "font", "small", "big", "code", "sub",
                            "sup", "abbr", "cite", "q", "tt", "mark", "label", "strike", "bdi", "bdo", "kbd",
                            "samp", "var", "dfn", "time", "nobr"});
}

// What a start tag means to the scanner.
enum class TagKind {
    other,
    link,       // a, area: collect href
    base,       // first href wins for the page
    title,      // RCDATA, first one is the page's title
    rcdata,     // textarea: text only, references decoded (nothing to keep)
    rawtext,    // script, style, xmp, iframe, noembed, noframes
    plaintext,  // everything after it is text
};

inline TagKind classify(std::string_view name) noexcept
{
    // Longer than any name we care about: skip the comparisons.
    if (name.size() > 9) {
        return TagKind::other;
    }
    char lower[9];
    for (std::size_t i = 0; i < name.size(); ++i) {
        lower[i] = to_lower(name[i]);
    }
    const std::string_view n{lower, name.size()};
    switch (n.size()) {
    case 1:
        return n == "a" ? TagKind::link : TagKind::other;
    case 3:
        return n == "xmp" ? TagKind::rawtext : TagKind::other;
    case 4:
        return n == "area" ? TagKind::link : n == "base" ? TagKind::base : TagKind::other;
    case 5:
        return n == "title" ? TagKind::title : n == "style" ? TagKind::rawtext : TagKind::other;
    case 6:
        return n == "script" || n == "iframe" ? TagKind::rawtext : TagKind::other;
    case 7:
        return n == "noembed" ? TagKind::rawtext : TagKind::other;
    case 8:
        return n == "noframes" ? TagKind::rawtext : n == "textarea" ? TagKind::rcdata : TagKind::other;
    case 9:
        return n == "plaintext" ? TagKind::plaintext : TagKind::other;
    default:
        return TagKind::other;
    }
}

} // namespace trawl::links::detail
