// CrawlSpider: rules over the test server's link tree (/links/N?count=3:
// the children of N are 3N+1..3N+3) and its /page/N site, crawled through
// a real Crawler; parse() is also driven directly, without an engine.

#include "support/collect_pipeline.hpp"
#include "support/run_callback.hpp"
#include "support/test_server.hpp"

#include <trawl/crawl_spider.hpp>
#include <trawl/crawler.hpp>
#include <trawl/item_pipeline.hpp>
#include <trawl/selector.hpp>

#include <boost/json/serialize.hpp>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>

namespace trawl::testing {
namespace {

std::string str(const boost::json::value& value) { return std::string(value.as_string()); }

// Listing pages /links/0..3 are followed (no callback); every other tree
// page a listing links to is a detail page, with a callback.
struct TreeSpider : CrawlSpider {
    explicit TreeSpider(std::string start)
    {
        name = "tree";
        start_urls = {std::move(start)};
        rules.push_back(Rule{.link_extractor = LinkExtractor{{.allow = {R"(/links/[0-3]\?count=3$)"}}}});
        rules.push_back(Rule{.link_extractor = LinkExtractor{{.allow = {R"(/links/\d+\?count=3)"}}},
                             .callback = "parse_item",
                             .cb_kwargs = {{"kind", "detail"}}});
        callback("parse_item", &TreeSpider::parse_item);
        errback("on_error", &TreeSpider::on_error);
    }

    Callback parse_start_url(Response response) override
    {
        Item item{"start"};
        item["url"] = response.url();
        co_yield std::move(item);
    }

    Callback parse_item(Response response)
    {
        const auto& request = response.request();
        Item item{"item"};
        item["url"] = response.url();
        item["title"] = response.css("title::text").get().value_or("");
        item["link_text"] = request.meta.at("link_text");
        item["rule"] = request.meta.at("rule");
        item["depth"] = request.meta.at("depth");
        item["kwargs"] = request.cb_kwargs;
        if (const auto* changed = request.meta.if_contains("changed")) {
            item["changed"] = *changed;
        }
        if (fetch_in_callback) {
            // A callback that awaits: parse() forwards the fetch and the sleep.
            co_await trawl::sleep(std::chrono::milliseconds{1});
            auto fetched = co_await response.fetch("/status/203");
            item["fetched"] = fetched ? fetched->status() : 0;
        }
        co_yield std::move(item);
    }

    Callback on_error(Failure failure)
    {
        Item item{"error"};
        item["url"] = failure.request.url;
        item["status"] = failure.response ? failure.response->status() : 0;
        item["rule"] = failure.request.meta.at("rule");
        co_yield std::move(item);
    }

    bool fetch_in_callback = false;
};

class CrawlSpiderCrawl : public ::testing::Test {
protected:
    static TestServerOptions server_options()
    {
        TestServerOptions options;
        options.threads = 2;
        options.site_pages = 60;
        return options;
    }

    std::string run(std::unique_ptr<Spider> spider, int depth_limit = 0)
    {
        Settings settings;
        settings.set("LOG_LEVEL", "WARNING", SettingPriority::project);
        settings.set("CONCURRENT_REQUESTS", 16, SettingPriority::project);
        settings.set("CONCURRENT_REQUESTS_PER_DOMAIN", 16, SettingPriority::project);
        settings.set("DEPTH_LIMIT", depth_limit, SettingPriority::project);
        crawler_ = std::make_unique<Crawler>(std::move(spider), std::move(settings));
        crawler_->components().add_pipeline(
            "collect", [this](Crawler&) { return std::make_unique<CollectPipeline>(collected_); });
        crawler_->settings().set("ITEM_PIPELINES", boost::json::object{{"collect", 100}}, SettingPriority::project);
        return crawler_->crawl();
    }

    std::unique_ptr<TreeSpider> tree_spider() { return std::make_unique<TreeSpider>(tree(0)); }

    std::string tree(int n) const { return server_.url("/links/" + std::to_string(n) + "?count=3"); }

    // URL -> item of `kind`; fails on a URL seen twice.
    std::map<std::string, Item> items(std::string_view kind)
    {
        std::map<std::string, Item> out;
        for (const auto& item : collected_.items) {
            if (item.kind() == kind) {
                const auto url = str(item.fields().at("url"));
                EXPECT_TRUE(out.emplace(url, item).second) << "two items for " << url;
            }
        }
        return out;
    }

    std::set<std::string> tree_urls(std::initializer_list<int> pages) const
    {
        std::set<std::string> out;
        for (int n : pages) {
            out.insert(tree(n));
        }
        return out;
    }

    static std::set<std::string> keys(const std::map<std::string, Item>& items)
    {
        std::set<std::string> out;
        for (const auto& [url, item] : items) {
            out.insert(url);
        }
        return out;
    }

    TestServer server_{server_options()};
    Collected collected_;
    std::unique_ptr<Crawler> crawler_;
};

TEST_F(CrawlSpiderCrawl, FollowsListingsAndCallsBackOnDetails)
{
    EXPECT_EQ(run(tree_spider()), "finished");
    const auto details = items("item");
    EXPECT_EQ(keys(details), tree_urls({4, 5, 6, 7, 8, 9, 10, 11, 12}));
    for (const auto& [url, item] : details) {
        const auto& fields = item.fields();
        const auto n = url.substr(url.rfind('/') + 1, url.find('?') - url.rfind('/') - 1);
        EXPECT_EQ(str(fields.at("title")), "Links " + n);
        EXPECT_EQ(str(fields.at("link_text")), "Links " + n);
        EXPECT_EQ(fields.at("rule"), 1);
        EXPECT_EQ(fields.at("depth"), 2);
        EXPECT_EQ(fields.at("kwargs"), (boost::json::object{{"kind", "detail"}}));
    }
    // parse_start_url's output, once.
    EXPECT_EQ(keys(items("start")), std::set<std::string>{tree(0)});
    // The start page, the three listings and the nine details; details are
    // not followed (a rule with a callback does not follow by default).
    EXPECT_EQ(server_.requests_served(), 13u);
    EXPECT_EQ(collected_.items.size(), 10u);
}

TEST_F(CrawlSpiderCrawl, FollowFalseStopsAtTheRulesPages)
{
    auto spider = tree_spider();
    spider->rules[0].follow = false;
    EXPECT_EQ(run(std::move(spider)), "finished");
    EXPECT_TRUE(items("item").empty());
    EXPECT_EQ(server_.requests_served(), 4u) << "the start page and the three listings only";
}

TEST_F(CrawlSpiderCrawl, FollowTrueWithACallbackGoesOn)
{
    auto spider = tree_spider();
    spider->rules[1].follow = true;
    spider->fetch_in_callback = true;
    EXPECT_EQ(run(std::move(spider), 3), "finished");
    std::set<std::string> expected;
    for (int n = 4; n <= 39; ++n) {
        expected.insert(tree(n));
    }
    const auto details = items("item");
    EXPECT_EQ(keys(details), expected);
    for (const auto& [url, item] : details) {
        EXPECT_EQ(item.fields().at("fetched"), 203) << url;
    }
    // 40 tree pages plus one fetch per detail page.
    EXPECT_EQ(server_.requests_served(), 40u + expected.size());
}

TEST_F(CrawlSpiderCrawl, ProcessLinksFilters)
{
    auto spider = tree_spider();
    std::atomic<int> calls{0};
    spider->rules[1].process_links = [&calls](std::vector<Link> links) {
        ++calls;
        std::erase_if(links, [](const Link& link) { return (link.text.back() - '0') % 2 == 0; });
        return links;
    };
    EXPECT_EQ(run(std::move(spider)), "finished");
    EXPECT_EQ(keys(items("item")), tree_urls({5, 7, 9, 11}));
    EXPECT_EQ(calls, 4) << "once per followed page: the start page and the three listings";
    EXPECT_EQ(server_.requests_served(), 8u);
}

TEST_F(CrawlSpiderCrawl, ProcessRequestDropsAndChanges)
{
    auto spider = tree_spider();
    std::mutex mutex;
    std::map<std::string, std::string> parents;  // request URL -> page it came from
    spider->rules[1].process_request = [&](Request request, const Response& from) -> std::optional<Request> {
        {
            std::lock_guard lock{mutex};
            parents[request.url] = from.url();
        }
        if (request.url.find("/links/5?") != std::string::npos) {
            return std::nullopt;
        }
        if (request.url.find("/links/6?") != std::string::npos) {
            request.url += "&changed=1";
            request.meta["changed"] = true;
        }
        return request;
    };
    const auto six = tree(6);
    EXPECT_EQ(run(std::move(spider)), "finished");
    const auto details = items("item");
    EXPECT_EQ(keys(details), (std::set<std::string>{tree(4), six + "&changed=1", tree(7), tree(8), tree(9),
                                                    tree(10), tree(11), tree(12)}));
    EXPECT_EQ(details.at(six + "&changed=1").fields().at("changed"), true);
    EXPECT_EQ(parents.at(tree(5)), tree(1));
    EXPECT_EQ(parents.at(tree(12)), tree(3));
}

std::string percent_encoded(std::string_view text)
{
    std::string out;
    for (const unsigned char c : text) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
            out += static_cast<char>(c);
        } else {
            out += fmt::format("%{:02X}", c);
        }
    }
    return out;
}

TEST_F(CrawlSpiderCrawl, ErrbackGetsTheFailureOfALink)
{
    // The start page (a data: URL) links to a 404 and to a tree page.
    const auto page = "<html><body><a href=\"" + server_.url("/status/404") + "\">missing</a> <a href=\"" + tree(1) +
                      "\">one</a></body></html>";
    auto spider = std::make_unique<TreeSpider>("data:text/html," + percent_encoded(page));
    spider->rules.clear();
    spider->rules.push_back(Rule{.link_extractor = LinkExtractor{{.allow = {"/status/", "/links/"}}},
                                 .callback = "parse_item",
                                 .errback = "on_error"});
    EXPECT_EQ(run(std::move(spider)), "finished");
    const auto errors = items("error");
    ASSERT_EQ(keys(errors), std::set<std::string>{server_.url("/status/404")});
    EXPECT_EQ(errors.begin()->second.fields().at("status"), 404);
    EXPECT_EQ(errors.begin()->second.fields().at("rule"), 0);
    EXPECT_EQ(keys(items("item")), std::set<std::string>{tree(1)});
    EXPECT_EQ(items("start").size(), 1u);
}

// Every page of the /page/N site once, through one rule that follows and
// calls back; its links to http://example.invalid/ are not taken.
struct SiteSpider : CrawlSpider {
    explicit SiteSpider(std::string start)
    {
        name = "site";
        start_urls = {std::move(start)};
        rules.push_back(Rule{.link_extractor = LinkExtractor{{.allow_domains = {"127.0.0.1"}}},
                             .callback = "parse_page",
                             .follow = true});
        callback("parse_page", &SiteSpider::parse_page);
    }
    Callback parse_page(Response response)
    {
        Item item{"page"};
        item["url"] = response.url();
        co_yield std::move(item);
    }
};

TEST_F(CrawlSpiderCrawl, CrawlsTheSiteOncePerPage)
{
    EXPECT_EQ(run(std::make_unique<SiteSpider>(server_.url("/page/0"))), "finished");
    std::set<std::string> expected;
    for (int n = 1; n < server_.site_pages(); ++n) {
        expected.insert(server_.url("/page/" + std::to_string(n)));
    }
    EXPECT_EQ(keys(items("page")), expected) << "the start page goes to parse_start_url, not to the rule";
    EXPECT_EQ(server_.requests_served(), expected.size() + 1);
    EXPECT_EQ(crawler_->stats().get_number("offsite/filtered"), 0);
}

TEST_F(CrawlSpiderCrawl, UnregisteredNamesFailAtStart)
{
    auto spider = tree_spider();
    spider->rules[1].callback = "parse_nothing";
    try {
        run(std::move(spider));
        FAIL() << "the crawl started";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("parse_nothing"), std::string::npos) << e.what();
    }
    auto errback = tree_spider();
    errback->rules[0].errback = "no_such_errback";
    EXPECT_THROW(run(std::move(errback)), std::invalid_argument);
    auto parse = tree_spider();
    parse->rules[0].callback = "parse";
    EXPECT_THROW(run(std::move(parse)), std::invalid_argument);
    EXPECT_EQ(server_.requests_served(), 0u);
}

// --- parse(), driven directly ----------------------------------------------

Response html_response(std::string url, std::string body, std::string content_type = "text/html")
{
    Response::Data data;
    data.url = std::move(url);
    data.body = std::move(body);
    if (!content_type.empty()) {
        data.headers.add("Content-Type", content_type);
    }
    return Response{std::move(data)};
}

struct TwoRules : CrawlSpider {
    TwoRules()
    {
        name = "two";
        rules.push_back(Rule{.link_extractor = LinkExtractor{{.allow = {"/a"}}}});
        rules.push_back(
            Rule{.link_extractor = LinkExtractor{{.unique = false}}, .callback = "parse_item", .errback = "on_error"});
        callback("parse_item", &TwoRules::parse_item);
        errback("on_error", &TwoRules::on_error);
    }
    Callback parse_start_url(Response) override
    {
        Item first{"first"};
        co_yield std::move(first);
        Item second{"second"};
        co_yield std::move(second);
    }
    Callback parse_item(Response) { co_return; }
    Callback on_error(Failure) { co_return; }
};

TEST(CrawlSpiderParse, OutputFirstThenEachLinkOnceAcrossRules)
{
    TwoRules spider;
    const auto out = run_callback(spider.parse(html_response(
        "http://site.example/", R"(<a href="/a1">A</a> <a href="/b">B</a> <a href="/a1">A</a> <a href="/a1">other text</a>
                                   <a href="/c.pdf">pdf</a> <a href="mailto:x@site.example">mail</a>)")));
    ASSERT_EQ(out.size(), 5u);
    EXPECT_EQ(std::get<Item>(out[0]).kind(), "first");
    EXPECT_EQ(std::get<Item>(out[1]).kind(), "second");
    std::vector<std::pair<std::string, std::int64_t>> requests;
    for (std::size_t i = 2; i < out.size(); ++i) {
        const auto& request = std::get<Request>(out[i]);
        requests.emplace_back(request.url, request.meta.at("rule").to_number<std::int64_t>());
        EXPECT_EQ(request.callback, CrawlSpider::rule_callback);
        EXPECT_TRUE(request.meta.at("link_text").is_string());
    }
    // Rule 0 takes /a1 (once: unique); rule 1 (unique = false) gets what
    // rule 0 did not take: /b and the /a1 link with other text (a different
    // Link), but not the repeat of the /a1 link rule 0 took.
    EXPECT_EQ(requests, (std::vector<std::pair<std::string, std::int64_t>>{
                            {"http://site.example/a1", 0}, {"http://site.example/b", 1}, {"http://site.example/a1", 1}}));
    // Only rule 1 has an errback.
    EXPECT_TRUE(std::get<Request>(out[2]).errback.empty());
    EXPECT_EQ(std::get<Request>(out[3]).errback, CrawlSpider::rule_errback);
}

TEST(CrawlSpiderParse, OnlyHtmlIsFollowed)
{
    TwoRules spider;
    const std::string body = "<html><a href='/a'>a</a></html>";
    EXPECT_EQ(run_callback(spider.parse(html_response("http://site.example/", body, "application/json"))).size(), 2u);
    EXPECT_EQ(run_callback(spider.parse(html_response("http://site.example/", body, "text/xml"))).size(), 2u);
    EXPECT_EQ(run_callback(spider.parse(html_response("http://site.example/", body, "TEXT/HTML; charset=utf-8"))).size(),
              3u);
    EXPECT_EQ(run_callback(spider.parse(html_response("http://site.example/", "\n" + body, ""))).size(), 3u)
        << "no Content-Type: sniffed";
    EXPECT_EQ(run_callback(spider.parse(html_response("http://site.example/", "x,y\n1,2", ""))).size(), 2u);
}

TEST(CrawlSpiderParse, AResponseWithoutAValidRuleIsAnError)
{
    TwoRules spider;
    Response::Data data;
    data.url = "http://site.example/x";
    data.request.meta["rule"] = 7;
    EXPECT_THROW(spider.call(CrawlSpider::rule_callback, Response{std::move(data)}), std::invalid_argument);
}

} // namespace
} // namespace trawl::testing
