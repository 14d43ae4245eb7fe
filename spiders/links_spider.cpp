#include <links_spider.hpp>

#include <trawl/html_links.hpp>
#include <trawl/url.hpp>

#include <boost/json/value.hpp>

#include <charconv>
#include <stdexcept>

namespace trawl::spiders {

namespace {

char to_lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c; }

std::string lower(std::string_view s)
{
    std::string out(s);
    for (auto& c : out) {
        c = to_lower(c);
    }
    return out;
}

bool parse_flag(const std::string& name, const std::string& value)
{
    const auto v = lower(value);
    if (v == "1" || v == "true" || v == "yes" || v == "on") {
        return true;
    }
    if (v == "0" || v == "false" || v == "no" || v == "off") {
        return false;
    }
    throw std::invalid_argument("links spider: -a " + name + " must be 0 or 1, not '" + value + "'");
}

std::int64_t meta_depth(const boost::json::object& meta)
{
    const auto* depth = meta.if_contains("depth");
    if (!depth) {
        return 0;
    }
    if (depth->is_int64()) {
        return depth->get_int64();
    }
    if (depth->is_uint64()) {
        return static_cast<std::int64_t>(depth->get_uint64());
    }
    if (depth->is_double()) {
        return static_cast<std::int64_t>(depth->get_double());
    }
    return 0;
}

// The page that linked here: what we put in meta, else the header a user's
// start request may carry; null for the start page.
boost::json::value referer_of(const Request& request)
{
    if (const auto* referer = request.meta.if_contains("referer"); referer && referer->is_string()) {
        return *referer;
    }
    if (auto header = request.headers.get("Referer")) {
        return boost::json::value(boost::json::string_view(header->data(), header->size()));
    }
    return nullptr;
}

} // namespace

LinksSpider::LinksSpider() { name = "links"; }

void LinksSpider::opened(Crawler&)
{
    const auto start = arguments.find("start_url");
    if (start == arguments.end() || start->second.empty()) {
        throw std::invalid_argument("the links spider needs a start URL: -a start_url=URL");
    }
    // Written as urljoin writes every link, so that the start page and the
    // links back to it are the same request to the dupefilter.
    auto normalized = urljoin(start->second, start->second);
    if (!normalized || !has_http_scheme(*normalized)) {
        throw std::invalid_argument("links spider: start_url must be an absolute http(s) URL, not '" +
                                    start->second + "'");
    }
    start_url_ = std::move(*normalized);
    if (const auto hash = start_url_.find('#'); hash != std::string::npos) {
        start_url_.resize(hash);
    }
    host_ = url_host(start_url_);
    if (host_.empty()) {
        throw std::invalid_argument("links spider: start_url has no host: '" + start->second + "'");
    }

    max_depth_.reset();
    if (const auto depth = arguments.find("max_depth"); depth != arguments.end()) {
        std::int64_t value = -1;
        const auto& text = depth->second;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (ec != std::errc{} || end != text.data() + text.size() || value < 0) {
            throw std::invalid_argument("links spider: -a max_depth must be a number >= 0, not '" + text + "'");
        }
        max_depth_ = value;
    }
    same_site_ = true;
    if (const auto same_site = arguments.find("same_site"); same_site != arguments.end()) {
        same_site_ = parse_flag("same_site", same_site->second);
    }
    // The offsite middleware reads allowed_domains when the spider opens,
    // after this.
    allowed_domains.clear();
    if (same_site_) {
        allowed_domains.push_back(host_);
    }
    // Every link a browser would follow, whatever its extension; with
    // same_site, the offsite middleware's rule (the host or a subdomain)
    // applied before any request is made.
    LinkExtractor::Options options;
    options.deny_extensions = std::vector<std::string>{};
    if (same_site_) {
        options.allow_domains = {host_};
    }
    links_ = LinkExtractor{std::move(options)};
}

Generator<Request> LinksSpider::start_requests()
{
    if (start_url_.empty()) {
        throw std::invalid_argument("the links spider needs a start URL: -a start_url=URL");
    }
    Request request{start_url_};
    co_yield std::move(request);
}

Callback LinksSpider::parse(Response response)
{
    const Request& request = response.request();
    const std::int64_t depth = meta_depth(request.meta);
    const bool html = response.is_html();
    std::string title;
    if (html) {
        title = scan_links(response.text(), ScanOptions{.title_only = true}).title;
    }

    Item item{"page"};
    item["url"] = response.url();
    item["status"] = response.status();
    item["title"] = title;
    item["depth"] = depth;
    item["referer"] = referer_of(request);
    co_yield std::move(item);

    if (!html || (max_depth_ && depth >= *max_depth_)) {
        co_return;
    }
    for (auto& link : links_.extract_links(response)) {
        // The extractor keeps ftp: and file: links too (as Scrapy's does).
        if (!has_http_scheme(link.url)) {
            continue;
        }
        Request next{std::move(link.url)};
        next.meta["referer"] = response.url();
        next.meta["depth"] = depth + 1;
        co_yield std::move(next);
    }
}

} // namespace trawl::spiders
