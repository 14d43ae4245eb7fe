#pragma once
// URL helpers with w3lib's behaviour, which Scrapy users rely on:
// safe_url_string (make any URL safe to send), canonicalize_url (the form
// used to compare URLs) and urljoin.

#include <boost/system/result.hpp>

#include <string>
#include <string_view>

namespace trawl {

struct CanonicalizeOptions {
    bool keep_blank_values = true;
    bool keep_fragments = false;
    /// Encoding of the query string ("utf-8" default; the path is always UTF-8).
    std::string encoding = "utf-8";
    char query_separator = '&';
};

/// w3lib.url.canonicalize_url: sorted query arguments, normalised percent
/// escapes, lower-case IDNA host, fragment dropped, "/" for an empty path.
/// Never fails: an unparsable URL comes back trimmed as it is.
///
/// Scheme, userinfo, path, params and query come out byte for byte as w3lib
/// writes them. Hosts of special URLs (http, https, ws, wss, ftp, file) are
/// read as the URL standard reads them, so these differ from w3lib (and
/// from Scrapy's fingerprints): IDNA is UTS #46 non-transitional (faß.de is
/// xn--fa-hia.de, not fass.de), IPv4 numbers are normalised (0x7f.1 is
/// 127.0.0.1), IPv6 is compressed, percent-escapes in the host are decoded,
/// "http:/x" has host x, and invalid hosts make the URL unparsable. A kept
/// fragment escapes a lone '%' as safe_url_string does.
/// Throws std::invalid_argument if a query has to be converted to an
/// encoding iconv does not know.
std::string canonicalize_url(std::string_view url, const CanonicalizeOptions& options = {});

struct SafeUrlOptions {
    std::string encoding = "utf-8";       ///< for the query
    std::string path_encoding = "utf-8";
    bool quote_path = true;
};

/// w3lib.url.safe_url_string: percent-encodes what may not appear in a URL,
/// IDNA-encodes the host; an invalid URL (e.g. a bad port) is an error
/// (trawl::errc::invalid_url). Relative URLs are accepted and stay relative.
///
/// Where w3lib's own tests expect more than w3lib does, trawl follows the
/// tests: "" is an error; `encoding` applies to the query of special URLs
/// other than ws/wss (and of relative URLs), never to the fragment; a '%'
/// that starts no escape becomes "%25"; an empty "?" or "#" is kept; hosts
/// of special URLs are parsed as the URL standard does (see canonicalize_url).
/// Text that `encoding` cannot represent is written as UTF-8 (w3lib
/// raises). Throws std::invalid_argument if text has to be converted to an
/// encoding iconv does not know.
boost::system::result<std::string> safe_url_string(std::string_view url, const SafeUrlOptions& options = {});

/// Resolves `reference` against `base` (RFC 3986 / WHATWG for http(s)).
/// With a web base (http, https, ws, wss, ftp) or a web reference, the URL
/// standard's parser decides (backslashes, "%2e" segments, "http:foo",
/// default ports dropped, "/" for an empty path), and the result is
/// percent-encoded as safe_url_string would: it can be requested as it is.
/// Other bases (file:, custom schemes) follow RFC 3986; an absolute
/// reference of a non-web scheme comes back through safe_url_string.
/// Error trawl::errc::invalid_url if `base` is not absolute or the result
/// is not a valid URL.
boost::system::result<std::string> urljoin(std::string_view base, std::string_view reference);

/// `text` with every %XX escape decoded to its byte (Python's
/// unquote_to_bytes); a malformed escape stays as it is.
std::string unquote(std::string_view text);

/// The host of an absolute URL, found leniently as Python's urlsplit finds
/// it even where RFC 3986 rejects the URL (a space in the path, a stray
/// '%'): lower case, without user info and port; an IPv6 literal keeps its
/// brackets ("[::1]"). "" when the URL has no "://".
std::string url_host(std::string_view url);

/// Whether `url` starts with http:// or https:// (any case).
bool has_http_scheme(std::string_view url) noexcept;

} // namespace trawl
