// The built-in `links` spider: created by name from the registry with -a
// style arguments, it crawls the test server's 2,000-page link site through
// a real Crawler and finds every page exactly once; its parse callback and
// argument checks are also driven directly.

#include "support/collect_pipeline.hpp"
#include "support/run_callback.hpp"
#include "support/test_server.hpp"

#include <builtin_spiders.hpp>
#include <links_spider.hpp>

#include <trawl/components.hpp>
#include <trawl/crawler.hpp>
#include <trawl/item_pipeline.hpp>
#include <trawl/spider.hpp>

#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <set>
#include <stdexcept>

namespace trawl::testing {
namespace {

std::string str(const boost::json::value& value) { return std::string(value.as_string()); }

std::unique_ptr<Spider> links_spider(std::map<std::string, std::string> arguments)
{
    SpiderRegistry registry;
    register_builtin_spiders(registry);
    auto spider = registry.create("links");
    spider->arguments = std::move(arguments);
    return spider;
}

class LinksSpiderCrawl : public ::testing::Test {
protected:
    std::string run(std::map<std::string, std::string> arguments)
    {
        Settings settings;
        settings.set("LOG_LEVEL", "WARNING", SettingPriority::project);
        settings.set("CONCURRENT_REQUESTS", 32, SettingPriority::project);
        settings.set("CONCURRENT_REQUESTS_PER_DOMAIN", 32, SettingPriority::project);
        crawler_ = std::make_unique<Crawler>(links_spider(std::move(arguments)), std::move(settings));
        crawler_->components().add_pipeline(
            "collect", [this](Crawler&) { return std::make_unique<CollectPipeline>(collected_); });
        crawler_->settings().set("ITEM_PIPELINES", boost::json::object{{"collect", 100}}, SettingPriority::project);
        return crawler_->crawl();
    }

    std::map<std::string, Item> items_by_url()
    {
        std::map<std::string, Item> out;
        for (const auto& item : collected_.items) {
            out[std::string(item.fields().at("url").as_string())] = item;
        }
        return out;
    }

    TestServer server_{TestServerOptions{.threads = 2}};
    Collected collected_;
    std::unique_ptr<Crawler> crawler_;
};

TEST_F(LinksSpiderCrawl, CrawlsTheWholeSiteOncePerPage)
{
    const auto start = server_.url("/page/0");
    EXPECT_EQ(run({{"start_url", start}}), "finished");

    std::set<std::string> expected;
    for (int n = 0; n < server_.site_pages(); ++n) {
        expected.insert(server_.url("/page/" + std::to_string(n)));
    }
    const auto by_url = items_by_url();
    std::set<std::string> urls;
    for (const auto& [url, item] : by_url) {
        urls.insert(url);
    }
    EXPECT_EQ(urls, expected);
    EXPECT_EQ(collected_.items.size(), expected.size()) << "a page gave more than one item";
    EXPECT_EQ(server_.requests_served(), expected.size()) << "a page was fetched twice";
    EXPECT_EQ(crawler_->stats().get_number("item_scraped_count"), static_cast<double>(expected.size()));
    // The spider keeps to the site itself: the example.invalid link never
    // became a request.
    EXPECT_EQ(crawler_->spider().allowed_domains, std::vector<std::string>{"127.0.0.1"});
    EXPECT_EQ(crawler_->stats().get_number("offsite/filtered"), 0);

    for (const auto& [url, item] : by_url) {
        const auto& fields = item.fields();
        EXPECT_EQ(item.kind(), "page");
        EXPECT_EQ(fields.at("status"), 200) << url;
        EXPECT_EQ(str(fields.at("title")), "Page " + url.substr(url.rfind('/') + 1)) << url;
        if (url == start) {
            EXPECT_EQ(fields.at("depth"), 0);
            EXPECT_TRUE(fields.at("referer").is_null());
            continue;
        }
        // Each page's referer is a page crawled one level up.
        ASSERT_TRUE(fields.at("referer").is_string()) << url;
        const auto referer = by_url.find(std::string(fields.at("referer").as_string()));
        ASSERT_NE(referer, by_url.end()) << url;
        EXPECT_EQ(fields.at("depth").as_int64(), referer->second.fields().at("depth").as_int64() + 1) << url;
    }
    // /page/1 is the first link of /page/0.
    const auto& first_link = by_url.at(server_.url("/page/1")).fields();
    EXPECT_EQ(first_link.at("depth"), 1);
    EXPECT_EQ(str(first_link.at("referer")), start);
}

TEST_F(LinksSpiderCrawl, MaxDepthStopsFollowing)
{
    // A 3-ary tree: depth 0, 1 and 2 hold 1 + 3 + 9 pages.
    EXPECT_EQ(run({{"start_url", server_.url("/links/0?count=3")}, {"max_depth", "2"}}), "finished");
    EXPECT_EQ(collected_.items.size(), 13u);
    EXPECT_EQ(server_.requests_served(), 13u);
    std::map<std::int64_t, int> per_depth;
    for (const auto& item : collected_.items) {
        ++per_depth[item.fields().at("depth").as_int64()];
    }
    EXPECT_EQ(per_depth, (std::map<std::int64_t, int>{{0, 1}, {1, 3}, {2, 9}}));
    EXPECT_EQ(items_by_url().at(server_.url("/links/5?count=3")).fields().at("title"), "Links 5");
}

TEST_F(LinksSpiderCrawl, MissingStartUrlFailsTheCrawlClearly)
{
    try {
        run({});
        FAIL() << "the crawl started without a start URL";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("start_url"), std::string::npos) << e.what();
    }
    EXPECT_EQ(server_.requests_served(), 0u);
}

// --- the callback, driven directly -----------------------------------------

class LinksSpiderParse : public ::testing::Test {
protected:
    // An opened spider (opened() ignores the crawler beyond its argument).
    void opened(std::map<std::string, std::string> arguments)
    {
        crawler_ = std::make_unique<Crawler>(links_spider(std::move(arguments)), Settings{});
        crawler_->spider().opened(*crawler_);
    }
    Spider& spider() { return crawler_->spider(); }

    static Response response(std::string url, std::string body, std::optional<std::string> content_type,
                             Request request)
    {
        Response::Data data;
        data.url = std::move(url);
        data.body = std::move(body);
        if (content_type) {
            data.headers.add("Content-Type", *content_type);
        }
        data.request = std::move(request);
        return Response{std::move(data)};
    }

    std::unique_ptr<Crawler> crawler_;
};

constexpr std::string_view sample = R"(<html><head><title> A  page </title></head><body>
<a href="/b">b</a> <a href="c#x">c</a> <a href="http://sub.site.example/d">d</a>
<a href="http://elsewhere.example/">e</a> <a href="mailto:x@y.z">m</a> <a href="/b">again</a>
</body></html>)";

TEST_F(LinksSpiderParse, YieldsThePageThenItsLinksWithRefererAndDepth)
{
    opened({{"start_url", "http://site.example/start"}});
    EXPECT_EQ(spider().allowed_domains, std::vector<std::string>{"site.example"});
    Request request{"http://site.example/a/"};
    request.meta["depth"] = 2;
    request.meta["referer"] = "http://site.example/start";
    auto out = run_callback(spider().parse(response("http://site.example/a/", std::string(sample),
                                                    "text/html; charset=utf-8", std::move(request))));
    ASSERT_EQ(out.size(), 4u);
    const auto& item = std::get<Item>(out[0]);
    EXPECT_EQ(item.kind(), "page");
    EXPECT_EQ(item.fields().at("url"), "http://site.example/a/");
    EXPECT_EQ(item.fields().at("status"), 200);
    EXPECT_EQ(item.fields().at("title"), "A page");
    EXPECT_EQ(item.fields().at("depth"), 2);
    EXPECT_EQ(item.fields().at("referer"), "http://site.example/start");

    std::vector<std::string> urls;
    for (std::size_t i = 1; i < out.size(); ++i) {
        const auto& next = std::get<Request>(out[i]);
        urls.push_back(next.url);
        // The Referer header is the referer middleware's (its policy decides).
        EXPECT_FALSE(next.headers.get("Referer"));
        EXPECT_EQ(next.meta.at("referer"), "http://site.example/a/");
        EXPECT_EQ(next.meta.at("depth"), 3);
        EXPECT_TRUE(next.callback.empty());
    }
    // Same site (subdomains included), fragments dropped, each once.
    EXPECT_EQ(urls, (std::vector<std::string>{"http://site.example/b", "http://site.example/a/c",
                                              "http://sub.site.example/d"}));
}

TEST_F(LinksSpiderParse, SameSiteZeroFollowsEverything)
{
    opened({{"start_url", "http://site.example/"}, {"same_site", "0"}});
    EXPECT_TRUE(spider().allowed_domains.empty());
    auto out = run_callback(
        spider().parse(response("http://site.example/", std::string(sample), "text/html", Request{"http://site.example/"})));
    ASSERT_EQ(out.size(), 5u);
    EXPECT_EQ(std::get<Request>(out[4]).url, "http://elsewhere.example/");
    // The start page has no referer.
    EXPECT_TRUE(std::get<Item>(out[0]).fields().at("referer").is_null());
    EXPECT_EQ(std::get<Item>(out[0]).fields().at("depth"), 0);
}

TEST_F(LinksSpiderParse, RefererHeaderOfAUserRequestIsReported)
{
    opened({{"start_url", "http://site.example/"}});
    Request request{"http://site.example/x"};
    request.headers.set("Referer", "http://from.example/");
    auto out = run_callback(spider().parse(response("http://site.example/x", "", "text/html", std::move(request))));
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(std::get<Item>(out[0]).fields().at("referer"), "http://from.example/");
}

TEST_F(LinksSpiderParse, OnlyHtmlIsScanned)
{
    opened({{"start_url", "http://site.example/"}});
    const std::string body = "<title>t</title><a href='/x'>";
    for (const auto& type : {"text/plain", "application/json", "image/png"}) {
        auto out = run_callback(spider().parse(response("http://site.example/f", body, type, Request{})));
        ASSERT_EQ(out.size(), 1u) << type;
        EXPECT_EQ(std::get<Item>(out[0]).fields().at("title"), "") << type;
    }
    for (const auto& type : {"text/html", "TEXT/HTML;charset=latin-1", "application/xhtml+xml"}) {
        EXPECT_EQ(run_callback(spider().parse(response("http://site.example/f", body, type, Request{}))).size(), 2u)
            << type;
    }
    // No Content-Type: sniffed as Scrapy's response types do (Response::is_html).
    EXPECT_EQ(run_callback(spider().parse(
                               response("http://site.example/f", "\n <!DOCTYPE html>" + body, std::nullopt, Request{})))
                  .size(),
              2u);
    EXPECT_EQ(run_callback(spider().parse(response("http://site.example/f", "<html>" + body, std::nullopt, Request{})))
                  .size(),
              2u);
    EXPECT_EQ(run_callback(spider().parse(response("http://site.example/f", "x" + body, std::nullopt, Request{})))
                  .size(),
              1u);
}

TEST_F(LinksSpiderParse, MaxDepthZeroFollowsNothing)
{
    opened({{"start_url", "http://site.example/"}, {"max_depth", "0"}});
    auto out = run_callback(
        spider().parse(response("http://site.example/", std::string(sample), "text/html", Request{"http://site.example/"})));
    EXPECT_EQ(out.size(), 1u);
}

TEST_F(LinksSpiderParse, BadArgumentsAreClearErrors)
{
    for (const auto& arguments : std::vector<std::map<std::string, std::string>>{
             {},
             {{"start_url", ""}},
             {{"start_url", "/relative"}},
             {{"start_url", "ftp://site.example/"}},
             {{"start_url", "http://site.example/"}, {"max_depth", "-1"}},
             {{"start_url", "http://site.example/"}, {"max_depth", "two"}},
             {{"start_url", "http://site.example/"}, {"same_site", "maybe"}},
         }) {
        EXPECT_THROW(opened(arguments), std::invalid_argument);
    }
    EXPECT_NO_THROW(opened({{"start_url", "HTTP://Site.Example:8080/p#f"}, {"max_depth", "3"}, {"same_site", "yes"}}));
    EXPECT_EQ(spider().allowed_domains, std::vector<std::string>{"site.example"});
    auto starts = spider().start_requests();
    auto first = starts.next();
    ASSERT_TRUE(first);
    EXPECT_EQ(first->url, "http://site.example:8080/p");
}

} // namespace
} // namespace trawl::testing
