// Parsing robots.txt into groups of rules, once per host; matching is in
// robots_match.cpp.

#include <trawl/robots_txt.hpp>

#include "robots/robots_lines.hpp"
#include "robots/robots_path.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <utility>

namespace trawl {
namespace {

bool is_token_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '_';
}

char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool is_space(char c)
{
    return c == ' ' || c == '\t';
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

/// A whole non-negative finite number, or nullopt.
std::optional<double> parse_number(std::string_view text)
{
    double value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || !std::isfinite(value) || value < 0) {
        return std::nullopt;
    }
    return value;
}

/// "0630" -> "06:30".
std::optional<std::string> parse_time_of_day(std::string_view text)
{
    if (text.size() != 4 || !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return std::nullopt;
    }
    if ((text[0] - '0') * 10 + (text[1] - '0') > 24 || (text[2] - '0') * 10 + (text[3] - '0') > 59) {
        return std::nullopt;
    }
    std::string out{text.substr(0, 2)};
    out += ':';
    out += text.substr(2);
    return out;
}

/// "0200-0630" or "0200 0630".
std::optional<std::pair<std::string, std::string>> parse_time_window(std::string_view text)
{
    const auto separator = text.find_first_of("- \t");
    if (separator == std::string_view::npos) {
        return std::nullopt;
    }
    auto start = parse_time_of_day(trim(text.substr(0, separator)));
    auto end = parse_time_of_day(trim(text.substr(separator + 1)));
    if (!start || !end) {
        return std::nullopt;
    }
    return std::pair{std::move(*start), std::move(*end)};
}

/// "1/10s", "100/15m", "1/60" (seconds), optionally followed by a window.
std::optional<RequestRate> parse_request_rate(std::string_view text)
{
    const auto space = text.find_first_of(" \t");
    const std::string_view rate = text.substr(0, space);
    const auto slash = rate.find('/');
    if (slash == std::string_view::npos) {
        return std::nullopt;
    }
    RequestRate out;
    const auto [requests_end, ec] = std::from_chars(rate.data(), rate.data() + slash, out.requests);
    if (ec != std::errc{} || requests_end != rate.data() + slash) {
        return std::nullopt;
    }
    std::string_view period = rate.substr(slash + 1);
    double unit = 1;
    if (!period.empty()) {
        switch (lower(period.back())) {
        case 's': unit = 1; break;
        case 'm': unit = 60; break;
        case 'h': unit = 3600; break;
        case 'd': unit = 86400; break;
        default: unit = 0; break;
        }
        if (unit != 0) {
            period.remove_suffix(1);
        } else {
            unit = 1;
        }
    }
    const auto seconds = parse_number(period);
    if (!seconds || *seconds == 0) {
        return std::nullopt;
    }
    out.seconds = *seconds * unit;
    if (space != std::string_view::npos) {
        if (auto window = parse_time_window(trim(text.substr(space)))) {
            out.start_time = std::move(window->first);
            out.end_time = std::move(window->second);
        }
    }
    return out;
}

} // namespace

namespace detail {

class RobotsTxtBuilder {
    using Rule = RobotsTxt::Rule;
    using Group = RobotsTxt::Group;
    using Agent = RobotsTxt::Agent;

public:
    RobotsTxt build(std::string_view body)
    {
        RobotsLineReader reader(body, RobotsTxt::max_size);
        RobotsLine line;
        while (reader.next(line)) {
            on_line(line);
        }
        finish();
        return std::move(out_);
    }

private:
    void on_line(const RobotsLine& line)
    {
        switch (line.key) {
        case RobotsKey::user_agent:
            on_user_agent(line.value);
            break;
        case RobotsKey::allow:
        case RobotsKey::disallow:
            if (Group* group = member_group()) {
                on_rule(*group, line.key == RobotsKey::allow, line.value);
            }
            break;
        case RobotsKey::crawl_delay:
            if (Group* group = member_group(); group && !group->crawl_delay) {
                group->crawl_delay = parse_number(line.value);
            }
            break;
        case RobotsKey::request_rate:
            if (Group* group = member_group(); group && !group->request_rate) {
                group->request_rate = parse_request_rate(line.value);
            }
            break;
        case RobotsKey::visit_time:
            if (Group* group = member_group(); group && !group->visit_time) {
                if (auto window = parse_time_window(line.value)) {
                    group->visit_time = VisitTime{std::move(window->first), std::move(window->second)};
                }
            }
            break;
        case RobotsKey::sitemap:
            if (!line.value.empty()) {
                out_.sitemaps_.emplace_back(line.value);
            }
            break;
        case RobotsKey::host:
            if (!out_.preferred_host_ && !line.value.empty()) {
                out_.preferred_host_.emplace(line.value);
            }
            break;
        case RobotsKey::unknown:
            // Neither starts nor ends a group (RFC 9309 2.1, as Google reads it).
            break;
        }
    }

    void on_user_agent(std::string_view value)
    {
        // Consecutive user-agent lines share a group; one after a rule (or
        // another group line, such as Crawl-delay) starts the next.
        if (out_.groups_.empty() || group_has_members_) {
            out_.groups_.emplace_back();
            group_has_members_ = false;
        }
        const auto group = static_cast<std::uint32_t>(out_.groups_.size() - 1);
        if (!value.empty() && value.front() == '*' && (value.size() == 1 || is_space(value[1]))) {
            if (out_.global_groups_.empty() || out_.global_groups_.back() != group) {
                out_.global_groups_.push_back(group);
            }
            out_.has_global_ = true;
            return;
        }
        // Google reads the leading [A-Za-z_-] characters as the product
        // token: "Foo Bar" and "Foo/1.0" name Foo, "1bot" names nobody.
        std::string token;
        for (char c : value) {
            if (!is_token_char(c)) {
                break;
            }
            token.push_back(lower(c));
        }
        if (!token.empty()) {
            agent_groups_.emplace_back(std::move(token), group);
        }
    }

    /// The group a rule or other group line belongs to, closing its list
    /// of user agents; null before the first user-agent line.
    Group* member_group()
    {
        if (out_.groups_.empty()) {
            return nullptr;
        }
        group_has_members_ = true;
        return &out_.groups_.back();
    }

    void on_rule(Group& group, bool allow, std::string_view value)
    {
        // An empty Disallow allows everything; an empty Allow says nothing.
        if (value.empty()) {
            return;
        }
        add_rule(group, allow, detail::normalise_robots_pattern(value));
        // Google: "Allow: /dir/index.html" also allows "/dir/".
        if (allow) {
            const auto slash = value.rfind('/');
            if (slash != std::string_view::npos && value.substr(slash).starts_with("/index.htm")) {
                std::string directory{value.substr(0, slash + 1)};
                directory += '$';
                add_rule(group, allow, detail::normalise_robots_pattern(directory));
            }
        }
    }

    static void add_rule(Group& group, bool allow, std::string pattern)
    {
        Rule rule;
        rule.priority = static_cast<std::uint32_t>(pattern.size());
        rule.allow = allow;
        rule.anchored = !pattern.empty() && pattern.back() == '$';
        if (rule.anchored) {
            pattern.pop_back();
        }
        // "a**b" matches what "a*b" matches; collapsing keeps hostile
        // patterns short.
        pattern.erase(std::unique(pattern.begin(), pattern.end(), [](char a, char b) { return a == '*' && b == '*'; }),
                      pattern.end());
        rule.wildcard = pattern.find('*') != std::string::npos;
        rule.pattern = std::move(pattern);
        group.rules.push_back(std::move(rule));
    }

    void finish()
    {
        for (auto& group : out_.groups_) {
            // Longest first, Allow first among equals: the first rule that
            // matches decides (RFC 9309 2.2.2).
            std::stable_sort(group.rules.begin(), group.rules.end(), [](const Rule& a, const Rule& b) {
                return a.priority != b.priority ? a.priority > b.priority : (a.allow && !b.allow);
            });
        }
        // Groups naming the same agent merge (RFC 9309 2.2.1).
        std::sort(agent_groups_.begin(), agent_groups_.end());
        for (auto& [token, group] : agent_groups_) {
            if (out_.agents_.empty() || out_.agents_.back().token != token) {
                out_.agents_.push_back(Agent{std::move(token), {}});
            }
            auto& groups = out_.agents_.back().groups;
            if (groups.empty() || groups.back() != group) {
                groups.push_back(group);
            }
        }
    }

    RobotsTxt out_;
    bool group_has_members_ = false;
    std::vector<std::pair<std::string, std::uint32_t>> agent_groups_;
};

} // namespace detail

RobotsTxt RobotsTxt::parse(std::string_view body)
{
    return detail::RobotsTxtBuilder{}.build(body);
}

RobotsTxt RobotsTxt::allow_all()
{
    return RobotsTxt{};
}

RobotsTxt RobotsTxt::disallow_all()
{
    RobotsTxt out;
    out.everything_ = Everything::disallowed;
    return out;
}

std::size_t RobotsTxt::rule_count() const noexcept
{
    std::size_t count = 0;
    for (const auto& group : groups_) {
        count += group.rules.size();
    }
    return count;
}

bool is_valid_robots_product_token(std::string_view name)
{
    return !name.empty() && std::all_of(name.begin(), name.end(), is_token_char);
}

std::string robots_txt_url(std::string_view url)
{
    const auto scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos) {
        return {};
    }
    std::string out;
    for (char c : url.substr(0, scheme_end)) {
        out.push_back(lower(c));
    }
    if (out != "http" && out != "https") {
        return {};
    }
    std::string_view authority = url.substr(scheme_end + 3);
    authority = authority.substr(0, authority.find_first_of("/\\?#"));
    // Credentials are for pages; robots.txt is the same for every user,
    // and one URL per origin makes a good cache key.
    if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
        authority.remove_prefix(at + 1);
    }
    std::string_view host = authority;
    std::string_view port;
    const auto bracket = authority.rfind(']');
    const auto colon = authority.rfind(':');
    if (colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket)) {
        host = authority.substr(0, colon);
        port = authority.substr(colon + 1);
    }
    if (host.empty()) {
        return {};
    }
    out += "://";
    for (char c : host) {
        out.push_back(lower(c));
    }
    const bool default_port = port.empty() || (out.starts_with("https") ? port == "443" : port == "80");
    if (!default_port) {
        out += ':';
        out += port;
    }
    out += "/robots.txt";
    return out;
}

} // namespace trawl
