#pragma once
// The line level of robots.txt: splitting, comments, "key: value", and which
// directive a key names. Lenient as Google's parser is (a missing colon, CR
// line ends, a partial UTF-8 BOM), plus Protego's two-word keys
// ("user agent", "request rate") and typos of "disallow".

#include <cstddef>
#include <string_view>

namespace trawl::detail {

enum class RobotsKey {
    user_agent,
    allow,
    disallow,
    sitemap,
    crawl_delay,  // the rest are not in RFC 9309
    request_rate,
    visit_time,
    host,
    unknown,
};

/// Google's parser truncates longer lines (8 URLs of 2083 bytes, less its
/// terminating NUL); a rule cut there still applies.
inline constexpr std::size_t robots_max_line_length = 2083 * 8 - 1;

struct RobotsLine {
    std::size_t number = 0; ///< 1-based
    RobotsKey key = RobotsKey::unknown;
    std::string_view value; ///< trimmed, comment removed; may be empty
};

/// Reads the key-value lines of a robots.txt; other lines (blank, comments,
/// text without a key) are skipped. Views point into the body.
class RobotsLineReader {
public:
    /// Reads at most `max_size` bytes of `body`, after a (possibly partial)
    /// UTF-8 byte order mark; of a longer body, only the complete lines
    /// within them.
    RobotsLineReader(std::string_view body, std::size_t max_size);

    /// The next line with a key; false at the end.
    bool next(RobotsLine& line);

    /// Lines consumed so far, counting blank ones; a last line without a
    /// line end counts.
    std::size_t lines_read() const { return lines_read_; }

private:
    std::string_view rest_;
    std::size_t lines_read_ = 0;
};

RobotsKey classify_robots_key(std::string_view key);

/// What Google's parser reports for a file: the directives it knows
/// (user-agent, allow, disallow, sitemap) and the keys it does not (the
/// non-standard ones trawl reads count as neither).
struct RobotsParseStats {
    std::size_t lines = 0;
    std::size_t valid_directives = 0;
    std::size_t unknown_directives = 0;
};
RobotsParseStats robots_parse_stats(std::string_view body, std::size_t max_size);

} // namespace trawl::detail
