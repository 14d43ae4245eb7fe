#include "downloader/meta_refresh.hpp"

#include "downloader/meta_values.hpp"

#include <trawl/crawler.hpp>
#include <trawl/log.hpp>
#include <trawl/url.hpp>

#include <boost/json/value.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>

namespace trawl::middlewares {

namespace {

const Logger logger{"trawl.downloadermiddlewares.metarefresh"};

// Scrapy reads the refresh from this much of the text only.
constexpr std::size_t head_size = 4096;

// ASCII only, and inline: the hot loops below call it per byte (libc's
// tolower is a locale-aware call each time).
char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool is_word(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

// Whether `text` has `needle` (lower case) at `at`, ignoring ASCII case.
bool has_at(std::string_view text, std::size_t at, std::string_view needle)
{
    if (at > text.size() || text.size() - at < needle.size()) {
        return false;
    }
    for (std::size_t i = 0; i < needle.size(); ++i) {
        if (lower(text[at + i]) != needle[i]) {
            return false;
        }
    }
    return true;
}

// The first `needle` (lower case) at or after `from`, ignoring ASCII case.
std::size_t ifind(std::string_view text, std::string_view needle, std::size_t from)
{
    const char first = needle.front();
    const bool letter = first >= 'a' && first <= 'z';
    for (auto at = from; at + needle.size() <= text.size(); ++at) {
        // A tag ("<meta", "</script>") starts with '<': memchr to the next
        // one rather than comparing at every byte.
        if (!letter) {
            at = text.find(first, at);
            if (at == std::string_view::npos || at + needle.size() > text.size()) {
                break;
            }
        } else if (lower(text[at]) != first) {
            continue;
        }
        if (has_at(text, at, needle)) {
            return at;
        }
    }
    return std::string_view::npos;
}

std::size_t skip_spaces(std::string_view text, std::size_t at)
{
    while (at < text.size() && is_space(text[at])) {
        ++at;
    }
    return at;
}

// w3lib's remove_tags_with_content: <tag ...>...</tag> and <tag/> go.
std::string remove_tags_with_content(std::string text, const std::vector<std::string>& tags)
{
    for (const auto& tag_name : tags) {
        std::string tag;
        for (char c : tag_name) {
            tag.push_back(lower(c));
        }
        const std::string open = "<" + tag;
        const std::string close = "</" + tag + ">";
        std::size_t at = 0;
        while ((at = ifind(text, open, at)) != std::string::npos) {
            const auto after = at + open.size();
            if (after < text.size() && is_word(text[after])) {
                at = after;
                continue;
            }
            if (auto end = ifind(text, close, after); end != std::string::npos) {
                text.erase(at, end + close.size() - at);
                continue;
            }
            if (auto slash = skip_spaces(text, after); has_at(text, slash, "/>")) {
                text.erase(at, slash + 2 - at);
                continue;
            }
            at = after;
        }
    }
    return text;
}

void append_utf8(std::string& out, std::uint32_t cp)
{
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

// w3lib's replace_entities for what a refresh URL holds: character
// references and the common named entities; an unknown reference ending in
// ';' is removed, one without is kept.
std::string replace_entities(std::string_view text)
{
    static constexpr std::pair<std::string_view, std::uint32_t> named[] = {
        {"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''}, {"nbsp", 0xA0}};
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '&') {
            out.push_back(text[i]);
            continue;
        }
        std::size_t at = i + 1;
        std::optional<std::uint32_t> cp;
        bool valid = true;
        if (at < text.size() && text[at] == '#') {
            ++at;
            int base = 10;
            if (at < text.size() && lower(text[at]) == 'x') {
                base = 16;
                ++at;
            }
            const auto begin = at;
            while (at < text.size() && (base == 16 ? std::isxdigit(static_cast<unsigned char>(text[at])) != 0
                                                   : is_digit(text[at]))) {
                ++at;
            }
            if (at == begin) {
                out.push_back('&');
                continue;
            }
            std::uint32_t value = 0;
            auto [end, ec] = std::from_chars(text.data() + begin, text.data() + at, value, base);
            valid = ec == std::errc{} && end == text.data() + at && value != 0 && value <= 0x10FFFF &&
                    (value < 0xD800 || value > 0xDFFF);
            if (valid) {
                cp = value;
            }
        } else {
            const auto begin = at;
            while (at < text.size() && std::isalnum(static_cast<unsigned char>(text[at])) != 0) {
                ++at;
            }
            if (at == begin) {
                out.push_back('&');
                continue;
            }
            std::string name;
            for (auto c : text.substr(begin, at - begin)) {
                name.push_back(lower(c));
            }
            for (const auto& [entity, value] : named) {
                if (entity == name) {
                    cp = value;
                }
            }
            valid = cp.has_value();
        }
        const bool semicolon = at < text.size() && text[at] == ';';
        if (cp) {
            append_utf8(out, *cp);
        } else if (!semicolon) {
            out.append(text.substr(i, at - i));
        }
        i = semicolon ? at : at - 1;
    }
    return out;
}

// w3lib's remove_comments: "<!--" to "-->" or to the end.
std::string remove_comments(std::string text)
{
    std::size_t at = 0;
    while ((at = text.find("<!--", at)) != std::string::npos) {
        auto end = text.find("-->", at + 4);
        text.erase(at, end == std::string::npos ? std::string::npos : end + 3 - at);
    }
    return text;
}

struct ContentMatch {
    MetaRefresh refresh;
    std::size_t end = 0;  // just past the closing quote
};

// `\s*=\s*(["'])(\d*\.)?\d+\s*;\s*url=\s*(.*?)\1` at `at` (just past the
// word "content").
std::optional<ContentMatch> match_content(std::string_view text, std::size_t at)
{
    at = skip_spaces(text, at);
    if (at >= text.size() || text[at] != '=') {
        return std::nullopt;
    }
    at = skip_spaces(text, at + 1);
    if (at >= text.size() || (text[at] != '"' && text[at] != '\'')) {
        return std::nullopt;
    }
    const char quote = text[at++];
    const auto number_begin = at;
    while (at < text.size() && is_digit(text[at])) {
        ++at;
    }
    if (at < text.size() && text[at] == '.') {
        const auto fraction = ++at;
        while (at < text.size() && is_digit(text[at])) {
            ++at;
        }
        if (at == fraction) {
            return std::nullopt;
        }
    } else if (at == number_begin) {
        return std::nullopt;
    }
    ContentMatch match;
    auto [end, ec] = std::from_chars(text.data() + number_begin, text.data() + at, match.refresh.interval);
    if (ec != std::errc{}) {
        return std::nullopt;
    }
    at = skip_spaces(text, at);
    if (at >= text.size() || text[at] != ';') {
        return std::nullopt;
    }
    at = skip_spaces(text, at + 1);
    if (!has_at(text, at, "url=")) {
        return std::nullopt;
    }
    at = skip_spaces(text, at + 4);
    const auto close = text.find(quote, at);
    if (close == std::string_view::npos) {
        return std::nullopt;
    }
    auto url = text.substr(at, close - at);
    while (!url.empty() && (url.front() == ' ' || url.front() == '"' || url.front() == '\'')) {
        url.remove_prefix(1);
    }
    while (!url.empty() && (url.back() == ' ' || url.back() == '"' || url.back() == '\'')) {
        url.remove_suffix(1);
    }
    match.refresh.url = std::string(url);
    match.end = close + 1;
    return match;
}

// Start offsets of "content" between `from` and `to`, last first (the
// greedy [^>]* before it prefers the last).
std::vector<std::size_t> content_positions(std::string_view text, std::size_t from, std::size_t to)
{
    std::vector<std::size_t> positions;
    for (auto at = ifind(text, "content", from); at != std::string_view::npos && at + 7 <= to;
         at = ifind(text, "content", at + 1)) {
        positions.insert(positions.begin(), at);
    }
    return positions;
}

// <meta\s[^>]*http-equiv[^>]*refresh[^>]*content... at `meta` (the '<').
std::optional<MetaRefresh> match_equiv_first(std::string_view text, std::size_t meta, std::size_t tag_end)
{
    const auto equiv = ifind(text, "http-equiv", meta + 6);
    if (equiv == std::string_view::npos || equiv + 10 > tag_end) {
        return std::nullopt;
    }
    const auto refresh = ifind(text, "refresh", equiv + 10);
    if (refresh == std::string_view::npos) {
        return std::nullopt;
    }
    for (auto content : content_positions(text, refresh + 7, tag_end)) {
        if (auto match = match_content(text, content + 7)) {
            return std::move(match->refresh);
        }
    }
    return std::nullopt;
}

// <meta\s[^>]*content...(quote)[^>]*?\shttp-equiv\s*=[^>]*refresh at `meta`.
std::optional<MetaRefresh> match_content_first(std::string_view text, std::size_t meta, std::size_t tag_end)
{
    for (auto content : content_positions(text, meta + 6, tag_end)) {
        auto match = match_content(text, content + 7);
        if (!match) {
            continue;
        }
        const auto rest_end = std::min(text.find('>', match->end), text.size());
        for (auto at = match->end; at < rest_end; ++at) {
            if (!is_space(text[at]) || !has_at(text, at + 1, "http-equiv")) {
                continue;
            }
            auto eq = skip_spaces(text, at + 11);
            if (eq < rest_end && text[eq] == '=') {
                auto refresh = ifind(text, "refresh", eq + 1);
                if (refresh != std::string_view::npos && refresh + 7 <= rest_end) {
                    return std::move(match->refresh);
                }
            }
        }
    }
    return std::nullopt;
}

// The length in bytes of the first `characters` characters of UTF-8
// `text` (w3lib reads the first 4096 characters, not bytes).
std::size_t utf8_prefix_bytes(std::string_view text, std::size_t characters)
{
    std::size_t at = 0;
    for (; at < text.size(); ++at) {
        const bool starts_character = (static_cast<unsigned char>(text[at]) & 0xC0) != 0x80;
        if (starts_character && characters-- == 0) {
            break;
        }
    }
    return at;
}

// Whether the first head_size bytes of `body` are plain ASCII (no NUL,
// no ESC of the ISO-2022 encodings, nothing above 0x7F): then they are its
// first head_size characters in every ASCII-compatible encoding.
bool plain_ascii_head(std::string_view body)
{
    if (body.size() < head_size) {
        return false;
    }
    // A fixed count and no early exit: the compiler vectorises this.
    unsigned char bits = 0;
    for (std::size_t i = 0; i < head_size; ++i) {
        bits |= static_cast<unsigned char>(body[i]);
    }
    const auto head = body.substr(0, head_size);
    return (bits & 0x80) == 0 && head.find('\0') == std::string_view::npos &&
           head.find('\x1B') == std::string_view::npos;
}

// The first "http-equiv", in any case, at or after `from`. Its '-' is the
// rarest byte of the words a refresh needs: memchr goes from one '-' to
// the next (a few in a page's head) rather than stopping at every tag.
std::size_t find_http_equiv(std::string_view text, std::size_t from)
{
    static constexpr std::string_view word = "http-equiv";
    static constexpr std::size_t dash_at = 4;
    for (auto dash = text.find('-', from + dash_at); dash != std::string_view::npos; dash = text.find('-', dash + 1)) {
        if (has_at(text, dash - dash_at, word)) {
            return dash - dash_at;
        }
    }
    return std::string_view::npos;
}

// A cheap look at the raw bytes before decoding the body: in every
// ASCII-compatible encoding "<meta", "http-equiv" and "refresh" are those
// bytes, and the first head_size characters lie within the first 4 x
// head_size bytes (within head_size when those are plain ASCII). w3lib's
// patterns need all three in one tag; most pages have <meta> tags, some
// an http-equiv one, few a refresh. (Words spelt with character
// references, which w3lib would decode, are not seen.) A NUL means UTF-16
// or UTF-32: decode to be sure.
bool may_hold_meta(std::string_view body)
{
    if (plain_ascii_head(body)) {
        body = body.substr(0, head_size);
    } else {
        body = body.substr(0, std::min(body.size(), 4 * head_size));
        if (body.find('\0') != std::string_view::npos) {
            return true;
        }
    }
    for (auto equiv = find_http_equiv(body, 0); equiv != std::string_view::npos;
         equiv = find_http_equiv(body, equiv + 1)) {
        // The tag holding the word began after the last '>' before it.
        const auto close = body.rfind('>', equiv);
        const auto tag_from = close == std::string_view::npos ? 0 : close + 1;
        const auto meta = ifind(body.substr(0, equiv), "<meta", tag_from);
        if (meta == std::string_view::npos) {
            continue;
        }
        const auto tag_end = std::min(body.find('>', equiv), body.size());
        if (ifind(body.substr(meta, tag_end - meta), "refresh", 0) != std::string_view::npos) {
            return true;
        }
    }
    return false;
}

} // namespace

std::optional<MetaRefresh> find_meta_refresh(std::string_view html, const std::vector<std::string>& ignore_tags)
{
    auto text = remove_tags_with_content(std::string(html), ignore_tags);
    text = remove_comments(replace_entities(text));
    // The regular expressions w3lib tries in turn, each over the whole text.
    for (auto* form : {&match_equiv_first, &match_content_first}) {
        for (auto meta = ifind(text, "<meta", 0); meta != std::string::npos; meta = ifind(text, "<meta", meta + 5)) {
            if (meta + 5 >= text.size() || !is_space(text[meta + 5])) {
                continue;
            }
            const auto tag_end = std::min(text.find('>', meta), text.size());
            if (auto refresh = (*form)(text, meta, tag_end)) {
                return refresh;
            }
        }
    }
    return std::nullopt;
}

std::unique_ptr<MetaRefreshMiddleware> MetaRefreshMiddleware::from_crawler(Crawler& crawler)
{
    const auto& settings = crawler.settings();
    if (!settings.get_bool("METAREFRESH_ENABLED", true)) {
        throw NotConfigured("METAREFRESH_ENABLED is false");
    }
    Options options;
    options.redirect = redirect_options(crawler);
    options.max_delay = settings.get_double("METAREFRESH_MAXDELAY", 100);
    options.ignore_tags = settings.get_list("METAREFRESH_IGNORE_TAGS");
    return std::make_unique<MetaRefreshMiddleware>(std::move(options));
}

boost::asio::awaitable<ResponseAction> MetaRefreshMiddleware::process_response(const Request& request,
                                                                               Response response)
{
    if (meta_flag(request.meta, "dont_redirect") || request.method == "HEAD" || !response.is_html()) {
        co_return response;
    }
    if (!may_hold_meta(response.body())) {
        co_return response;
    }
    auto text = response.text();
    text = text.substr(0, utf8_prefix_bytes(text, head_size));
    auto refresh = find_meta_refresh(text, options_.ignore_tags);
    if (!refresh || refresh->interval >= options_.max_delay) {
        co_return response;
    }
    const auto& base = response.url().empty() ? request.url : response.url();
    std::string reference = refresh->url;
    if (auto safe = safe_url_string(refresh->url)) {
        reference = std::move(*safe);
    }
    auto target = urljoin(base, reference);
    if (!target) {
        logger.warning("Not following the meta refresh of <{} {}>: cannot resolve '{}'", request.method, request.url,
                       refresh->url);
        co_return response;
    }
    auto action = follow_redirect(request, std::move(response), *target, 303, boost::json::value("meta refresh"),
                                  options_.redirect);
    co_return action;
}

} // namespace trawl::middlewares
