#pragma once
// The pieces of safe_url_string, shared with canonicalize_url and urljoin:
// each appends one component of a split URL in its safe (percent-encoded,
// IDNA) form.

#include "url/percent.hpp"
#include "url/url_split.hpp"

#include <string>
#include <string_view>

namespace trawl::detail {

/// Appends `text` converted to `encoding` and quoted with `safe`. Text that
/// the encoding cannot represent (or that is not valid UTF-8) is quoted as
/// its UTF-8 bytes, the fallback canonicalize_url uses too.
void append_quoted_in(std::string& out, std::string_view text, std::string_view encoding, const ByteSet& safe);

/// "user:password@" with the username and password unquoted and requoted
/// (w3lib), or nothing when the URL has no '@'.
void append_safe_userinfo(std::string& out, const UrlSplit& parts);

/// The host (see append_host) and ":port" when the URL gives a port.
/// False when the host is invalid.
bool append_safe_host_port(std::string& out, const UrlSplit& parts);

/// The URL standard rejects credentials without a host and a special URL
/// (other than file:) with an empty host.
bool has_required_host(const UrlSplit& parts) noexcept;

/// Whether the page encoding applies to this URL's query: special schemes
/// other than ws/wss, and relative URLs (resolved later against a page URL).
inline bool query_uses_encoding(const UrlSplit& parts) noexcept
{
    return parts.scheme.empty() || parts.info.query_encoding;
}

inline const ByteSet& query_safe_set(const UrlSplit& parts) noexcept
{
    return parts.info.special ? special_query_safest_set : path_safest_set;
}

} // namespace trawl::detail
