#pragma once
// Splits a URL into its components the way w3lib does before making it
// safe: strip C0 controls and spaces at both ends, drop tabs and newlines,
// read "\" as "/" before the query in special URLs, validate brackets and
// the port. Every part is a view into the input or into a caller's scratch
// string; nothing is decoded or lower-cased here.

#include <boost/system/result.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace trawl::detail {

/// The first position at or after `from` holding one of `Cs`, or s.size().
/// (string_view::find_first_of calls memchr over the set for every byte.)
template <char... Cs>
constexpr std::size_t find_any(std::string_view s, std::size_t from = 0) noexcept
{
    for (std::size_t i = from; i < s.size(); ++i) {
        const char c = s[i];
        if (((c == Cs) || ...)) {
            return i;
        }
    }
    return s.size();
}

/// What a scheme means for parsing and serialising.
struct SchemeInfo {
    bool special = false;        ///< http, https, ws, wss, ftp, file
    bool query_encoding = false; ///< the page encoding applies to the query (special but not ws/wss)
    std::uint16_t default_port = 0;
};

/// `scheme` in any case; the empty scheme (a relative URL) is not special.
SchemeInfo scheme_info(std::string_view scheme) noexcept;

/// Strips leading and trailing C0 controls and spaces and removes every tab,
/// CR and LF. Copies into `scratch` only when something in the middle goes.
std::string_view clean_url_input(std::string_view input, std::string& scratch);

struct UrlSplit {
    std::string_view scheme;   ///< as written; empty for a relative URL
    SchemeInfo info;

    bool has_authority = false; ///< "//" followed the scheme or began the URL; always for web schemes
    bool has_userinfo = false;  ///< an '@' in the authority
    std::string_view username;
    bool has_password = false;
    std::string_view password;
    std::string_view host;      ///< without brackets
    bool host_bracketed = false;
    bool has_port_separator = false; ///< a ':' after the host, even with no port
    bool has_port = false;      ///< a non-empty, valid port (":" alone counts as none)
    std::uint16_t port = 0;

    std::string_view path;
    bool has_query = false;
    std::string_view query;
    bool has_fragment = false;
    std::string_view fragment;
};

/// Splits an already cleaned URL (see clean_url_input). `scratch` receives a
/// copy when backslashes have to become slashes (it may already hold
/// `url`). Error trawl::errc::invalid_url for unbalanced or misplaced
/// brackets, an invalid bracketed host, or a port that is not a number in
/// 0-65535.
boost::system::result<UrlSplit> split_url(std::string_view url, std::string& scratch);

} // namespace trawl::detail
