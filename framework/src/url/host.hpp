#pragma once
// Host names: IDNA (libidn2), IPv4 numbers and IPv6 literals, as the URL
// standard parses them for special schemes (http, https, ws, wss, ftp, file)
// and as w3lib handles the rest (lower case + IDNA).

#include <string>
#include <string_view>

namespace trawl::detail {

/// w3lib's check of what sits between '[' and ']': an IPv6 address or an
/// IPvFuture literal ("v1.x"); an IPv4 address there is an error.
bool is_valid_bracketed_host(std::string_view inner) noexcept;

/// Appends "[address]" for an IPv6 address in the URL standard's form
/// (compressed, lower case); false if `inner` is not an IPv6 address.
bool append_ipv6_host(std::string& out, std::string_view inner);

/// Appends the host in its ASCII, lower-case form. `bracketed`: it was
/// written inside '[' ']' (and passed is_valid_bracketed_host). `special`:
/// the URL's scheme is special, so the URL standard's host parser applies
/// (percent-decoding, forbidden code points, IPv4 numbers in any radix).
/// A non-ASCII host that IDNA cannot encode only because of DNS length
/// limits or empty labels is kept as it is, as w3lib does. Returns false,
/// with `out` unspecified past its old size, when the host is invalid.
bool append_host(std::string& out, std::string_view host, bool bracketed, bool special);

} // namespace trawl::detail
