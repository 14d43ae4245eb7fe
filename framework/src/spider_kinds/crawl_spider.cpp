// CrawlSpider: Scrapy's _parse_response and _requests_to_follow on trawl's
// callbacks, which are coroutines: a rule's callback runs inside parse()'s
// coroutine, which passes its output and its awaits through.

#include <trawl/crawl_spider.hpp>

#include <trawl/crawler.hpp>
#include <trawl/settings.hpp>

#include <boost/json/value.hpp>

#include <fmt/format.h>

#include <stdexcept>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <variant>

namespace trawl {

namespace {

// Scrapy's per-response `seen` set holds Links: equal in all four fields.
std::string link_key(const Link& link)
{
    std::string key;
    key.reserve(link.url.size() + link.text.size() + link.fragment.size() + 3);
    key.append(link.url).append(1, '\0').append(link.fragment).append(1, '\0').append(link.text);
    key += link.nofollow ? '1' : '0';
    return key;
}

} // namespace

CrawlSpider::CrawlSpider()
{
    callback(rule_callback, &CrawlSpider::parse_rule_response);
    errback(rule_errback, &CrawlSpider::parse_rule_failure);
}

void CrawlSpider::opened(Crawler& crawler)
{
    for (std::size_t i = 0; i < rules.size(); ++i) {
        const auto& rule = rules[i];
        if (!rule.callback.empty() && !has_callback(rule.callback)) {
            throw std::invalid_argument(fmt::format("spider '{}': rule {} names callback '{}', which is not registered",
                                                    name, i, rule.callback));
        }
        if (rule.callback == "parse") {
            // parse() is the CrawlSpider's own: pages would loop back to the rules.
            throw std::invalid_argument(fmt::format(
                "spider '{}': rule {} names 'parse' as its callback; a CrawlSpider uses parse itself", name, i));
        }
        if (!rule.errback.empty() && !has_errback(rule.errback)) {
            throw std::invalid_argument(
                fmt::format("spider '{}': rule {} names errback '{}', which is not registered", name, i, rule.errback));
        }
    }
    follow_links_ = crawler.settings().get_bool("CRAWLSPIDER_FOLLOW_LINKS", true);
}

Callback CrawlSpider::parse(Response response)
{
    auto start = parse_start_url(response);
    return parse_response(std::move(response), std::move(start), true);
}

Callback CrawlSpider::parse_start_url(Response) { co_return; }

const Rule* CrawlSpider::rule_of(const Request& request) const
{
    const auto* index = request.meta.if_contains("rule");
    if (!index) {
        return nullptr;
    }
    std::size_t i = rules.size();
    if (index->is_int64() && index->get_int64() >= 0) {
        i = static_cast<std::size_t>(index->get_int64());
    } else if (index->is_uint64()) {
        i = static_cast<std::size_t>(index->get_uint64());
    }
    return i < rules.size() ? &rules[i] : nullptr;
}

Callback CrawlSpider::parse_rule_response(Response response)
{
    const Rule* rule = rule_of(response.request());
    if (!rule) {
        throw std::invalid_argument(fmt::format("spider '{}': response for {} carries no valid meta 'rule'", name,
                                                response.url()));
    }
    Callback inner;
    if (!rule->callback.empty()) {
        inner = call(rule->callback, response);
    }
    return parse_response(std::move(response), std::move(inner), rule->follows());
}

Callback CrawlSpider::parse_rule_failure(Failure failure)
{
    const Rule* rule = rule_of(failure.request);
    Callback inner;
    if (rule && !rule->errback.empty()) {
        if (auto errback = call_errback(rule->errback, std::move(failure))) {
            inner = std::move(*errback);
        }
    }
    return parse_response(Response{}, std::move(inner), false);
}

Callback CrawlSpider::parse_response(Response response, Callback inner, bool follow)
{
    // 1. The inner callback to its end. Each resume runs it until it awaits,
    // fills a batch or finishes; its output is passed on in order and what
    // it awaits is awaited here, the result handed back to it.
    while (!inner.done()) {
        inner.resume();
        auto output = inner.take_output();
        for (auto& value : output) {
            if (auto* item = std::get_if<Item>(&value)) {
                co_yield std::move(*item);
            } else {
                co_yield std::move(std::get<Request>(value));
            }
        }
        if (inner.done()) {
            if (inner.promise().error) {
                std::rethrow_exception(inner.promise().error);
            }
            break;
        }
        auto& pending = inner.promise().pending;
        if (auto* fetch = std::get_if<FetchOperation>(&pending)) {
            FetchOperation operation = std::move(*fetch);
            pending = std::monostate{};
            auto result = co_await std::move(operation);
            inner.promise().fetch_result = std::move(result);
        } else if (auto* sleep = std::get_if<SleepOperation>(&pending)) {
            const SleepOperation operation = *sleep;
            pending = std::monostate{};
            co_await operation;
        }
    }

    // 2. The links.
    if (follow && follow_links_) {
        auto requests = requests_to_follow(response);
        for (auto& request : requests) {
            co_yield std::move(request);
        }
    }
}

std::vector<Request> CrawlSpider::requests_to_follow(const Response& response) const
{
    std::vector<Request> out;
    if (rules.empty() || !response.is_html()) {
        return out;
    }
    std::unordered_set<std::string> seen;
    for (std::size_t index = 0; index < rules.size(); ++index) {
        const Rule& rule = rules[index];
        std::vector<Link> links;
        for (auto& link : rule.link_extractor.extract_links(response)) {
            if (!seen.contains(link_key(link))) {
                links.push_back(std::move(link));
            }
        }
        if (rule.process_links) {
            links = rule.process_links(std::move(links));
        }
        for (auto& link : links) {
            seen.insert(link_key(link));
            Request request{std::move(link.url)};
            request.callback = rule_callback;
            if (!rule.errback.empty()) {
                request.errback = rule_errback;
            }
            request.meta["rule"] = index;
            request.meta["link_text"] = link.text;
            request.cb_kwargs = rule.cb_kwargs;
            if (rule.process_request) {
                auto processed = rule.process_request(std::move(request), response);
                if (!processed) {
                    continue;
                }
                request = std::move(*processed);
            }
            out.push_back(std::move(request));
        }
    }
    return out;
}

} // namespace trawl
