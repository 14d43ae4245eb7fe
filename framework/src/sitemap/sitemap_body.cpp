#include <trawl/sitemap.hpp>
#include <trawl/url.hpp>

#include "codec/content_decoder.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace trawl {
namespace {

bool starts_with_gzip_magic(std::string_view body)
{
    return body.size() >= 2 && static_cast<unsigned char>(body[0]) == 0x1f &&
           static_cast<unsigned char>(body[1]) == 0x8b;
}

std::optional<std::string> gunzip(std::string_view body, std::size_t max_size)
{
    detail::DecoderLimits limits;
    limits.max_output = max_size;
    auto decoder = detail::make_content_decoder("gzip", limits);
    if (!decoder) {
        return std::nullopt;
    }
    std::string out;
    // One call: the decoder itself inflates in bounded chunks and stops one
    // chunk past the limit, so a bomb never expands beyond that.
    if ((*decoder)->decode(body, out) || (*decoder)->finish(out)) {
        return std::nullopt;
    }
    return out;
}

bool is_xml_space(unsigned c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// Does the body start, after a byte order mark and whitespace, with '<'?
// UTF-16 is read by code units so that an XML file saved by a Windows
// editor ("FF FE < \0 ? \0") is accepted, as pugixml can parse it.
bool looks_like_xml(std::string_view body)
{
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(body[i]); };
    std::size_t i = 0;
    int unit = 1;          // bytes per code unit
    int low_byte_at = 0;   // offset of the significant byte within a unit
    if (body.size() >= 3 && byte(0) == 0xef && byte(1) == 0xbb && byte(2) == 0xbf) {
        i = 3;
    } else if (body.size() >= 2 && byte(0) == 0xff && byte(1) == 0xfe) {
        i = 2;
        unit = 2;
    } else if (body.size() >= 2 && byte(0) == 0xfe && byte(1) == 0xff) {
        i = 2;
        unit = 2;
        low_byte_at = 1;
    }
    for (; i + static_cast<std::size_t>(unit) <= body.size(); i += static_cast<std::size_t>(unit)) {
        if (unit == 2 && byte(i + static_cast<std::size_t>(1 - low_byte_at)) != 0) {
            return false;
        }
        const unsigned c = byte(i + static_cast<std::size_t>(low_byte_at));
        if (!is_xml_space(c)) {
            return c == '<';
        }
    }
    return false;
}

bool valid_utf8(std::string_view s)
{
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        std::size_t len = 0;
        unsigned lo = 0x80;
        unsigned hi = 0xbf;
        if (c < 0x80) {
            ++i;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf) {
            len = 2;
        } else if (c >= 0xe0 && c <= 0xef) {
            len = 3;
            lo = c == 0xe0 ? 0xa0 : 0x80; // no overlong forms
            hi = c == 0xed ? 0x9f : 0xbf; // no surrogates
        } else if (c >= 0xf0 && c <= 0xf4) {
            len = 4;
            lo = c == 0xf0 ? 0x90 : 0x80;
            hi = c == 0xf4 ? 0x8f : 0xbf; // nothing past U+10FFFF
        } else {
            return false;
        }
        if (i + len > s.size()) {
            return false;
        }
        for (std::size_t k = 1; k < len; ++k) {
            const auto cc = static_cast<unsigned char>(s[i + k]);
            if (cc < (k == 1 ? lo : 0x80u) || cc > (k == 1 ? hi : 0xbfu)) {
                return false;
            }
        }
        i += len;
    }
    return true;
}

std::string_view trim_ascii(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
        s.remove_suffix(1);
    }
    return s;
}

bool iequals_prefix(std::string_view s, std::string_view lower_prefix)
{
    if (s.size() < lower_prefix.size()) {
        return false;
    }
    for (std::size_t i = 0; i < lower_prefix.size(); ++i) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
        if (c != lower_prefix[i]) {
            return false;
        }
    }
    return true;
}

// The value of a "Sitemap:" line, or an empty view.
std::string_view sitemap_value(std::string_view line)
{
    line = trim_ascii(line);
    constexpr std::string_view name = "sitemap:";
    if (!iequals_prefix(line, name)) {
        return {};
    }
    std::string_view value = line.substr(name.size());
    // A URL holds no whitespace, so " #" can only start a comment; a '#'
    // right after URL characters is the URL's fragment.
    for (std::size_t i = 1; i < value.size(); ++i) {
        if (value[i] == '#' && (value[i - 1] == ' ' || value[i - 1] == '\t')) {
            value = value.substr(0, i);
            break;
        }
    }
    return trim_ascii(value);
}

std::string_view url_path(std::string_view url)
{
    std::size_t start = 0;
    if (const auto scheme_end = url.find("://"); scheme_end != std::string_view::npos) {
        start = url.find_first_of("/?#", scheme_end + 3);
        if (start == std::string_view::npos || url[start] != '/') {
            return {};
        }
    }
    const auto end = url.find_first_of("?#", start);
    return url.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
}

void add_locs(const Sitemap& sitemap, const SitemapRules& rules, bool is_index, SitemapLinks& links)
{
    const auto add = [&](const std::string& url) {
        if (!is_index) {
            links.pages.push_back(url);
        } else if (!rules.follow || rules.follow(url)) {
            links.sitemaps.push_back(url);
        }
    };
    for (const SitemapEntry& entry : sitemap.entries) {
        if (rules.filter && !rules.filter(entry)) {
            continue;
        }
        add(entry.loc);
        if (rules.alternate_links) {
            for (const std::string& alternate : entry.alternates) {
                add(alternate);
            }
        }
    }
}

} // namespace

std::optional<std::string> sitemap_body(std::string_view body, std::size_t max_size)
{
    if (starts_with_gzip_magic(body)) {
        return gunzip(body, max_size);
    }
    if (looks_like_xml(body)) {
        return std::string(body);
    }
    return std::nullopt;
}

std::vector<std::string> robots_sitemap_urls(std::string_view robots_body, std::string_view robots_url)
{
    std::vector<std::string> urls;
    if (robots_body.starts_with("\xef\xbb\xbf")) {
        robots_body.remove_prefix(3);
    }
    std::size_t pos = 0;
    while (pos < robots_body.size()) {
        const std::size_t eol = robots_body.find_first_of("\r\n", pos);
        const std::size_t end = eol == std::string_view::npos ? robots_body.size() : eol;
        const std::string_view value = sitemap_value(robots_body.substr(pos, end - pos));
        pos = end + 1;
        if (eol != std::string_view::npos && robots_body[eol] == '\r' && pos < robots_body.size() &&
            robots_body[pos] == '\n') {
            ++pos;
        }
        if (value.empty() || !valid_utf8(value)) {
            continue;
        }
        auto joined = urljoin(robots_url, value);
        if (!joined) {
            // No usable base: an absolute value still stands on its own.
            joined = urljoin(value, value);
        }
        if (joined) {
            urls.push_back(std::move(*joined));
        }
    }
    return urls;
}

SitemapLinks sitemap_links(std::string_view response_url, std::string_view body, const SitemapRules& rules,
                           std::size_t max_size)
{
    SitemapLinks links;
    if (url_path(response_url).ends_with("/robots.txt")) {
        links.sitemaps = robots_sitemap_urls(body, response_url);
        return links;
    }
    const std::optional<std::string> xml = sitemap_body(body, max_size);
    if (!xml) {
        links.invalid = true;
        return links;
    }
    const Sitemap sitemap = parse_sitemap(*xml);
    switch (sitemap.type) {
    case SitemapType::sitemapindex:
        add_locs(sitemap, rules, true, links);
        break;
    case SitemapType::urlset:
        add_locs(sitemap, rules, false, links);
        break;
    case SitemapType::unknown:
        break;
    }
    return links;
}

} // namespace trawl
