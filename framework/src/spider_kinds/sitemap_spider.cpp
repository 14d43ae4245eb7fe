#include <trawl/crawler.hpp>
#include <trawl/sitemap_spider.hpp>

#include <fmt/format.h>

#include <boost/json/value.hpp>

#include <cstdint>
#include <stdexcept>
#include <string_view>
#include <unordered_map>

namespace trawl {

namespace {

char to_lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c; }

/// The media type of a Content-Type value, lower case, without parameters.
std::string media_type(std::string_view content_type)
{
    if (const auto semicolon = content_type.find(';'); semicolon != std::string_view::npos) {
        content_type = content_type.substr(0, semicolon);
    }
    while (!content_type.empty() && (content_type.front() == ' ' || content_type.front() == '\t')) {
        content_type.remove_prefix(1);
    }
    while (!content_type.empty() && (content_type.back() == ' ' || content_type.back() == '\t')) {
        content_type.remove_suffix(1);
    }
    std::string out(content_type);
    for (auto& c : out) {
        c = to_lower(c);
    }
    return out;
}

// Scrapy's _get_sitemap_body reads a response only if it is an XmlResponse
// (by its Content-Type), a gzip body, or a URL ending in .xml/.xml.gz;
// anything else, an HTML error page above all, is an "invalid sitemap".
// sitemap_body() alone lets every body that starts with '<' through, so the
// response type is checked here. Without a Content-Type, Scrapy would sniff
// the body: sitemap_links decides then.
bool may_be_sitemap(const Response& response)
{
    const auto body = response.body();
    if (body.size() >= 2 && static_cast<unsigned char>(body[0]) == 0x1f && static_cast<unsigned char>(body[1]) == 0x8b) {
        return true;
    }
    const std::string_view url = response.url();
    if (url.ends_with(".xml") || url.ends_with(".xml.gz")) {
        return true;
    }
    const auto content_type = response.headers().get("Content-Type");
    if (!content_type) {
        return true;
    }
    const std::string type = media_type(*content_type);
    return type == "text/xml" || type == "application/xml" ||
           (type.ends_with("+xml") && type != "application/xhtml+xml");
}

// sitemap_links() reads a robots.txt by the same test.
bool url_path_is_robots(std::string_view url)
{
    url = url.substr(0, url.find_first_of("?#"));
    return url.ends_with("/robots.txt");
}

std::size_t to_size(std::int64_t value) noexcept { return value > 0 ? static_cast<std::size_t>(value) : 0; }

std::vector<Regex> compile_all(const std::string& spider_name, const char* attribute,
                               const std::vector<std::string>& patterns)
{
    std::vector<Regex> out;
    out.reserve(patterns.size());
    for (const auto& pattern : patterns) {
        try {
            out.emplace_back(pattern);
        } catch (const RegexError& e) {
            throw RegexError(fmt::format("spider '{}': {}: {}", spider_name, attribute, e.what()), e.pattern(),
                             e.position());
        }
    }
    return out;
}

} // namespace

SitemapSpider::SitemapSpider() { callback(sitemap_callback, &SitemapSpider::parse_sitemap); }

bool SitemapSpider::sitemap_filter(const SitemapEntry&) { return true; }

void SitemapSpider::sitemap_request(Request&, const SitemapEntry&, const Response&) {}

void SitemapSpider::opened(Crawler& crawler)
{
    std::vector<std::string> rule_patterns;
    for (const auto& rule : sitemap_rules) {
        if (!has_callback(rule.callback)) {
            throw std::invalid_argument(fmt::format("spider '{}': sitemap_rules: rule '{}' names callback '{}', "
                                                    "which the spider has not registered",
                                                    name, rule.pattern, rule.callback));
        }
        rule_patterns.push_back(rule.pattern);
    }
    auto rules = compile_all(name, "sitemap_rules", rule_patterns);
    follow_ = compile_all(name, "sitemap_follow", sitemap_follow);
    rules_.clear();
    for (std::size_t i = 0; i < rules.size(); ++i) {
        rules_.emplace_back(std::move(rules[i]), sitemap_rules[i].callback);
    }
    max_size_ = to_size(crawler.settings().get_int("DOWNLOAD_MAXSIZE"));
    compiled_ = true;
}

Generator<Request> SitemapSpider::start_requests()
{
    for (const auto& url : sitemap_urls) {
        Request request{url};
        request.callback = sitemap_callback;
        co_yield std::move(request);
    }
}

std::size_t SitemapSpider::max_size_for(const Response& response) const
{
    // As Scrapy: the request's own limit wins over the setting.
    if (const auto* limit = response.request().meta.if_contains("download_maxsize")) {
        boost::system::error_code ec;
        const auto value = limit->to_number<std::int64_t>(ec);
        if (!ec) {
            return to_size(value);
        }
    }
    return max_size_;
}

Callback SitemapSpider::parse_sitemap(Response response)
{
    if (!compiled_) {
        throw std::logic_error(fmt::format("spider '{}': SitemapSpider::opened() was not called (an opened() "
                                           "override must call it)",
                                           name));
    }
    // Entries the filter accepted, by URL: what sitemap_request() is given.
    std::vector<SitemapEntry> accepted;
    SitemapRules rules;
    rules.alternate_links = sitemap_alternate_links;
    rules.follow = [this](std::string_view loc) {
        for (const auto& expression : follow_) {
            if (expression.search(loc)) {
                return true;
            }
        }
        return false;
    };
    rules.filter = [this, &accepted](const SitemapEntry& entry) {
        if (!sitemap_filter(entry)) {
            return false;
        }
        accepted.push_back(entry);
        return true;
    };

    const bool robots = url_path_is_robots(response.url());
    if (!robots && !may_be_sitemap(response)) {
        logger().warning("Ignoring invalid sitemap: <{} {}>", response.status(), response.url());
        co_return;
    }
    SitemapLinks links = sitemap_links(response.url(), response.body(), rules, max_size_for(response));
    if (links.invalid) {
        logger().warning("Ignoring invalid sitemap: <{} {}>", response.status(), response.url());
        co_return;
    }
    for (auto& url : links.sitemaps) {
        Request request{std::move(url)};
        request.callback = sitemap_callback;
        co_yield std::move(request);
    }
    if (links.pages.empty()) {
        co_return;
    }

    std::unordered_map<std::string_view, const SitemapEntry*> entry_of;
    for (const auto& entry : accepted) {
        entry_of[entry.loc] = &entry;
        if (sitemap_alternate_links) {
            for (const auto& alternate : entry.alternates) {
                entry_of.try_emplace(alternate, &entry);
            }
        }
    }
    static const SitemapEntry no_entry;
    for (auto& url : links.pages) {
        for (const auto& [expression, callback_name] : rules_) {
            if (!expression.search(url)) {
                continue;
            }
            const auto found = entry_of.find(url);
            const SitemapEntry& entry = found != entry_of.end() ? *found->second : no_entry;
            Request request{std::move(url)};
            request.callback = callback_name;
            sitemap_request(request, entry, response);
            co_yield std::move(request);
            break;
        }
    }
}

} // namespace trawl
