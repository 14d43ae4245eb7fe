// The cookie-date algorithm of RFC 6265 §5.1.1. It is deliberately
// forgiving: it looks for a time, a day, a month and a year among the tokens
// of the date in any order, which is how it reads RFC 1123, RFC 850, asctime
// and the many broken variants servers send with one set of rules.

#include <trawl/cookie_jar.hpp>

#include <array>

namespace trawl {

namespace {

// delimiter = %x09 / %x20-2F / %x3B-40 / %x5B-60 / %x7B-7E
constexpr bool is_delimiter(unsigned char c) noexcept
{
    return c == 0x09 || (c >= 0x20 && c <= 0x2F) || (c >= 0x3B && c <= 0x40) || (c >= 0x5B && c <= 0x60) ||
           (c >= 0x7B && c <= 0x7E);
}

constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

// Reads 1 to `max` digits (at least `min`) from the front of `token` and
// requires that a non-digit or the end follows them (the "( non-digit
// *OCTET )" tail of the grammar).
bool read_number(std::string_view& token, std::size_t min, std::size_t max, int& out) noexcept
{
    std::size_t n = 0;
    int value = 0;
    while (n < token.size() && n < max && is_digit(token[n])) {
        value = value * 10 + (token[n] - '0');
        ++n;
    }
    if (n < min || (n < token.size() && is_digit(token[n]))) {
        return false;
    }
    token.remove_prefix(n);
    out = value;
    return true;
}

// time = hms-time ( non-digit *OCTET ); hms-time = time-field ":" time-field ":" time-field
bool read_time(std::string_view token, int& hour, int& minute, int& second) noexcept
{
    auto field = [&token](int& out, bool colon_follows) {
        std::size_t n = 0;
        int value = 0;
        while (n < token.size() && n < 2 && is_digit(token[n])) {
            value = value * 10 + (token[n] - '0');
            ++n;
        }
        if (n == 0) {
            return false;
        }
        token.remove_prefix(n);
        if (colon_follows) {
            if (token.empty() || token.front() != ':') {
                return false;
            }
            token.remove_prefix(1);
        } else if (!token.empty() && is_digit(token.front())) {
            return false;
        }
        out = value;
        return true;
    };
    return field(hour, true) && field(minute, true) && field(second, false);
}

// month = ( "jan" / "feb" / ... / "dec" ) *OCTET, case-insensitively.
int read_month(std::string_view token) noexcept
{
    static constexpr std::array<std::string_view, 12> names{"jan", "feb", "mar", "apr", "may", "jun",
                                                            "jul", "aug", "sep", "oct", "nov", "dec"};
    if (token.size() < 3) {
        return 0;
    }
    char prefix[3];
    for (std::size_t i = 0; i < 3; ++i) {
        const char c = token[i];
        prefix[i] = c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c;
    }
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (std::string_view(prefix, 3) == names[i]) {
            return static_cast<int>(i) + 1;
        }
    }
    return 0;
}

} // namespace

std::optional<std::chrono::sys_seconds> parse_cookie_date(std::string_view text)
{
    bool found_time = false;
    bool found_day = false;
    bool found_month = false;
    bool found_year = false;
    int hour = 0;
    int minute = 0;
    int second = 0;
    int day = 0;
    int month = 0;
    int year = 0;

    std::size_t at = 0;
    while (at < text.size()) {
        while (at < text.size() && is_delimiter(static_cast<unsigned char>(text[at]))) {
            ++at;
        }
        const std::size_t start = at;
        while (at < text.size() && !is_delimiter(static_cast<unsigned char>(text[at]))) {
            ++at;
        }
        const auto token = text.substr(start, at - start);
        if (token.empty()) {
            break;
        }
        // The order of these checks is the RFC's: a token is taken by the
        // first production it matches that has not been found yet.
        if (!found_time && read_time(token, hour, minute, second)) {
            found_time = true;
            continue;
        }
        if (auto rest = token; !found_day && read_number(rest, 1, 2, day)) {
            found_day = true;
            continue;
        }
        if (!found_month) {
            if (const int m = read_month(token)) {
                month = m;
                found_month = true;
                continue;
            }
        }
        if (auto rest = token; !found_year && read_number(rest, 2, 4, year)) {
            found_year = true;
            continue;
        }
    }

    if (!found_time || !found_day || !found_month || !found_year) {
        return std::nullopt;
    }
    if (year >= 70 && year <= 99) {
        year += 1900;
    } else if (year >= 0 && year <= 69) {
        year += 2000;
    }
    if (day < 1 || day > 31 || year < 1601 || hour > 23 || minute > 59 || second > 59) {
        return std::nullopt;
    }
    const std::chrono::year_month_day date{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(month)},
                                           std::chrono::day{static_cast<unsigned>(day)}};
    if (!date.ok()) {
        return std::nullopt;  // Feb 30, Apr 31: the RFC's "fails to exist"
    }
    return std::chrono::sys_days{date} + std::chrono::hours{hour} + std::chrono::minutes{minute} +
           std::chrono::seconds{second};
}

} // namespace trawl
