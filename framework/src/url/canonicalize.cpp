// canonicalize_url runs for every request the dupefilter sees, so it works
// in one pass per component over views of the input, decodes the query into
// one buffer and sorts offsets into it, and writes straight into the result.
// Step for step it matches w3lib: make the URL safe, then sort the query
// arguments, normalise escapes in the path, drop the fragment.

#include <trawl/url.hpp>
#include "core/ascii.hpp"

#include "url/host.hpp"
#include "url/safe_parts.hpp"
#include "url/text_encoding.hpp"

#include <boost/container/small_vector.hpp>

#include <algorithm>
#include <cstdint>

namespace trawl {

using detail::ascii_lower;

namespace {

using namespace detail;

bool scheme_is_one_of(std::string_view scheme, std::initializer_list<std::string_view> names) noexcept
{
    for (std::string_view name : names) {
        if (name.size() == scheme.size() &&
            std::equal(name.begin(), name.end(), scheme.begin(), [](char a, char b) { return a == ascii_lower(b); })) {
            return true;
        }
    }
    return false;
}

/// Python's urllib.parse.uses_params (3.11): schemes whose last path segment
/// may carry ";params", which w3lib leaves out of path normalisation.
bool uses_params(std::string_view scheme) noexcept
{
    return scheme.empty() || scheme_is_one_of(scheme, {"ftp", "hdl", "prospero", "http", "imap", "https", "shttp",
                                                       "rtsp", "rtspu", "sip", "sips", "mms", "sftp", "tel"});
}

/// Python's urllib.parse.uses_netloc (3.11): urlunparse writes "//" before
/// a path starting with "/" for these schemes even without a host.
bool uses_netloc(std::string_view scheme) noexcept
{
    return scheme_is_one_of(scheme, {"ftp", "http", "gopher", "nntp", "telnet", "imap", "wais", "file", "mms",
                                     "https", "shttp", "snews", "prospero", "rtsp", "rtspu", "rsync", "svn",
                                     "svn+ssh", "sftp", "nfs", "git", "git+ssh", "ws", "wss"});
}

/// w3lib's path normalisation in one pass: what safe_url_string would quote,
/// then unquote everything except %2F and %3F, then quote again with the
/// canonical set. Bytes come out as themselves or as upper-case escapes.
void append_canonical_path(std::string& out, std::string_view path)
{
    std::size_t run = 0; // bytes [run, i) are copied as they are
    for (std::size_t i = 0; i < path.size(); ++i) {
        auto b = static_cast<unsigned char>(path[i]);
        const bool escaped = b == '%' && is_escape_at(path, i);
        if (!escaped && canonical_path_set.contains(b)) {
            continue;
        }
        out.append(path.data() + run, i - run);
        if (escaped) {
            b = static_cast<unsigned char>(hex_value(path[i + 1]) * 16 + hex_value(path[i + 2]));
            i += 2;
        }
        // An escaped separator must stay one.
        if (canonical_path_set.contains(b) && !(escaped && (b == '/' || b == '?'))) {
            out.push_back(static_cast<char>(b));
        } else {
            append_escape(out, b);
        }
        run = i + 1;
    }
    out.append(path.data() + run, path.size() - run);
}

/// urlencode's quote_plus: only unreserved bytes stay, a space becomes '+'.
void append_quoted_plus(std::string& out, std::string_view bytes)
{
    std::size_t run = 0;
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        const auto b = static_cast<unsigned char>(bytes[i]);
        if (unreserved_set.contains(b)) {
            continue;
        }
        out.append(bytes.data() + run, i - run);
        if (b == ' ') {
            out.push_back('+');
        } else {
            append_escape(out, b);
        }
        run = i + 1;
    }
    out.append(bytes.data() + run, bytes.size() - run);
}

struct QueryArg {
    std::uint32_t key_offset;
    std::uint32_t key_size;
    std::uint32_t value_offset;
    std::uint32_t value_size;
};

/// Parses the query as parse_qsl does (on the bytes of the query in its
/// encoding), sorts by key then value, and writes it back urlencoded.
/// `split` is false when safe_url_string would escape the separator: the
/// whole query is then one argument.
void append_canonical_query(std::string& out, std::string_view query, char separator, bool split,
                            bool keep_blank_values)
{
    std::string decoded;
    decoded.reserve(query.size());
    boost::container::small_vector<QueryArg, 16> args;
    for (std::size_t start = 0; start <= query.size();) {
        std::size_t end = split ? query.find(separator, start) : std::string_view::npos;
        if (end == std::string_view::npos) {
            end = query.size();
        }
        const std::string_view field = query.substr(start, end - start);
        start = end + 1;
        if (field.empty()) {
            continue;
        }
        const std::size_t eq = field.find('=');
        const std::string_view key = field.substr(0, eq);
        const std::string_view value = eq == std::string_view::npos ? std::string_view{} : field.substr(eq + 1);
        if (!keep_blank_values && value.empty()) {
            continue;
        }
        QueryArg arg{};
        arg.key_offset = static_cast<std::uint32_t>(decoded.size());
        append_unquoted(decoded, key, true);
        arg.key_size = static_cast<std::uint32_t>(decoded.size() - arg.key_offset);
        arg.value_offset = static_cast<std::uint32_t>(decoded.size());
        append_unquoted(decoded, value, true);
        arg.value_size = static_cast<std::uint32_t>(decoded.size() - arg.value_offset);
        args.push_back(arg);
    }
    const auto key_of = [&](const QueryArg& a) { return std::string_view(decoded).substr(a.key_offset, a.key_size); };
    const auto value_of = [&](const QueryArg& a) {
        return std::string_view(decoded).substr(a.value_offset, a.value_size);
    };
    // std::string_view compares bytes as unsigned char, as Python compares
    // bytes. Arguments that compare equal are identical, so stability does
    // not matter (and std::stable_sort would allocate).
    std::sort(args.begin(), args.end(), [&](const QueryArg& a, const QueryArg& b) {
        const int by_key = key_of(a).compare(key_of(b));
        return by_key != 0 ? by_key < 0 : value_of(a) < value_of(b);
    });
    for (std::size_t i = 0; i < args.size(); ++i) {
        out.push_back(i == 0 ? '?' : separator);
        append_quoted_plus(out, key_of(args[i]));
        out.push_back('=');
        append_quoted_plus(out, value_of(args[i]));
    }
}

} // namespace

std::string canonicalize_url(std::string_view url, const CanonicalizeOptions& options)
{
    std::string scratch;
    const std::string_view cleaned = clean_url_input(url, scratch);
    auto split = split_url(cleaned, scratch);
    if (!split || !has_required_host(*split)) {
        return std::string(cleaned);
    }
    const UrlSplit& parts = *split;

    std::string out;
    out.reserve(cleaned.size() + 8);
    for (char c : parts.scheme) {
        out.push_back(ascii_lower(c));
    }
    if (!parts.scheme.empty()) {
        out.push_back(':');
    }

    // 1. The authority; urlunparse writes "//" only before a non-empty one.
    const std::size_t authority_start = out.size();
    out += "//";
    append_safe_userinfo(out, parts);
    if (!append_safe_host_port(out, parts)) {
        return std::string(cleaned);
    }
    const bool empty_netloc = out.size() == authority_start + 2;
    if (empty_netloc) {
        out.resize(authority_start);
    }

    // 2. The path (";params" in the last segment stay as safe_url_string
    //    leaves them), "/" when empty.
    std::string_view path = parts.path;
    std::string_view params;
    bool has_params = false;
    if (uses_params(parts.scheme)) {
        const std::size_t last_slash = path.rfind('/');
        const std::size_t semicolon = path.find(';', last_slash == std::string_view::npos ? 0 : last_slash + 1);
        if (semicolon != std::string_view::npos) {
            has_params = true;
            params = path.substr(semicolon + 1);
            path = path.substr(0, semicolon);
        }
    }
    const std::size_t path_start = out.size();
    if (path.empty()) {
        out.push_back('/');
    } else {
        if (path.front() != '/' && !empty_netloc) {
            out.push_back('/');
        }
        append_canonical_path(out, path);
    }
    if (has_params && !params.empty()) {
        out.push_back(';');
        append_quoted(out, params, path_safest_set, PercentMode::keep_escapes);
    }
    if (empty_netloc) {
        const std::string_view written = std::string_view(out).substr(path_start);
        if (written.starts_with("//") || (!parts.scheme.empty() && uses_netloc(parts.scheme) && written.front() == '/')) {
            out.insert(path_start, "//");
        }
    }

    // 3. The query, in the page encoding where the URL standard uses it.
    //    Quoting before parsing (as w3lib does) would change nothing that
    //    parsing does not undo, except for a separator that quoting escapes.
    if (parts.has_query && !parts.query.empty()) {
        std::string encoded;
        std::string_view bytes = parts.query;
        if (query_uses_encoding(parts) && !is_utf8_name(options.encoding) && !is_ascii(bytes) &&
            append_encoded(encoded, bytes, options.encoding)) {
            bytes = encoded;
        }
        append_canonical_query(out, bytes, options.query_separator,
                               query_safe_set(parts).contains(options.query_separator), options.keep_blank_values);
    }

    // 4. The fragment only on request.
    if (options.keep_fragments && parts.has_fragment && !parts.fragment.empty()) {
        out.push_back('#');
        append_quoted(out, parts.fragment, path_safest_set, PercentMode::keep_escapes);
    }
    return out;
}

} // namespace trawl
