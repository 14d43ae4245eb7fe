#include "select/regex.hpp"
#include "core/utf8.hpp"

#include "select/html_entities.hpp"
#include "select/lru_cache.hpp"

#include <trawl/regex.hpp>
#include <trawl/selector.hpp>

#include <fmt/format.h>

#include <charconv>
#include <memory>

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

// Numeric references 128-159 name windows-1252 characters, as in browsers
// (0 = undefined there).
constexpr char16_t windows_1252_c1[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

bool is_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) { return is_digit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f'); }

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
        std::size_t j = amp + 1;
        int base = 0;
        if (j < text.size() && text[j] == '#') {
            if (j + 1 < text.size() && (text[j + 1] | 0x20) == 'x' && j + 2 < text.size() && is_hex(text[j + 2])) {
                base = 16;
                j += 2;
            } else if (j + 1 < text.size() && is_digit(text[j + 1])) {
                base = 10;
                j += 1;
            }
        }
        const std::size_t start = j;
        while (j < text.size() && (base == 16 ? is_hex(text[j]) : base == 10 ? is_digit(text[j]) : is_alnum(text[j]))) {
            ++j;
        }
        if (j == start || (base == 0 && text[amp + 1] == '#')) {
            out.push_back('&');
            i = amp + 1;
            continue;
        }
        const bool semicolon = j < text.size() && text[j] == ';';
        const std::string_view body = text.substr(start, j - start);
        const std::size_t end = semicolon ? j + 1 : j;
        std::optional<char32_t> cp;
        if (base != 0) {
            std::uint32_t value = 0;
            const auto [ptr, ec] = std::from_chars(body.data(), body.data() + body.size(), value, base);
            if (ec == std::errc{} && ptr == body.data() + body.size() && value <= 0x10FFFF) {
                cp = value;
            }
        } else {
            std::string lowered(body);
            for (char& c : lowered) {
                c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
            }
            if (lowered == "lt" || lowered == "amp") {
                out.append(text.substr(amp, end - amp)); // kept, so the markup stays unambiguous
                i = end;
                continue;
            }
            cp = html_entity(body);
            if (!cp) {
                cp = html_entity(lowered);
            }
        }
        if (cp && *cp >= 0x80 && *cp <= 0x9F) {
            const char16_t mapped = windows_1252_c1[*cp - 0x80];
            cp = mapped != 0 ? std::optional<char32_t>(mapped) : std::nullopt;
        }
        if (cp && (*cp == 0 || (*cp >= 0xD800 && *cp <= 0xDFFF))) {
            cp = 0xFFFD; // not representable in UTF-8
        }
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
