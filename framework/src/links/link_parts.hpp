#pragma once
// The small text and URL pieces LinkExtractor works with (link_parts.cpp).

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace trawl::links::detail {

/// w3lib's strip_html5_whitespace.
std::string_view strip_html_space(std::string_view s) noexcept;

/// `text` without leading and trailing ASCII whitespace.
std::string strip_text(std::string text);

bool is_ascii(std::string_view s) noexcept;

/// The scheme a value is written with ("" if it is relative), lower case
/// only if written so: a letter, then letters, digits, '+', '-' or '.', then ':'.
std::string_view written_scheme(std::string_view value) noexcept;

/// `a` equals `lower_b` (given in lower case), ignoring ASCII case.
bool iequals(std::string_view a, std::string_view lower_b) noexcept;

/// Scrapy's _is_valid_url: what a link may be.
bool is_kept_scheme(std::string_view scheme) noexcept;

/// The same for a URL urljoin wrote (its scheme in lower case).
bool kept_url(std::string_view url) noexcept;

/// rel="nofollow", "external nofollow", "nofollow,noopener": a token.
bool has_nofollow(std::string_view rel) noexcept;

/// The path of an absolute URL without fragment, as Python's urlparse
/// gives it: after the authority, before '?', without the last segment's
/// ";params".
std::string_view url_path(std::string_view url) noexcept;

/// RFC 3986 unreserved: never escaped, never unescaped.
bool is_unreserved(char c) noexcept;

/// The host of a URL urljoin wrote (so already lower case, its user info
/// and port well-formed): no allocation, unlike the lenient url_host().
std::string_view joined_host(std::string_view url) noexcept;

/// `host` is one of `domains` (lower case) or a subdomain of one.
bool host_in(std::string_view host, const std::vector<std::string>& domains) noexcept;

/// Lets an unordered_set<std::string> be searched with a string_view.
struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

} // namespace trawl::links::detail
