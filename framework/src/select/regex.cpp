#include "select/regex.hpp"
#include "core/ascii.hpp"
#include "core/char_refs.hpp"
#include "core/utf8.hpp"

#include "select/lru_cache.hpp"

#include <trawl/regex.hpp>
#include <trawl/selector.hpp>

#include <fmt/format.h>

#include <memory>
#include <optional>

namespace trawl::detail {
namespace {

constexpr std::size_t cache_capacity = 64;

struct CachedRegex {
    Regex regex;
    std::size_t extract_group; ///< number of the group named "extract", or 0
};

/// Compiled patterns of this thread, most recently used first: a spider
/// calls re() with the same few patterns on every page.
std::shared_ptr<const CachedRegex> compile(std::string_view pattern, bool caseless)
{
    thread_local LruCache<std::shared_ptr<const CachedRegex>> cache{cache_capacity};
    std::string key;
    key.reserve(pattern.size() + 1);
    key.push_back(caseless ? 'i' : '-');
    key.append(pattern);
    if (auto* cached = cache.find(key)) {
        return *cached;
    }
    try {
        Regex regex{pattern, RegexOptions{.caseless = caseless}};
        const std::size_t extract_group = regex.group_number("extract");
        return cache.insert(std::move(key),
                            std::make_shared<const CachedRegex>(CachedRegex{std::move(regex), extract_group}));
    } catch (const RegexError& error) {
        throw SelectorError(error.what(), std::string(pattern), error.position());
    }
}

/// Regex::for_each_match, its errors reported as the selector's.
template <typename OnMatch>
void for_each_match(const Regex& regex, std::string_view text, OnMatch on_match)
{
    try {
        regex.for_each_match(text, on_match);
    } catch (const RegexError& error) {
        throw SelectorError(error.what(), error.pattern(), SelectorError::no_position);
    }
}

std::string group_text(std::string_view text, Regex::Groups groups, std::size_t group)
{
    const std::size_t start = groups[2 * group];
    if (start == Regex::npos) {
        return {};
    }
    return std::string(text.substr(start, groups[2 * group + 1] - start));
}

bool is_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

/// w3lib's reading of a numeric reference's value: what Python's chr()
/// and cp1252 decoding refuse (past U+10FFFF, a byte windows-1252 leaves
/// undefined) is nothing.
std::optional<char32_t> numeric_code_point(std::uint32_t value)
{
    if (value > 0x10FFFF || is_windows_1252_hole(value)) {
        return std::nullopt;
    }
    return numeric_char_ref_code_point(value);
}

/// An HTML 4 name, as written or else in lower case (w3lib looks both up).
std::optional<char32_t> html4_code_point(std::string_view name, const std::string& lowered)
{
    for (const std::string_view candidate : {name, std::string_view(lowered)}) {
        const NamedCharRef* ref = find_char_ref(candidate);
        if (ref && (ref->flags & char_ref::html4)) {
            return ref->code_point;
        }
    }
    return std::nullopt;
}

} // namespace

std::vector<std::string> regex_extract(std::string_view pattern, std::string_view text, bool replace,
                                       std::size_t max_results)
{
    const auto compiled = compile(pattern, false);
    const Regex& regex = compiled->regex;
    std::vector<std::string> out;
    if (max_results == 0) {
        return out;
    }
    for_each_match(regex, text, [&](Regex::Groups groups) {
        if (compiled->extract_group > 0) {
            // parsel: only the first match; nothing if the group did not take part.
            if (groups[2 * compiled->extract_group] != Regex::npos) {
                out.push_back(group_text(text, groups, compiled->extract_group));
            }
            return false;
        }
        if (regex.capture_count() == 0) {
            out.push_back(group_text(text, groups, 0));
        } else {
            for (std::size_t g = 1; g <= regex.capture_count() && out.size() < max_results; ++g) {
                out.push_back(group_text(text, groups, g));
            }
        }
        return out.size() < max_results;
    });
    if (replace) {
        for (auto& s : out) {
            if (s.find('&') != std::string::npos) {
                s = replace_entities(s);
            }
        }
    }
    return out;
}

bool regex_test(std::string_view pattern, std::string_view text, bool caseless)
{
    const auto compiled = compile(pattern, caseless);
    try {
        return compiled->regex.search(text);
    } catch (const RegexError& error) {
        throw SelectorError(error.what(), error.pattern(), SelectorError::no_position);
    }
}

std::string replace_entities(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    std::size_t i = 0;
    while (i < text.size()) {
        const std::size_t amp = text.find('&', i);
        if (amp == std::string_view::npos) {
            out.append(text.substr(i));
            break;
        }
        out.append(text.substr(i, amp - i));
        // &name  &#123  &#x1F, each with an optional ';'.
        std::optional<char32_t> cp;
        std::size_t j = amp + 1;
        if (j < text.size() && text[j] == '#') {
            const auto number = read_numeric_char_ref(text, j + 1);
            if (number.end == j + 1) {
                out.push_back('&');
                i = amp + 1;
                continue;
            }
            j = number.end;
            cp = numeric_code_point(number.value);
        } else {
            while (j < text.size() && is_alnum(text[j])) {
                ++j;
            }
            if (j == amp + 1) {
                out.push_back('&');
                i = amp + 1;
                continue;
            }
            const std::string_view name = text.substr(amp + 1, j - amp - 1);
            const std::string lowered = ascii_lower(name);
            if (lowered == "lt" || lowered == "amp") {
                const std::size_t end = j < text.size() && text[j] == ';' ? j + 1 : j;
                out.append(text.substr(amp, end - amp)); // kept, so the markup stays unambiguous
                i = end;
                continue;
            }
            cp = html4_code_point(name, lowered);
        }
        const bool semicolon = j < text.size() && text[j] == ';';
        const std::size_t end = semicolon ? j + 1 : j;
        if (cp) {
            append_utf8(out, *cp);
        } else if (!semicolon) {
            out.append(text.substr(amp, end - amp)); // unknown and unterminated: left alone
        }
        i = end;
    }
    return out;
}

} // namespace trawl::detail
