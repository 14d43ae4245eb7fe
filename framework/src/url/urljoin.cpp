// urljoin: the URL standard's "basic URL parser" with a base for special
// (web) schemes, serialised with safe_url_string's percent-encoding so that
// the result can be requested as it is. Other bases are resolved as
// RFC 3986 says, with Boost.URL.

#include <trawl/url.hpp>

#include "url/host.hpp"
#include "url/percent.hpp"
#include "url/url_split.hpp"

#include <trawl/error.hpp>

#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include <cstdint>

namespace trawl {

namespace {

using namespace detail;

constexpr bool is_alpha(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

boost::system::error_code invalid() noexcept
{
    return make_error_code(errc::invalid_url);
}

/// The scheme before the first ':' if the input starts with one, else "".
std::string_view leading_scheme(std::string_view s) noexcept
{
    if (s.empty() || !is_alpha(s.front())) {
        return {};
    }
    std::size_t i = 1;
    while (i < s.size() && (is_alpha(s[i]) || is_digit(s[i]) || s[i] == '+' || s[i] == '-' || s[i] == '.')) {
        ++i;
    }
    return i < s.size() && s[i] == ':' ? s.substr(0, i) : std::string_view{};
}

bool is_web_scheme(const SchemeInfo& info) noexcept
{
    return info.special && info.default_port != 0; // special, but not file:
}

/// In a special URL "\" is "/" everywhere before the query.
void convert_backslashes(std::string& s)
{
    const std::size_t end = find_any<'?', '#'>(s);
    for (std::size_t i = 0; i < end; ++i) {
        if (s[i] == '\\') {
            s[i] = '/';
        }
    }
}

std::string_view skip_slashes(std::string_view s) noexcept
{
    while (!s.empty() && s.front() == '/') {
        s.remove_prefix(1);
    }
    return s;
}

bool iequals_ascii(std::string_view a, std::string_view lower) noexcept
{
    if (a.size() != lower.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        const char c = (a[i] >= 'A' && a[i] <= 'Z') ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
        if (c != lower[i]) {
            return false;
        }
    }
    return true;
}

bool is_single_dot(std::string_view seg) noexcept
{
    return seg == "." || iequals_ascii(seg, "%2e");
}

bool is_double_dot(std::string_view seg) noexcept
{
    return seg == ".." || iequals_ascii(seg, ".%2e") || iequals_ascii(seg, "%2e.") || iequals_ascii(seg, "%2e%2e");
}

/// A parsed special URL, each component already serialised.
struct WebUrl {
    std::string scheme; ///< lower case
    std::uint16_t default_port = 0;
    std::string authority; ///< "user:pass@host:port"
    std::string path;      ///< "/seg" per segment; "" for no segment
    bool has_query = false;
    std::string query;
    bool has_fragment = false;
    std::string fragment;
};

void append_segments(WebUrl& url, std::string_view input)
{
    for (std::size_t start = 0;;) {
        const std::size_t end = input.find('/', start);
        const bool last = end == std::string_view::npos;
        const std::string_view seg = input.substr(start, last ? input.npos : end - start);
        if (is_double_dot(seg)) {
            const std::size_t slash = url.path.rfind('/');
            if (slash != std::string::npos) {
                url.path.erase(slash);
            }
            if (last) {
                url.path.push_back('/');
            }
        } else if (is_single_dot(seg)) {
            if (last) {
                url.path.push_back('/');
            }
        } else {
            url.path.push_back('/');
            append_quoted(url.path, seg, path_safest_set, PercentMode::keep_escapes);
        }
        if (last) {
            return;
        }
        start = end + 1;
    }
}

/// `s` begins with '?', '#' or is empty.
void set_query_and_fragment(WebUrl& url, std::string_view s)
{
    if (!s.empty() && s.front() == '?') {
        const std::size_t hash = s.find('#');
        url.has_query = true;
        url.query.clear();
        append_quoted(url.query, s.substr(1, hash == std::string_view::npos ? s.npos : hash - 1),
                      special_query_safest_set, PercentMode::keep_escapes);
        s = hash == std::string_view::npos ? std::string_view{} : s.substr(hash);
    }
    if (!s.empty() && s.front() == '#') {
        url.has_fragment = true;
        url.fragment.clear();
        append_quoted(url.fragment, s.substr(1), path_safest_set, PercentMode::keep_escapes);
    }
}

/// Path (the part of `s` before '?' or '#') appended to url.path, then the query and fragment.
void set_path_query_fragment(WebUrl& url, std::string_view s)
{
    const std::size_t end = find_any<'?', '#'>(s);
    append_segments(url, s.substr(0, end));
    set_query_and_fragment(url, s.substr(end));
}

void append_userinfo_part(std::string& out, std::string_view part)
{
    std::string plain;
    append_unquoted(plain, part);
    append_quoted(out, plain, userinfo_safest_set, PercentMode::encode);
}

/// The authority at the start of `s`, then everything after it.
bool set_authority_and_rest(WebUrl& url, std::string_view s)
{
    const std::size_t end = find_any<'/', '?', '#'>(s);
    std::string_view hostport = s.substr(0, end);
    const std::string_view rest = s.substr(end);
    url.authority.clear();
    url.path.clear();
    url.has_query = url.has_fragment = false;

    const std::size_t at = hostport.rfind('@');
    if (at != std::string_view::npos) {
        const std::string_view userinfo = hostport.substr(0, at);
        hostport = hostport.substr(at + 1);
        const std::size_t colon = userinfo.find(':');
        std::string user;
        std::string password;
        append_userinfo_part(user, userinfo.substr(0, colon));
        if (colon != std::string_view::npos) {
            append_userinfo_part(password, userinfo.substr(colon + 1));
        }
        // The URL standard writes no empty password and no empty credentials.
        if (!user.empty() || !password.empty()) {
            url.authority += user;
            if (!password.empty()) {
                url.authority += ':';
                url.authority += password;
            }
            url.authority += '@';
        }
    }

    std::size_t colon = std::string_view::npos;
    bool in_brackets = false;
    for (std::size_t i = 0; i < hostport.size() && colon == std::string_view::npos; ++i) {
        if (hostport[i] == '[') {
            in_brackets = true;
        } else if (hostport[i] == ']') {
            in_brackets = false;
        } else if (hostport[i] == ':' && !in_brackets) {
            colon = i;
        }
    }
    const std::string_view host = hostport.substr(0, colon);
    if (host.empty()) {
        return false;
    }
    if (host.front() == '[') {
        if (host.back() != ']' || !append_ipv6_host(url.authority, host.substr(1, host.size() - 2))) {
            return false;
        }
    } else if (!append_host(url.authority, host, false, true)) {
        return false;
    }
    if (colon != std::string_view::npos && colon + 1 < hostport.size()) {
        std::uint32_t port = 0;
        for (char c : hostport.substr(colon + 1)) {
            if (!is_digit(c)) {
                return false;
            }
            port = port * 10 + static_cast<std::uint32_t>(c - '0');
            if (port > 65535) {
                return false;
            }
        }
        if (port != url.default_port) {
            url.authority += ':';
            url.authority += std::to_string(port);
        }
    }
    // Path start: a special URL always has a path, "/" at least.
    set_path_query_fragment(url, rest.empty() || rest.front() != '/' ? rest : rest.substr(1));
    return true;
}

/// A reference without a scheme (or with the base's own scheme and no "//").
bool resolve_relative(const WebUrl& base, std::string_view rest, WebUrl& url)
{
    url = base;
    if (rest.starts_with("//")) {
        return set_authority_and_rest(url, skip_slashes(rest));
    }
    if (rest.starts_with("/")) {
        url.path.clear();
        url.has_query = url.has_fragment = false;
        set_path_query_fragment(url, rest.substr(1));
    } else if (rest.empty()) {
        url.has_fragment = false;
    } else if (rest.front() == '?' || rest.front() == '#') {
        url.has_fragment = false;
        set_query_and_fragment(url, rest);
    } else {
        url.has_query = url.has_fragment = false;
        const std::size_t slash = url.path.rfind('/'); // the base's last segment goes
        if (slash != std::string::npos) {
            url.path.erase(slash);
        }
        set_path_query_fragment(url, rest);
    }
    return true;
}

/// `input` is cleaned and has its backslashes converted.
boost::system::result<WebUrl> parse_web_url(std::string_view input, const WebUrl* base)
{
    WebUrl url;
    const std::string_view scheme = leading_scheme(input);
    if (scheme.empty()) {
        if (base == nullptr || !resolve_relative(*base, input, url)) {
            return invalid();
        }
        return url;
    }
    const std::string_view rest = input.substr(scheme.size() + 1);
    for (char c : scheme) {
        url.scheme.push_back((c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c);
    }
    url.default_port = scheme_info(scheme).default_port;
    if (base != nullptr && base->scheme == url.scheme && !rest.starts_with("//")) {
        if (!resolve_relative(*base, rest, url)) {
            return invalid();
        }
        return url;
    }
    if (!set_authority_and_rest(url, skip_slashes(rest))) {
        return invalid();
    }
    return url;
}

std::string serialize(const WebUrl& url)
{
    std::string out;
    out.reserve(url.scheme.size() + url.authority.size() + url.path.size() + url.query.size() + url.fragment.size() +
                8);
    out += url.scheme;
    out += "://";
    out += url.authority;
    out += url.path.empty() ? "/" : url.path;
    if (url.has_query) {
        out += '?';
        out += url.query;
    }
    if (url.has_fragment) {
        out += '#';
        out += url.fragment;
    }
    return out;
}

/// RFC 3986 section 5 for bases that are not web URLs (file:, custom schemes).
boost::system::result<std::string> join_rfc3986(std::string_view base, std::string_view reference)
{
    auto safe_base = safe_url_string(base);
    if (!safe_base) {
        return safe_base.error();
    }
    std::string safe_reference;
    if (!reference.empty()) {
        auto safe = safe_url_string(reference);
        if (!safe) {
            return safe.error();
        }
        safe_reference = std::move(*safe);
    }
    auto base_view = boost::urls::parse_uri(*safe_base);
    auto reference_view = boost::urls::parse_uri_reference(safe_reference);
    if (!base_view || !reference_view) {
        return invalid();
    }
    boost::urls::url joined;
    if (!boost::urls::resolve(*base_view, *reference_view, joined)) {
        return invalid();
    }
    return std::string(joined.buffer());
}

} // namespace

boost::system::result<std::string> urljoin(std::string_view base, std::string_view reference)
{
    std::string base_scratch;
    std::string reference_scratch;
    const std::string_view clean_base = clean_url_input(base, base_scratch);
    const std::string_view clean_reference = clean_url_input(reference, reference_scratch);
    const std::string_view base_scheme = leading_scheme(clean_base);
    if (base_scheme.empty()) {
        return invalid(); // a base must be absolute
    }
    const std::string_view reference_scheme = leading_scheme(clean_reference);
    const bool web_base = is_web_scheme(scheme_info(base_scheme));
    if (!reference_scheme.empty() && !is_web_scheme(scheme_info(reference_scheme))) {
        return safe_url_string(clean_reference); // absolute, of a kind that needs no base
    }
    if (reference_scheme.empty() && !web_base) {
        return join_rfc3986(clean_base, clean_reference);
    }

    WebUrl parsed_base;
    if (web_base) {
        std::string input(clean_base);
        convert_backslashes(input);
        auto parsed = parse_web_url(input, nullptr);
        if (!parsed) {
            return parsed.error();
        }
        parsed_base = std::move(*parsed);
    }
    std::string input(clean_reference);
    convert_backslashes(input);
    auto joined = parse_web_url(input, web_base ? &parsed_base : nullptr);
    if (!joined) {
        return joined.error();
    }
    return serialize(*joined);
}

} // namespace trawl
