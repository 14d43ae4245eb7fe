#include "robots/robots_lines.hpp"

#include <array>

namespace trawl::detail {
namespace {

bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\v' || c == '\f';
}

std::string_view trim(std::string_view text)
{
    while (!text.empty() && is_space(text.front())) {
        text.remove_prefix(1);
    }
    while (!text.empty() && is_space(text.back())) {
        text.remove_suffix(1);
    }
    return text;
}

std::size_t find_space(std::string_view text)
{
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (is_space(text[i])) {
            return i;
        }
    }
    return std::string_view::npos;
}

char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool iequals(std::string_view a, std::string_view b)
{
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (lower(a[i]) != lower(b[i])) {
            return false;
        }
    }
    return true;
}

bool istarts_with(std::string_view text, std::string_view prefix)
{
    return text.size() >= prefix.size() && iequals(text.substr(0, prefix.size()), prefix);
}

template <std::size_t N>
bool istarts_with_any(std::string_view text, const std::array<std::string_view, N>& prefixes)
{
    for (auto prefix : prefixes) {
        if (istarts_with(text, prefix)) {
            return true;
        }
    }
    return false;
}

template <std::size_t N>
bool iequals_any(std::string_view text, const std::array<std::string_view, N>& names)
{
    for (auto name : names) {
        if (iequals(text, name)) {
            return true;
        }
    }
    return false;
}

/// Splits a trimmed, comment-free line into key and value. Returns false
/// for a line that holds no directive.
bool split_key_value(std::string_view line, std::string_view& key, std::string_view& value)
{
    if (const auto colon = line.find(':'); colon != std::string_view::npos) {
        key = trim(line.substr(0, colon));
        value = trim(line.substr(colon + 1));
        return !key.empty();
    }
    // No colon: Google accepts "key value" when the line is exactly two
    // words, since people forget the colon.
    const auto space = find_space(line);
    if (space == std::string_view::npos) {
        return false;
    }
    key = line.substr(0, space);
    value = trim(line.substr(space));
    if (find_space(value) == std::string_view::npos) {
        return true;
    }
    // More words: only Protego's two-word keys ("user agent harry potter",
    // "request rate 1/10s 1820-1940") make a directive of it.
    static constexpr std::array<std::string_view, 4> two_word_keys{"user agent", "crawl delay", "request rate",
                                                                   "visit time"};
    const auto second_end = find_space(value);
    const std::string_view first = key;
    const std::string_view second = value.substr(0, second_end);
    for (const std::string_view candidate : two_word_keys) {
        const auto split = candidate.find(' ');
        if (iequals(first, candidate.substr(0, split)) && iequals(second, candidate.substr(split + 1))) {
            key = candidate;
            value = trim(value.substr(second_end));
            return true;
        }
    }
    return false;
}

} // namespace

RobotsKey classify_robots_key(std::string_view key)
{
    // Google compares the standard keys by prefix ("user-agents" counts),
    // and accepts these spellings; the extensions are compared whole.
    static constexpr std::array<std::string_view, 3> user_agent{"user-agent", "useragent", "user agent"};
    static constexpr std::array<std::string_view, 6> disallow{"disallow", "dissallow", "dissalow",
                                                              "disalow",  "diasllow",  "disallaw"};
    static constexpr std::array<std::string_view, 2> sitemap{"sitemap", "site-map"};
    static constexpr std::array<std::string_view, 4> crawl_delay{"crawl-delay", "crawl delay", "crawldelay",
                                                                 "crawl_delay"};
    static constexpr std::array<std::string_view, 4> request_rate{"request-rate", "request rate", "requestrate",
                                                                  "request_rate"};
    static constexpr std::array<std::string_view, 4> visit_time{"visit-time", "visit time", "visittime",
                                                                "visit_time"};
    if (istarts_with_any(key, user_agent)) {
        return RobotsKey::user_agent;
    }
    if (istarts_with(key, "allow")) {
        return RobotsKey::allow;
    }
    if (istarts_with_any(key, disallow)) {
        return RobotsKey::disallow;
    }
    if (istarts_with_any(key, sitemap)) {
        return RobotsKey::sitemap;
    }
    if (iequals_any(key, crawl_delay)) {
        return RobotsKey::crawl_delay;
    }
    if (iequals_any(key, request_rate)) {
        return RobotsKey::request_rate;
    }
    if (iequals_any(key, visit_time)) {
        return RobotsKey::visit_time;
    }
    if (iequals(key, "host")) {
        return RobotsKey::host;
    }
    return RobotsKey::unknown;
}

RobotsLineReader::RobotsLineReader(std::string_view body, std::size_t max_size)
    : rest_{body.substr(0, max_size)}
{
    // A line cut by the limit is dropped: "Disallow: /private-area" cut to
    // "Disallow: /" would forbid the whole site. A single line longer than
    // the limit is kept; it is cut to robots_max_line_length anyway.
    if (body.size() > max_size) {
        if (const auto last = rest_.find_last_of("\r\n"); last != std::string_view::npos) {
            rest_ = rest_.substr(0, last + 1);
        }
    }
    // Google skips as much of a byte order mark as is there: a file cut
    // after its first byte still parses.
    static constexpr std::string_view bom = "\xEF\xBB\xBF";
    std::size_t skip = 0;
    while (skip < bom.size() && skip < rest_.size() && rest_[skip] == bom[skip]) {
        ++skip;
    }
    rest_.remove_prefix(skip);
}

bool RobotsLineReader::next(RobotsLine& line)
{
    while (!rest_.empty()) {
        const auto end = rest_.find_first_of("\r\n");
        std::string_view text = rest_.substr(0, end);
        if (end == std::string_view::npos) {
            rest_ = {};
        } else {
            const bool crlf = rest_[end] == '\r' && end + 1 < rest_.size() && rest_[end + 1] == '\n';
            rest_.remove_prefix(end + (crlf ? 2 : 1));
        }
        ++lines_read_;

        text = text.substr(0, robots_max_line_length);
        text = trim(text.substr(0, text.find('#')));
        std::string_view key;
        std::string_view value;
        if (text.empty() || !split_key_value(text, key, value)) {
            continue;
        }
        line.number = lines_read_;
        line.key = classify_robots_key(key);
        line.value = value;
        return true;
    }
    return false;
}

RobotsParseStats robots_parse_stats(std::string_view body, std::size_t max_size)
{
    RobotsParseStats stats;
    RobotsLineReader reader(body, max_size);
    RobotsLine line;
    while (reader.next(line)) {
        switch (line.key) {
        case RobotsKey::user_agent:
        case RobotsKey::allow:
        case RobotsKey::disallow:
        case RobotsKey::sitemap:
            ++stats.valid_directives;
            break;
        case RobotsKey::unknown:
            ++stats.unknown_directives;
            break;
        default:
            break;
        }
    }
    stats.lines = reader.lines_read();
    return stats;
}

} // namespace trawl::detail
