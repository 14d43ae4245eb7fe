#include "select/regex.hpp"
#include "core/utf8.hpp"

#include "select/html_entities.hpp"
#include "select/lru_cache.hpp"

#include <trawl/selector.hpp>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <fmt/format.h>

#include <charconv>
#include <memory>

namespace trawl::detail {
namespace {

// Backtracking limits. 10 million steps is PCRE2's own default and plenty
// for real patterns over a page; it bounds a catastrophic pattern such as
// (a+)+$ to well under a second. The heap limit (KiB) bounds the memory
// the interpreter may use for backtracking.
constexpr std::uint32_t match_limit = 10'000'000;
constexpr std::uint32_t heap_limit_kib = 64 * 1024;
constexpr std::size_t cache_capacity = 64;

struct CompiledRegex {
    pcre2_code* code = nullptr;
    pcre2_match_data* match_data = nullptr;
    std::uint32_t capture_count = 0;
    int extract_group = -1; ///< number of the group named "extract", or -1

    CompiledRegex() = default;
    CompiledRegex(const CompiledRegex&) = delete;
    CompiledRegex& operator=(const CompiledRegex&) = delete;
    ~CompiledRegex()
    {
        pcre2_match_data_free(match_data);
        pcre2_code_free(code);
    }
};

struct ThreadRegexState {
    LruCache<std::shared_ptr<CompiledRegex>> cache{cache_capacity};
    pcre2_match_context* match_context = nullptr;

    ThreadRegexState()
    {
        match_context = pcre2_match_context_create(nullptr);
        pcre2_set_match_limit(match_context, match_limit);
        pcre2_set_heap_limit(match_context, heap_limit_kib);
    }
    ~ThreadRegexState()
    {
        cache.clear();
        pcre2_match_context_free(match_context);
    }
    ThreadRegexState(const ThreadRegexState&) = delete;
    ThreadRegexState& operator=(const ThreadRegexState&) = delete;
};

ThreadRegexState& thread_state()
{
    thread_local ThreadRegexState state;
    return state;
}

std::string error_text(int code)
{
    PCRE2_UCHAR buffer[256];
    if (pcre2_get_error_message(code, buffer, sizeof buffer) < 0) {
        return fmt::format("PCRE2 error {}", code);
    }
    return reinterpret_cast<const char*>(buffer);
}

std::shared_ptr<CompiledRegex> compile(std::string_view pattern, bool caseless)
{
    auto& state = thread_state();
    std::string key;
    key.reserve(pattern.size() + 1);
    key.push_back(caseless ? 'i' : '-');
    key.append(pattern);
    if (auto* cached = state.cache.find(key)) {
        return *cached;
    }
    std::uint32_t options = PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF;
    if (caseless) {
        options |= PCRE2_CASELESS;
    }
    int error = 0;
    PCRE2_SIZE offset = 0;
    auto compiled = std::make_shared<CompiledRegex>();
    compiled->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), options, &error,
                                   &offset, nullptr);
    if (compiled->code == nullptr) {
        throw SelectorError(fmt::format("invalid regular expression '{}': {} at {}", pattern, error_text(error),
                                        offset),
                            std::string(pattern), offset);
    }
    // JIT makes matching several times faster; without it (not built for
    // this CPU) the interpreter is used.
    pcre2_jit_compile(compiled->code, PCRE2_JIT_COMPLETE);
    pcre2_pattern_info(compiled->code, PCRE2_INFO_CAPTURECOUNT, &compiled->capture_count);
    const int extract = pcre2_substring_number_from_name(compiled->code, reinterpret_cast<PCRE2_SPTR>("extract"));
    compiled->extract_group = extract > 0 ? extract : -1;
    compiled->match_data = pcre2_match_data_create_from_pattern(compiled->code, nullptr);
    if (compiled->match_data == nullptr) {
        throw std::bad_alloc();
    }
    return state.cache.insert(std::move(key), std::move(compiled));
}

/// Calls `on_match(ovector)` for each match, Python findall style (an
/// empty match is followed by a non-empty attempt at the same place). Stops
/// when on_match returns false.
template <typename OnMatch>
void for_each_match(std::string_view pattern, const CompiledRegex& regex, std::string_view text, OnMatch on_match)
{
    auto& state = thread_state();
    const auto* subject = reinterpret_cast<PCRE2_SPTR>(text.data());
    PCRE2_SIZE offset = 0;
    std::uint32_t options = 0;
    while (offset <= text.size()) {
        const int rc =
            pcre2_match(regex.code, subject, text.size(), offset, options, regex.match_data, state.match_context);
        if (rc == PCRE2_ERROR_NOMATCH) {
            if (options == 0) {
                return;
            }
            // No non-empty match here: move on by one character.
            options = 0;
            ++offset;
            while (offset < text.size() && (static_cast<unsigned char>(text[offset]) & 0xC0) == 0x80) {
                ++offset;
            }
            continue;
        }
        if (rc < 0) {
            const bool limit = rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
                               rc == PCRE2_ERROR_HEAPLIMIT || rc == PCRE2_ERROR_JIT_STACKLIMIT;
            throw SelectorError(fmt::format("regular expression '{}' {}: {}", pattern,
                                            limit ? "exceeded its backtracking limit" : "failed", error_text(rc)),
                                std::string(pattern), SelectorError::no_position);
        }
        const PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(regex.match_data);
        if (!on_match(ovector)) {
            return;
        }
        options = ovector[0] == ovector[1] ? PCRE2_NOTEMPTY_ATSTART | PCRE2_ANCHORED : 0;
        offset = ovector[1];
    }
}

std::string group_text(std::string_view text, const PCRE2_SIZE* ovector, std::uint32_t group)
{
    const PCRE2_SIZE start = ovector[2 * group];
    if (start == PCRE2_UNSET) {
        return {};
    }
    return std::string(text.substr(start, ovector[2 * group + 1] - start));
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
    const auto regex = compile(pattern, false);
    std::vector<std::string> out;
    if (max_results == 0) {
        return out;
    }
    for_each_match(pattern, *regex, text, [&](const PCRE2_SIZE* ovector) {
        if (regex->extract_group > 0) {
            // parsel: only the first match; nothing if the group did not take part.
            if (ovector[2 * regex->extract_group] != PCRE2_UNSET) {
                out.push_back(group_text(text, ovector, static_cast<std::uint32_t>(regex->extract_group)));
            }
            return false;
        }
        if (regex->capture_count == 0) {
            out.push_back(group_text(text, ovector, 0));
        } else {
            for (std::uint32_t g = 1; g <= regex->capture_count && out.size() < max_results; ++g) {
                out.push_back(group_text(text, ovector, g));
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
    const auto regex = compile(pattern, caseless);
    bool found = false;
    for_each_match(pattern, *regex, text, [&](const PCRE2_SIZE*) {
        found = true;
        return false;
    });
    return found;
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
