#pragma once
// robots.txt (RFC 9309): parsed once per host, then asked for every request
// of a crawl, from any thread. Where the RFC is silent, trawl reads files as
// Google's robotstxt library does (groups, missing colons, index.html,
// long lines); tests/conformance/KNOWN_DIFFERENCES.md lists where it
// differs from Google's and Protego's (Scrapy's default) answers.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace trawl {

namespace detail {
class RobotsTxtBuilder;
}

/// Non-standard `Request-rate: 1/10s 1820-1940`: `requests` per `seconds`,
/// optionally only between two times of day.
struct RequestRate {
    unsigned requests = 0;
    double seconds = 0;
    std::optional<std::string> start_time; ///< "HH:MM", or nullopt for all day
    std::optional<std::string> end_time;   ///< "HH:MM", or nullopt for all day
};

/// Non-standard `Visit-time: 0200-0630`: when the site prefers to be crawled.
struct VisitTime {
    std::string start_time; ///< "HH:MM"
    std::string end_time;   ///< "HH:MM"
};

class RobotsTxt {
public:
    /// Bytes of a robots.txt that are read; the rest is ignored
    /// (RFC 9309 2.5 asks for at least 500 KiB).
    static constexpr std::size_t max_size = 500 * 1024;

    /// Allows everything (an empty robots.txt).
    RobotsTxt() = default;

    /// Parses any bytes (binary, HTML, huge): never throws except
    /// std::bad_alloc. Only the first max_size bytes are read, and of a
    /// longer body only the complete lines in them (a cut rule could forbid
    /// far more than it was written for). 500 KiB of rules (~20,000) take
    /// ~5 ms (RelWithDebInfo, loaded 2-core machine).
    static RobotsTxt parse(std::string_view body);
    /// For a robots.txt answered 4xx (RFC 9309 2.3.1.3).
    static RobotsTxt allow_all();
    /// For a robots.txt answered 5xx or unreachable (RFC 9309 2.3.1.4).
    /// /robots.txt itself stays allowed.
    static RobotsTxt disallow_all();

    /// May a crawler whose User-Agent header is `user_agent` fetch `url`?
    /// `url` is an absolute URL (any scheme) or a path with an optional
    /// ?query; a fragment is ignored. The crawler's product token is the
    /// first product of `user_agent` ("trawl/0.1 (+https://x)" -> "trawl"),
    /// matched case-insensitively; a token with characters other than
    /// [A-Za-z_-] ("Rule1TestBot", "foo*bot") cannot name a group (RFC 9309
    /// 2.2.1), so such a crawler obeys the `*` group only.
    bool allowed(std::string_view url, std::string_view user_agent) const;

    /// Crawl-delay of the crawler's group, in seconds.
    std::optional<double> crawl_delay(std::string_view user_agent) const;
    std::optional<RequestRate> request_rate(std::string_view user_agent) const;
    std::optional<VisitTime> visit_time(std::string_view user_agent) const;

    /// Allow and Disallow rules kept, in all groups: 0 for a body that
    /// is not a robots.txt (binary, an HTML page).
    std::size_t rule_count() const noexcept;

    /// Sitemap: values in file order, as written.
    const std::vector<std::string>& sitemaps() const { return sitemaps_; }
    /// The first non-standard `Host:` value (Yandex's preferred mirror).
    const std::optional<std::string>& preferred_host() const { return preferred_host_; }

private:
    struct Rule {
        std::string pattern;    // normalised; runs of '*' collapsed, no trailing '$'
        std::uint32_t priority; // normalised length as written: longest match wins
        bool allow;
        bool anchored;          // pattern ended in '$'
        bool wildcard;          // pattern has a '*'
    };
    struct Group {
        std::vector<Rule> rules; // by priority, then allow first: first match decides
        std::optional<double> crawl_delay;
        std::optional<RequestRate> request_rate;
        std::optional<VisitTime> visit_time;
    };
    struct Agent {
        std::string token;                 // lower case
        std::vector<std::uint32_t> groups; // every group naming the agent, in file order
    };
    enum class Everything : std::uint8_t { by_rules, disallowed };

    friend class detail::RobotsTxtBuilder;

    // Groups of the crawler's token, else of `*`; null if neither exists.
    const std::vector<std::uint32_t>* groups_for(std::string_view user_agent) const;
    bool allowed_path(std::string_view path, const std::vector<std::uint32_t>& groups) const;

    std::vector<Group> groups_;
    std::vector<Agent> agents_;  // sorted by token
    std::vector<std::uint32_t> global_groups_;
    bool has_global_ = false;
    Everything everything_ = Everything::by_rules;
    std::vector<std::string> sitemaps_;
    std::optional<std::string> preferred_host_;
};

/// True if `name` may name a robots.txt group: 1*[A-Za-z_-] (RFC 9309
/// 2.2.1). Check a configured crawler name with this.
bool is_valid_robots_product_token(std::string_view name);

/// The robots.txt URL for a page URL ("http://h:8080/a/b?q" ->
/// "http://h:8080/robots.txt"); "" if the URL is not http(s) or has no host.
std::string robots_txt_url(std::string_view url);

} // namespace trawl
