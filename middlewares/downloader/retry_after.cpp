#include "downloader/retry_after.hpp"

#include <trawl/headers.hpp>

#include <array>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <vector>

namespace trawl::middlewares {

namespace {

std::string_view trim(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
        s.remove_suffix(1);
    }
    return s;
}

bool all_digits(std::string_view s)
{
    if (s.empty()) {
        return false;
    }
    for (char c : s) {
        if (!std::isdigit(static_cast<unsigned char>(c))) {
            return false;
        }
    }
    return true;
}

bool all_alpha(std::string_view s)
{
    for (char c : s) {
        if (!std::isalpha(static_cast<unsigned char>(c))) {
            return false;
        }
    }
    return !s.empty();
}

int to_int(std::string_view digits)
{
    int out = 0;
    std::from_chars(digits.data(), digits.data() + digits.size(), out);
    return out;
}

// "HH:MM:SS" as seconds since midnight.
std::optional<int> parse_time(std::string_view s)
{
    if (s.size() != 8 || s[2] != ':' || s[5] != ':') {
        return std::nullopt;
    }
    auto h = s.substr(0, 2), m = s.substr(3, 2), sec = s.substr(6, 2);
    if (!all_digits(h) || !all_digits(m) || !all_digits(sec)) {
        return std::nullopt;
    }
    int hours = to_int(h), minutes = to_int(m), seconds = to_int(sec);
    // 60 allows a leap second, as RFC 5322 does.
    if (hours > 23 || minutes > 59 || seconds > 60) {
        return std::nullopt;
    }
    return hours * 3600 + minutes * 60 + seconds;
}

std::optional<unsigned> parse_month(std::string_view s)
{
    static constexpr std::array<std::string_view, 12> names{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    for (unsigned i = 0; i < names.size(); ++i) {
        if (iequals(s, names[i])) {
            return i + 1;
        }
    }
    return std::nullopt;
}

} // namespace

std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view text)
{
    // The three forms hold the same fields in orders that never make them
    // ambiguous once split on spaces, commas and dashes: the first number is
    // the day of the month, the second the year.
    std::vector<std::string_view> tokens;
    std::size_t start = std::string_view::npos;
    for (std::size_t i = 0; i <= text.size(); ++i) {
        const bool separator = i == text.size() || text[i] == ' ' || text[i] == ',' || text[i] == '-' ||
                               text[i] == '\t';
        if (separator && start != std::string_view::npos) {
            tokens.push_back(text.substr(start, i - start));
            start = std::string_view::npos;
        } else if (!separator && start == std::string_view::npos) {
            start = i;
        }
    }
    std::optional<int> day, year, seconds;
    std::optional<unsigned> month;
    bool weekday_seen = false;
    for (auto token : tokens) {
        if (token.find(':') != std::string_view::npos) {
            if (seconds) {
                return std::nullopt;
            }
            seconds = parse_time(token);
            if (!seconds) {
                return std::nullopt;
            }
        } else if (all_digits(token)) {
            if (!day && token.size() <= 2) {
                day = to_int(token);
            } else if (day && !year && (token.size() == 2 || token.size() == 4)) {
                year = to_int(token);
                if (token.size() == 2) {
                    *year += *year < 70 ? 2000 : 1900;
                }
            } else {
                return std::nullopt;
            }
        } else if (all_alpha(token)) {
            if (auto m = parse_month(token); m && !month) {
                month = m;
            } else if (iequals(token, "GMT") || iequals(token, "UTC")) {
                // the only zone HTTP dates use
            } else if (!weekday_seen && token.size() >= 3) {
                weekday_seen = true;  // not checked against the date, as most parsers do
            } else {
                return std::nullopt;
            }
        } else {
            return std::nullopt;
        }
    }
    if (!day || !month || !year || !seconds) {
        return std::nullopt;
    }
    const std::chrono::year_month_day date{std::chrono::year{*year}, std::chrono::month{*month},
                                           std::chrono::day{static_cast<unsigned>(*day)}};
    if (!date.ok()) {
        return std::nullopt;
    }
    return std::chrono::sys_days{date} + std::chrono::seconds{*seconds};
}

std::optional<std::chrono::duration<double>> parse_retry_after(std::string_view value,
                                                               std::chrono::system_clock::time_point now)
{
    value = trim(value);
    if (all_digits(value)) {
        // Digits past what a double holds exactly are still a long wait.
        double seconds = 0;
        for (char c : value) {
            seconds = seconds * 10 + (c - '0');
        }
        return std::chrono::duration<double>{seconds};
    }
    auto when = parse_http_date(value);
    if (!when) {
        return std::nullopt;
    }
    if (*when <= now) {
        return std::chrono::duration<double>{0};
    }
    return std::chrono::duration<double>{*when - now};
}

} // namespace trawl::middlewares
