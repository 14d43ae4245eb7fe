#include "url/host.hpp"
#include "core/ascii.hpp"

#include "url/percent.hpp"
#include "url/text_encoding.hpp"

#include <boost/url/ipv6_address.hpp>

#include <idn2.h>

#include <array>
#include <cstdint>
#include <memory>

namespace trawl::detail {

namespace {

void append_lower(std::string& out, std::string_view s)
{
    const std::size_t start = out.size();
    out.append(s);
    for (std::size_t i = start; i < out.size(); ++i) {
        out[i] = ascii_lower(out[i]);
    }
}

// --- IPv6 ---------------------------------------------------------------

using Ipv6Pieces = std::array<std::uint16_t, 8>;

bool parse_ipv6(std::string_view text, Ipv6Pieces& pieces) noexcept
{
    auto parsed = boost::urls::parse_ipv6_address(text);
    if (!parsed) {
        return false;
    }
    const auto bytes = parsed->to_bytes();
    for (std::size_t i = 0; i < 8; ++i) {
        pieces[i] = static_cast<std::uint16_t>((bytes[2 * i] << 8) | bytes[2 * i + 1]);
    }
    return true;
}

/// The URL standard's IPv6 serialiser: lower-case hex, the first longest run
/// of two or more zero pieces as "::", no dotted IPv4 tail. (Boost's
/// to_string compresses a single zero piece and keeps dotted tails.)
void append_ipv6(std::string& out, const Ipv6Pieces& pieces)
{
    std::size_t best_start = 8;
    std::size_t best_len = 1;
    for (std::size_t i = 0; i < 8;) {
        if (pieces[i] != 0) {
            ++i;
            continue;
        }
        std::size_t j = i;
        while (j < 8 && pieces[j] == 0) {
            ++j;
        }
        if (j - i > best_len) {
            best_start = i;
            best_len = j - i;
        }
        i = j;
    }
    static constexpr char digits[] = "0123456789abcdef";
    for (std::size_t i = 0; i < 8; ++i) {
        if (i == best_start) {
            out += (i == 0) ? "::" : ":";
            i += best_len - 1;
            continue;
        }
        char buf[4];
        int n = 0;
        for (int shift = 12; shift >= 0; shift -= 4) {
            const unsigned nibble = (pieces[i] >> shift) & 15U;
            if (n > 0 || nibble != 0 || shift == 0) {
                buf[n++] = digits[nibble];
            }
        }
        out.append(buf, static_cast<std::size_t>(n));
        if (i != 7) {
            out.push_back(':');
        }
    }
}

// --- IPv4 (URL standard: decimal, 0x hex or 0-prefixed octal parts) -----

/// Parses one part; saturates far above 2^32 so that overflow stays an error.
bool parse_ipv4_number(std::string_view part, std::uint64_t& value) noexcept
{
    if (part.empty()) {
        return false;
    }
    unsigned radix = 10;
    if (part.size() >= 2 && part[0] == '0' && (part[1] == 'x' || part[1] == 'X')) {
        radix = 16;
        part.remove_prefix(2);
    } else if (part.size() >= 2 && part[0] == '0') {
        radix = 8;
        part.remove_prefix(1);
    }
    value = 0;
    for (char c : part) {
        const int digit = hex_value(c);
        if (digit < 0 || static_cast<unsigned>(digit) >= radix || (radix == 10 && !(c >= '0' && c <= '9'))) {
            return false;
        }
        value = value * radix + static_cast<unsigned>(digit);
        if (value > (std::uint64_t{1} << 40)) {
            value = std::uint64_t{1} << 40;
        }
    }
    return true;
}

/// The URL standard's "ends in a number": such a host must be an IPv4 address.
bool ends_in_number(std::string_view host) noexcept
{
    if (!host.empty() && host.back() == '.') {
        host.remove_suffix(1);
        if (host.empty()) {
            return false;
        }
    }
    const std::size_t dot = host.rfind('.');
    const std::string_view last = dot == std::string_view::npos ? host : host.substr(dot + 1);
    if (last.empty()) {
        return false;
    }
    bool all_digits = true;
    for (char c : last) {
        all_digits = all_digits && c >= '0' && c <= '9';
    }
    std::uint64_t ignored = 0;
    return all_digits || parse_ipv4_number(last, ignored);
}

bool parse_ipv4(std::string_view host, std::uint32_t& address) noexcept
{
    if (!host.empty() && host.back() == '.') {
        host.remove_suffix(1);
    }
    std::array<std::uint64_t, 4> numbers{};
    std::size_t count = 0;
    for (std::size_t start = 0;;) {
        const std::size_t dot = host.find('.', start);
        const std::string_view part = host.substr(start, dot == std::string_view::npos ? host.npos : dot - start);
        if (count == 4 || !parse_ipv4_number(part, numbers[count])) {
            return false;
        }
        ++count;
        if (dot == std::string_view::npos) {
            break;
        }
        start = dot + 1;
    }
    for (std::size_t i = 0; i + 1 < count; ++i) {
        if (numbers[i] > 255) {
            return false;
        }
    }
    const std::uint64_t limit = std::uint64_t{1} << (8 * (5 - count));
    if (numbers[count - 1] >= limit) {
        return false;
    }
    std::uint64_t value = numbers[count - 1];
    for (std::size_t i = 0; i + 1 < count; ++i) {
        value += numbers[i] << (8 * (3 - i));
    }
    address = static_cast<std::uint32_t>(value);
    return true;
}

void append_ipv4(std::string& out, std::uint32_t address)
{
    for (int shift = 24; shift >= 0; shift -= 8) {
        out += std::to_string((address >> shift) & 255U);
        if (shift != 0) {
            out.push_back('.');
        }
    }
}

// --- Domains --------------------------------------------------------------

/// The URL standard's forbidden domain code points (ASCII ones; the
/// non-ASCII ones are IDNA's business).
bool is_forbidden_domain_byte(unsigned char c) noexcept
{
    if (c <= 0x20 || c == 0x7F) {
        return true;
    }
    switch (c) {
    case '#': case '/': case ':': case '<': case '>': case '?': case '@':
    case '[': case '\\': case ']': case '^': case '|': case '%':
        return true;
    default:
        return false;
    }
}

/// Python's IDNA codec (what w3lib uses) refuses an empty label other than a
/// final one; U+3002, U+FF0E and U+FF61 separate labels too.
bool has_empty_inner_label(std::string_view host) noexcept
{
    bool label_empty = true;
    for (std::size_t i = 0; i < host.size();) {
        std::size_t sep = 0;
        if (host[i] == '.') {
            sep = 1;
        } else if (host.compare(i, 3, "\xE3\x80\x82") == 0 || host.compare(i, 3, "\xEF\xBC\x8E") == 0 ||
                   host.compare(i, 3, "\xEF\xBD\xA1") == 0) {
            sep = 3;
        }
        if (sep == 0) {
            label_empty = false;
            ++i;
            continue;
        }
        if (label_empty) {
            return true;
        }
        label_empty = true;
        i += sep;
    }
    return false;
}

enum class Idna { ok, keep_raw, invalid };

/// UTS #46 non-transitional processing, then transitional for what IDNA2008
/// rejects but UTS #46 allows (symbols such as U+2764), as browsers accept.
Idna idna_to_ascii(std::string_view host, std::string& out)
{
    if (host.find('\0') != std::string_view::npos) {
        return Idna::invalid;
    }
    if (has_empty_inner_label(host)) {
        return Idna::keep_raw;
    }
    const std::string input(host); // libidn2 wants a NUL-terminated string
    const auto* in = reinterpret_cast<const std::uint8_t*>(input.c_str());
    std::uint8_t* raw = nullptr;
    int rc = idn2_lookup_u8(in, &raw, IDN2_NONTRANSITIONAL);
    if (rc != IDN2_OK) {
        rc = idn2_lookup_u8(in, &raw, IDN2_TRANSITIONAL);
    }
    if (rc != IDN2_OK) {
        switch (rc) {
        // The URL standard does not limit lengths and allows these hyphens;
        // libidn2 will not encode such names, so keep them, as w3lib does.
        case IDN2_TOO_BIG_DOMAIN:
        case IDN2_TOO_BIG_LABEL:
        case IDN2_PUNYCODE_BIG_OUTPUT:
        case IDN2_HYPHEN_STARTEND:
        case IDN2_2HYPHEN:
            return Idna::keep_raw;
        default:
            return Idna::invalid;
        }
    }
    const std::unique_ptr<std::uint8_t, decltype(&idn2_free)> owned(raw, &idn2_free);
    const std::string_view ascii(reinterpret_cast<const char*>(raw));
    if (ascii.empty()) {
        return Idna::invalid; // only ignored code points (U+00AD): no host left
    }
    // Mapping may produce a delimiter (U+FF1A FULLWIDTH COLON becomes ':'),
    // which would change where the host ends: the URL is not valid.
    for (char c : ascii) {
        switch (c) {
        case '/': case '?': case '#': case '@': case ':': case '\\': case '[': case ']':
            return Idna::invalid;
        default:
            break;
        }
    }
    append_lower(out, ascii);
    return Idna::ok;
}

} // namespace

bool is_valid_bracketed_host(std::string_view inner) noexcept
{
    if (!inner.empty() && (inner[0] == 'v' || inner[0] == 'V')) {
        // w3lib's IPvFuture pattern: "v" HEXDIG+ "." any+ (lower-case v only).
        if (inner[0] != 'v') {
            return false;
        }
        std::size_t i = 1;
        while (i < inner.size() && hex_value(inner[i]) >= 0) {
            ++i;
        }
        return i > 1 && i < inner.size() && inner[i] == '.' && i + 1 < inner.size();
    }
    Ipv6Pieces pieces{};
    return parse_ipv6(inner, pieces);
}

bool append_ipv6_host(std::string& out, std::string_view inner)
{
    Ipv6Pieces pieces{};
    if (!parse_ipv6(inner, pieces)) {
        return false;
    }
    out.push_back('[');
    append_ipv6(out, pieces);
    out.push_back(']');
    return true;
}

bool append_host(std::string& out, std::string_view host, bool bracketed, bool special)
{
    if (bracketed) {
        if (append_ipv6_host(out, host)) {
            return true;
        }
        if (host.find(':') != std::string_view::npos) {
            // An IPvFuture literal with a colon: w3lib keeps the brackets.
            out.push_back('[');
            append_lower(out, host);
            out.push_back(']');
            return true;
        }
        // An IPvFuture literal without a colon: w3lib writes it as a name.
    }

    std::string decoded;
    if (special && host.find('%') != std::string_view::npos) {
        append_unquoted(decoded, host);
        host = decoded;
    }
    const std::size_t start = out.size();
    if (is_ascii(host)) {
        append_lower(out, host);
    } else {
        if (!is_valid_utf8(host)) {
            return false;
        }
        switch (idna_to_ascii(host, out)) {
        case Idna::ok:
            break;
        case Idna::keep_raw:
            append_lower(out, host);
            break;
        case Idna::invalid:
            return false;
        }
    }
    if (!special) {
        return true;
    }
    const std::string_view result(out.data() + start, out.size() - start);
    for (char c : result) {
        if (is_forbidden_domain_byte(static_cast<unsigned char>(c))) {
            return false;
        }
    }
    if (ends_in_number(result)) {
        std::uint32_t address = 0;
        if (!parse_ipv4(result, address)) {
            return false;
        }
        out.resize(start);
        append_ipv4(out, address);
    }
    return true;
}

} // namespace trawl::detail
