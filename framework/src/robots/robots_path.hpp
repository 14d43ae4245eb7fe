#pragma once
// The strings robots.txt rules are compared on: the path, params and query
// of a URL, and the normal form both sides are brought to (RFC 9309 2.2.2).

#include <string>
#include <string_view>

namespace trawl::detail {

/// The part of a URL rules are matched against: path, ;params and ?query,
/// without the fragment, starting with '/' (Google's GetPathParamsQuery:
/// "http://h/a?q#f" -> "/a?q", "example.com?a" -> "/?a", "a" -> "/").
/// Split in two so the common case needs no copy: the path is
/// `slash ? "/" + rest : rest`.
struct RobotsPathView {
    bool slash = true;
    std::string_view rest;
};
RobotsPathView robots_path_of(std::string_view url);

/// The same as a string.
std::string robots_path_string(std::string_view url);

/// True if append_robots_normalised would change `text`.
bool needs_robots_normalising(std::string_view text);

/// Appends `text` in the form patterns and paths are compared in: bytes
/// outside printable ASCII and the characters URLs may not hold (space,
/// `"<>\^`{|}`) percent-encoded, %xx in upper case, %xx of an unreserved
/// character decoded (%7E -> ~), a '%' that starts no escape as %25.
/// Reserved characters stay as written, so `%2F`, `%24` and `%2A` are not
/// '/', '$' and '*'.
void append_robots_normalised(std::string& out, std::string_view text);

/// `pattern` in normal form (Google's MaybeEscapePattern, plus the
/// decoding of unreserved characters).
std::string normalise_robots_pattern(std::string_view pattern);

/// Does `pattern` ('*' matches any run of bytes) match `path` whole
/// (`anchored`, the rule ended in '$') or a prefix of it? Greedy with one
/// backtrack point, no recursion: O(path * pattern) at worst.
bool robots_wildcard_match(std::string_view path, std::string_view pattern, bool anchored);

} // namespace trawl::detail
