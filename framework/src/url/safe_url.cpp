#include <trawl/url.hpp>

#include "url/host.hpp"
#include "url/safe_parts.hpp"
#include "url/text_encoding.hpp"

#include <trawl/error.hpp>

namespace trawl {

namespace detail {

void append_quoted_in(std::string& out, std::string_view text, std::string_view encoding, const ByteSet& safe)
{
    if (is_utf8_name(encoding) || is_ascii(text)) {
        append_quoted(out, text, safe, PercentMode::keep_escapes);
        return;
    }
    std::string encoded;
    if (append_encoded(encoded, text, encoding)) {
        append_quoted(out, encoded, safe, PercentMode::keep_escapes);
    } else {
        append_quoted(out, text, safe, PercentMode::keep_escapes);
    }
}

void append_safe_userinfo(std::string& out, const UrlSplit& parts)
{
    if (!parts.has_userinfo) {
        return;
    }
    // Unquote first so that a '%' that is data gets escaped while existing
    // escapes are normalised ("%26" becomes '&', "%3a" becomes "%3A").
    std::string plain;
    append_unquoted(plain, parts.username);
    append_quoted(out, plain, userinfo_safest_set, PercentMode::encode);
    if (parts.has_password) {
        out.push_back(':');
        plain.clear();
        append_unquoted(plain, parts.password);
        append_quoted(out, plain, userinfo_safest_set, PercentMode::encode);
    }
    out.push_back('@');
}

bool append_safe_host_port(std::string& out, const UrlSplit& parts)
{
    if (!parts.host.empty() || parts.host_bracketed) {
        if (!append_host(out, parts.host, parts.host_bracketed, parts.info.special)) {
            return false;
        }
    }
    if (parts.has_port) {
        out.push_back(':');
        out += std::to_string(parts.port);
    }
    return true;
}

bool has_required_host(const UrlSplit& parts) noexcept
{
    if (!parts.has_authority || !parts.host.empty() || parts.host_bracketed) {
        return true;
    }
    const bool file = parts.info.special && parts.info.default_port == 0;
    return !parts.has_userinfo && !parts.has_port_separator && !(parts.info.special && !file);
}

} // namespace detail

boost::system::result<std::string> safe_url_string(std::string_view url, const SafeUrlOptions& options)
{
    using namespace detail;
    std::string scratch;
    const std::string_view cleaned = clean_url_input(url, scratch);
    if (cleaned.empty()) {
        return make_error_code(errc::invalid_url); // the URL standard: "" is not a URL
    }
    auto split = split_url(cleaned, scratch);
    if (!split) {
        return split.error();
    }
    const UrlSplit& parts = *split;
    if (!has_required_host(parts)) {
        return make_error_code(errc::invalid_url);
    }

    std::string out;
    out.reserve(cleaned.size() + 16);
    for (char c : parts.scheme) {
        out.push_back((c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c);
    }
    if (!parts.scheme.empty()) {
        out.push_back(':');
    }
    if (parts.has_authority) {
        out += "//";
        append_safe_userinfo(out, parts);
        if (!append_safe_host_port(out, parts)) {
            return make_error_code(errc::invalid_url);
        }
    }

    const std::size_t path_start = out.size();
    if (options.quote_path) {
        append_quoted_in(out, parts.path, options.path_encoding, path_safest_set);
    } else {
        out += parts.path;
    }
    const bool empty_path = out.size() == path_start;

    if (parts.has_query) {
        out.push_back('?');
        const std::size_t query_start = out.size();
        // The URL standard encodes the query in the page's encoding only for
        // special schemes other than ws/wss; elsewhere it is UTF-8.
        append_quoted_in(out, parts.query, query_uses_encoding(parts) ? std::string_view(options.encoding) : "utf-8",
                         query_safe_set(parts));
        // "https://example.com?a" has an empty path: a request target needs "/".
        if (empty_path && out.size() > query_start && parts.info.special) {
            out.insert(path_start, 1, '/');
        }
    }
    if (parts.has_fragment) {
        out.push_back('#');
        append_quoted(out, parts.fragment, path_safest_set, PercentMode::keep_escapes); // always UTF-8
    }
    return out;
}

} // namespace trawl
