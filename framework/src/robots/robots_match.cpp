// Answering a parsed robots.txt: called for every request of a crawl, from
// any thread, so everything here is const and allocates only when a path
// needs percent-normalising.

#include <trawl/robots_txt.hpp>

#include "robots/robots_path.hpp"

#include <algorithm>
#include <iterator>

namespace trawl {
namespace {

char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

/// The first product of a User-Agent header: "trawl/0.1 (+https://x)" ->
/// "trawl", "Foo Bar" -> "Foo".
std::string_view product_token(std::string_view user_agent)
{
    while (!user_agent.empty() && (user_agent.front() == ' ' || user_agent.front() == '\t')) {
        user_agent.remove_prefix(1);
    }
    return user_agent.substr(0, user_agent.find_first_of(" \t/;(),"));
}

/// `a` (any case) < `b` (lower case).
bool token_less(std::string_view a, std::string_view b)
{
    return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(),
                                        [](char x, char y) { return lower(x) < y; });
}

bool token_equal(std::string_view a, std::string_view b)
{
    return a.size() == b.size()
           && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return lower(x) == y; });
}

} // namespace

const std::vector<std::uint32_t>* RobotsTxt::groups_for(std::string_view user_agent) const
{
    const auto token = product_token(user_agent);
    if (is_valid_robots_product_token(token)) {
        const auto it = std::partition_point(agents_.begin(), agents_.end(),
                                             [&](const Agent& agent) { return !token_less(token, agent.token); });
        // partition_point finds the first agent > token; the match sits before it.
        if (it != agents_.begin() && token_equal(token, std::prev(it)->token)) {
            return &std::prev(it)->groups;
        }
    }
    return has_global_ ? &global_groups_ : nullptr;
}

bool RobotsTxt::allowed_path(std::string_view path, const std::vector<std::uint32_t>& groups) const
{
    // The longest matching rule wins, Allow on a tie (RFC 9309 2.2.2). Each
    // group's rules are sorted that way, so a group's first match is its
    // best, and a rule that cannot beat the best so far ends the group.
    bool found = false;
    std::uint32_t best = 0;
    bool best_allow = true;
    for (const auto index : groups) {
        for (const Rule& rule : groups_[index].rules) {
            if (found && (rule.priority < best || (rule.priority == best && (best_allow || !rule.allow)))) {
                break;
            }
            const bool match = rule.wildcard ? detail::robots_wildcard_match(path, rule.pattern, rule.anchored)
                               : rule.anchored ? path == rule.pattern
                                               : path.starts_with(rule.pattern);
            if (match) {
                found = true;
                best = rule.priority;
                best_allow = rule.allow;
                break;
            }
        }
    }
    return !found || best_allow;
}

bool RobotsTxt::allowed(std::string_view url, std::string_view user_agent) const
{
    const auto view = detail::robots_path_of(url);
    std::string normalised;
    std::string_view path = view.rest;
    if (view.slash || detail::needs_robots_normalising(view.rest)) {
        normalised.reserve(view.rest.size() + 8);
        if (view.slash) {
            normalised.push_back('/');
        }
        detail::append_robots_normalised(normalised, view.rest);
        path = normalised;
    }
    // RFC 9309 2.2.2: "The /robots.txt URI is implicitly allowed."
    if (path == "/robots.txt") {
        return true;
    }
    if (everything_ == Everything::disallowed) {
        return false;
    }
    const auto* groups = groups_for(user_agent);
    return groups == nullptr || allowed_path(path, *groups);
}

std::optional<double> RobotsTxt::crawl_delay(std::string_view user_agent) const
{
    if (const auto* groups = groups_for(user_agent)) {
        for (const auto index : *groups) {
            if (groups_[index].crawl_delay) {
                return groups_[index].crawl_delay;
            }
        }
    }
    return std::nullopt;
}

std::optional<RequestRate> RobotsTxt::request_rate(std::string_view user_agent) const
{
    if (const auto* groups = groups_for(user_agent)) {
        for (const auto index : *groups) {
            if (groups_[index].request_rate) {
                return groups_[index].request_rate;
            }
        }
    }
    return std::nullopt;
}

std::optional<VisitTime> RobotsTxt::visit_time(std::string_view user_agent) const
{
    if (const auto* groups = groups_for(user_agent)) {
        for (const auto index : *groups) {
            if (groups_[index].visit_time) {
                return groups_[index].visit_time;
            }
        }
    }
    return std::nullopt;
}

} // namespace trawl
