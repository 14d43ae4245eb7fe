#pragma once
// trawl::Regex: a compiled regular expression for patterns a user writes
// (LinkExtractor allow/deny, CrawlSpider and SitemapSpider rules) and for
// Selector::re(). PCRE2 with Python-like settings (UTF-8, Unicode \w \d \s,
// invalid UTF-8 in the subject tolerated), JIT-compiled when the CPU allows,
// and a limit on backtracking, so that a hostile page cannot hang a worker
// with a catastrophic pattern: the match fails with RegexError instead.
//
// A Regex is immutable and cheap to copy (shared); one object may be used
// from any number of threads at once.

#include <cstddef>
#include <functional>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

namespace trawl {

/// An invalid pattern (at compile time) or a match that ran past the
/// backtracking limit.
class RegexError : public std::invalid_argument {
public:
    static constexpr std::size_t no_position = static_cast<std::size_t>(-1);

    RegexError(const std::string& message, std::string pattern, std::size_t position);

    const std::string& pattern() const noexcept { return pattern_; }
    /// Byte offset of the problem in pattern(), or no_position.
    std::size_t position() const noexcept { return position_; }

private:
    std::string pattern_;
    std::size_t position_;
};

struct RegexOptions {
    bool caseless = false;
};

class Regex {
public:
    /// Compiles `pattern`. Throws RegexError naming the pattern and the
    /// offset of the error.
    explicit Regex(std::string_view pattern, RegexOptions options = {});

    /// True if the pattern matches somewhere in `text` (Python's
    /// re.search). Throws RegexError when the backtracking limit is hit.
    bool search(std::string_view text) const;

    /// Offsets of one match: begin/end byte offsets of the whole match
    /// (index 0) and of each group (npos/npos for a group that did not take
    /// part).
    using Groups = std::span<const std::size_t>;
    static constexpr std::size_t npos = static_cast<std::size_t>(-1);

    /// Calls `on_match` for each non-overlapping match, left to right, as
    /// Python's re.finditer (an empty match is followed by a non-empty
    /// attempt at the same place); stops when it returns false. `groups`
    /// holds 2 × (capture_count() + 1) offsets. Throws RegexError when the
    /// backtracking limit is hit.
    void for_each_match(std::string_view text, const std::function<bool(Groups groups)>& on_match) const;

    std::size_t capture_count() const noexcept;
    /// Number of the group named `name`, or 0 when there is none.
    std::size_t group_number(std::string_view name) const;
    const std::string& pattern() const noexcept;

private:
    struct Compiled;
    std::shared_ptr<const Compiled> compiled_;
};

} // namespace trawl
