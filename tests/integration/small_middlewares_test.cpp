// The small middlewares in real crawls against the test server: meta
// refresh through the redirect accounting, redirects to other schemes
// dropped while the crawl goes on, basic auth only to its domain, the
// Referer header under the referrer policy, and the URL length limit.

#include "support/test_server.hpp"

#include <trawl/crawler.hpp>
#include <trawl/spider.hpp>

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace trawl::testing {
namespace {

// What the spider saw of one response.
struct Seen {
    std::string url;
    int status = 0;
    boost::json::object meta;
    boost::json::object echoed_headers;  // for /echo: the headers the server got
};

// Requests its start requests; each response is recorded; a response to a
// request with meta "then" (a list of URLs) follows each of them.
class RecordingSpider final : public Spider {
public:
    explicit RecordingSpider(std::vector<Request> starts) : starts_(std::move(starts)) { name = "small"; }

    Generator<Request> start_requests() override
    {
        for (const auto& start : starts_) {
            Request request = start;
            co_yield std::move(request);
        }
    }

    Callback parse(Response response) override
    {
        Seen seen;
        seen.url = response.url();
        seen.status = response.status();
        seen.meta = response.request().meta;
        if (response.url().find("/echo") != std::string::npos) {
            seen.echoed_headers = boost::json::parse(response.body()).as_object().at("headers").as_object();
        }
        seen_.with([&](auto& all) { all.push_back(seen); });
        if (const auto* then = response.request().meta.if_contains("then"); then && then->is_array()) {
            for (const auto& url : then->get_array()) {
                Request next = response.follow(std::string(url.as_string()));
                next.dont_filter = true;
                co_yield std::move(next);
            }
        }
    }

    std::vector<Seen> seen()
    {
        return seen_.with([](auto& all) { return all; });
    }

private:
    std::vector<Request> starts_;
    Guarded<std::vector<Seen>> seen_;
};

struct CrawlResult {
    std::string reason;
    std::vector<Seen> seen;
    std::map<std::string, double> stats;
};

CrawlResult crawl(std::vector<Request> starts, std::initializer_list<std::pair<std::string_view, boost::json::value>> values = {},
                  std::map<std::string, std::string> arguments = {},
                  std::initializer_list<std::string_view> stat_names = {})
{
    Settings settings;
    settings.set("LOG_LEVEL", "WARNING", SettingPriority::project);
    for (const auto& [name, value] : values) {
        settings.set(name, value, SettingPriority::project);
    }
    auto spider = std::make_unique<RecordingSpider>(std::move(starts));
    spider->arguments = std::move(arguments);
    auto* recording = spider.get();
    Crawler crawler{std::move(spider), std::move(settings)};
    CrawlResult result;
    result.reason = crawler.crawl();
    result.seen = recording->seen();
    for (auto name : stat_names) {
        result.stats[std::string(name)] = crawler.stats().get_number(name, 0);
    }
    return result;
}

const Seen* find(const CrawlResult& result, std::string_view url_part)
{
    for (const auto& seen : result.seen) {
        if (seen.url.find(url_part) != std::string::npos) {
            return &seen;
        }
    }
    return nullptr;
}

std::string echoed(const Seen& seen, std::string_view header)
{
    const auto* value = seen.echoed_headers.if_contains(header);
    return value ? std::string(value->as_string()) : "<none>";
}

TestFile html_file(std::string body)
{
    TestFile file;
    file.content_type = "text/html";
    file.body = std::move(body);
    return file;
}

TestServerOptions refresh_site()
{
    TestServerOptions options;
    options.files["/refresh"] = html_file(
        R"(<html><head><meta http-equiv="refresh" content="0; url=/landing?from=refresh"></head></html>)");
    options.files["/refresh-to-redirect"] = html_file(
        R"(<html><head><meta content="1;URL='/redirect?to=/landing'" http-equiv="Refresh"></head></html>)");
    options.files["/slow-refresh"] = html_file(
        R"(<html><head><meta http-equiv="refresh" content="500; url=/landing"></head></html>)");
    options.files["/landing"] = html_file("<html><body>landed</body></html>");
    return options;
}

TEST(SmallMiddlewaresIntegration, MetaRefreshIsFollowedWithTheRedirectAccounting)
{
    TestServer server{refresh_site()};
    auto result = crawl({Request{server.url("/refresh")}, Request{server.url("/refresh-to-redirect")},
                         Request{server.url("/slow-refresh")}});
    EXPECT_EQ(result.reason, "finished");
    ASSERT_EQ(result.seen.size(), 3U);

    const auto* refreshed = find(result, "/landing?from=refresh");
    ASSERT_NE(refreshed, nullptr);
    EXPECT_EQ(refreshed->meta.at("redirect_reasons"), (boost::json::array{"meta refresh"}));
    EXPECT_EQ(refreshed->meta.at("redirect_urls"), (boost::json::array{server.url("/refresh")}));

    // A meta refresh, then an HTTP redirect: one chain.
    const Seen* chained = nullptr;
    for (const auto& seen : result.seen) {
        if (seen.url == server.url("/landing")) {
            chained = &seen;
        }
    }
    ASSERT_NE(chained, nullptr);
    EXPECT_EQ(chained->meta.at("redirect_times"), 2);
    EXPECT_EQ(chained->meta.at("redirect_reasons"), (boost::json::array{"meta refresh", 302}));

    // A delay over METAREFRESH_MAXDELAY: the page itself reaches the callback.
    EXPECT_NE(find(result, "/slow-refresh"), nullptr);
}

TEST(SmallMiddlewaresIntegration, RedirectsToOtherSchemesAreDroppedAndTheCrawlGoesOn)
{
    TestServer server;
    auto result = crawl({Request{server.url("/redirect?to=ftp://127.0.0.1/file")},
                         Request{server.url("/redirect?to=javascript:alert(1)")},
                         Request{server.url("/redirect?to=mailto:someone@example.com")},
                         Request{server.url("/redirect?to=file:///etc/passwd")}, Request{server.url("/echo?ok")}},
                        {}, {}, {"httperror/response_ignored_status_count/302", "downloader/request_count"});
    EXPECT_EQ(result.reason, "finished");
    // The 302s went to the httperror middleware, not the callback.
    ASSERT_EQ(result.seen.size(), 1U);
    EXPECT_NE(find(result, "/echo?ok"), nullptr);
    EXPECT_EQ(result.stats["httperror/response_ignored_status_count/302"], 4);
    EXPECT_EQ(result.stats["downloader/request_count"], 5);
}

TEST(SmallMiddlewaresIntegration, BasicAuthGoesToItsDomainOnly)
{
    TestServer server;
    Request echo{server.url("/echo?auth")};
    auto to_host = crawl({echo}, {}, {{"http_user", "crawler"}, {"http_pass", "s3cret"}, {"http_auth_domain", "127.0.0.1"}});
    ASSERT_EQ(to_host.seen.size(), 1U);
    EXPECT_EQ(echoed(to_host.seen[0], "authorization"), "Basic Y3Jhd2xlcjpzM2NyZXQ=");

    auto elsewhere = crawl({echo}, {{"HTTPAUTH_USER", "crawler"}, {"HTTPAUTH_PASS", "s3cret"},
                                    {"HTTPAUTH_DOMAIN", "example.com"}});
    ASSERT_EQ(elsewhere.seen.size(), 1U);
    EXPECT_EQ(echoed(elsewhere.seen[0], "authorization"), "<none>");

    // Default domain: the first request's host, here the server's.
    auto first = crawl({echo}, {{"HTTPAUTH_USER", "crawler"}, {"HTTPAUTH_PASS", "s3cret"}});
    ASSERT_EQ(first.seen.size(), 1U);
    EXPECT_EQ(echoed(first.seen[0], "authorization"), "Basic Y3Jhd2xlcjpzM2NyZXQ=");
}

TEST(SmallMiddlewaresIntegration, RefererFollowsThePolicy)
{
    TestServer server;
    Request page{server.url("/text?size=10#frag")};
    page.meta["then"] = boost::json::array{"/echo?next", "/redirect?to=/echo%3Fredirected"};
    auto result = crawl({page});
    EXPECT_EQ(result.reason, "finished");
    const auto* next = find(result, "/echo?next");
    ASSERT_NE(next, nullptr);
    EXPECT_EQ(echoed(*next, "referer"), server.url("/text?size=10"));
    const auto* redirected = find(result, "/echo?redirected");
    ASSERT_NE(redirected, nullptr);
    EXPECT_EQ(echoed(*redirected, "referer"), server.url("/text?size=10"));

    auto origin = crawl({page}, {{"REFERRER_POLICY", "origin"}});
    const auto* origin_next = find(origin, "/echo?next");
    ASSERT_NE(origin_next, nullptr);
    EXPECT_EQ(echoed(*origin_next, "referer"), server.url("/"));

    auto none = crawl({page}, {{"REFERER_ENABLED", false}});
    const auto* none_next = find(none, "/echo?next");
    ASSERT_NE(none_next, nullptr);
    EXPECT_EQ(echoed(*none_next, "referer"), "<none>");
}

TEST(SmallMiddlewaresIntegration, LongUrlsAreDroppedAndCounted)
{
    TestServer server;
    Request page{server.url("/text?size=10")};
    page.meta["then"] = boost::json::array{"/echo?short", "/echo?long=" + std::string(200, 'x')};
    auto result = crawl({page}, {{"URLLENGTH_LIMIT", 100}}, {}, {"urllength/request_ignored_count"});
    EXPECT_EQ(result.reason, "finished");
    EXPECT_NE(find(result, "/echo?short"), nullptr);
    EXPECT_EQ(find(result, "/echo?long"), nullptr);
    EXPECT_EQ(result.stats["urllength/request_ignored_count"], 1);
}

} // namespace
} // namespace trawl::testing
