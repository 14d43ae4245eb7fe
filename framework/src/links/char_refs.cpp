#include "links/char_refs.hpp"
#include "core/char_refs.hpp"
#include "core/utf8.hpp"

#include <algorithm>
#include <cstring>

namespace trawl::links::detail {

using trawl::detail::append_utf8;
using trawl::detail::NamedCharRef;

namespace {

// How far a name is read when looking for its ';': past the longest name,
// so that "&copyrightnotice;" is a long unknown name (kept) rather than
// "&copy" followed by text.
constexpr std::size_t longest_scanned_name = 16;

bool is_alnum(char c) noexcept
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// `text[at]` is '&'. Appends the decoded reference and returns the index
// after it, or returns `at` when there is nothing to decode there.
std::size_t decode_one(std::string& out, std::string_view text, std::size_t at, bool in_attribute)
{
    const std::size_t n = text.size();
    std::size_t i = at + 1;
    if (i < n && text[i] == '#') {
        const auto number = trawl::detail::read_numeric_char_ref(text, i + 1);
        if (number.end == i + 1) {
            return at; // "&#" or "&#x" with no digits: kept as written
        }
        i = number.end;
        if (i < n && text[i] == ';') {
            ++i;
        }
        append_utf8(out, trawl::detail::numeric_char_ref_code_point(number.value));
        return i;
    }

    std::size_t end = i;
    while (end < n && end - i < longest_scanned_name + 1 && is_alnum(text[end])) {
        ++end;
    }
    if (end == i) {
        return at;
    }
    const auto run = text.substr(i, end - i);
    if (end < n && text[end] == ';') {
        if (const NamedCharRef* ref = trawl::detail::find_char_ref(run)) {
            append_utf8(out, ref->code_point);
            return end + 1;
        }
        // An unknown name with its ';' may be a real reference missing
        // from the table (&notinva;): better kept than half-decoded as &not;.
        return at;
    }
    // Without ';' only the legacy names count, longest first (&copyright
    // is "©right" in text).
    for (std::size_t length = std::min(run.size(), trawl::detail::longest_legacy_char_ref_name); length >= 2;
         --length) {
        const NamedCharRef* ref = trawl::detail::find_char_ref(run.substr(0, length));
        if (ref && (ref->flags & trawl::detail::char_ref::legacy)) {
            const std::size_t after = i + length;
            if (in_attribute && after < n && (text[after] == '=' || is_alnum(text[after]))) {
                return at; // "?a=1&copy=2": a query string, not a reference
            }
            append_utf8(out, ref->code_point);
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
