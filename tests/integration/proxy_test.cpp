// Downloads through HTTP proxies (meta "proxy"): absolute-form requests for
// http, CONNECT tunnels for https, proxy credentials (sent to the proxy
// only, never in messages), 407 answers, and proxies that accept and then
// say nothing. Then whole crawls through the proxypool middleware: a bad
// proxy among good ones is benched, all bad ends the crawl, a hanging one
// times out.

#include "downloader_fixture.hpp"
#include "support/test_proxy.hpp"

#include <trawl/crawler.hpp>
#include <trawl/error.hpp>
#include <trawl/spider.hpp>

#include <boost/json/array.hpp>

#include <filesystem>
#include <fstream>
#include <future>
#include <set>
#include <thread>

namespace trawl::testing {
namespace {

Request through(std::string url, std::string proxy)
{
    Request request{std::move(url)};
    request.meta["proxy"] = proxy;
    return request;
}

class Proxy : public DownloaderTest {
protected:
    void SetUp() override { set("DOWNLOAD_TIMEOUT", 20); }
    TestServer server_;
};

TEST_F(Proxy, HttpGoesToTheProxyInAbsoluteForm)
{
    TestProxy proxy;
    auto result = fetch(through(server_.url("/echo?x=1"), proxy.url()));
    ASSERT_TRUE(result) << result.error().what();
    EXPECT_EQ(result->status(), 200);
    EXPECT_NE(result->body().find("\"target\":\"/echo?x=1\""), std::string::npos) << result->body();
    ASSERT_EQ(proxy.request_lines().size(), 1u);
    EXPECT_EQ(proxy.request_lines()[0], "GET " + server_.url("/echo?x=1") + " HTTP/1.1");
    EXPECT_EQ(server_.requests_served(), 1u);
}

TEST_F(Proxy, ProxyWithoutSchemeOrEmptyMeansHttpOrNone)
{
    TestProxy proxy;
    auto bare = fetch(through(server_.url("/bytes/3"), "127.0.0.1:" + std::to_string(proxy.port())));
    ASSERT_TRUE(bare) << bare.error().what();
    EXPECT_EQ(proxy.requests_served(), 1u);
    auto direct = fetch(through(server_.url("/bytes/3"), ""));
    ASSERT_TRUE(direct) << direct.error().what();
    EXPECT_EQ(proxy.requests_served(), 1u);
}

TEST_F(Proxy, UnsupportedProxiesFailClearly)
{
    auto https_proxy = fetch(through(server_.url("/"), "https://127.0.0.1:1"));
    EXPECT_EQ(error_of(https_proxy), errc::unsupported_scheme);
    EXPECT_NE(https_proxy.error().message.find("only http:// proxies"), std::string::npos);
    auto garbage = fetch(through(server_.url("/"), "http://"));
    EXPECT_EQ(error_of(garbage), errc::invalid_url);
}

TEST_F(Proxy, CredentialsGoToTheProxyOnly)
{
    TestProxy proxy{TestProxyOptions{.user = "alice", .password = "s3cret"}};
    auto result = fetch(through(server_.url("/echo"), proxy.url_with_credentials("alice", "s3cret")));
    ASSERT_TRUE(result) << result.error().what();
    EXPECT_EQ(result->status(), 200);
    EXPECT_EQ(proxy.auth_failures(), 0u);

    // A Proxy-Authorization header (the httpproxy middleware's) wins over
    // the URL's credentials.
    auto request = through(server_.url("/echo"), proxy.url_with_credentials("alice", "wrong"));
    request.headers.set("Proxy-Authorization", "Basic YWxpY2U6czNjcmV0");  // alice:s3cret
    auto by_header = fetch(std::move(request));
    ASSERT_TRUE(by_header) << by_header.error().what();
    EXPECT_EQ(by_header->status(), 200);
}

TEST_F(Proxy, WithoutCredentialsTheProxyAnswers407)
{
    TestProxy proxy{TestProxyOptions{.user = "alice", .password = "s3cret"}};
    auto result = fetch(through(server_.url("/echo"), proxy.url()));
    ASSERT_TRUE(result) << result.error().what();
    EXPECT_EQ(result->status(), 407);  // for http the proxy's answer is the response, as in Scrapy
    EXPECT_EQ(proxy.auth_failures(), 1u);
}

TEST_F(Proxy, DirectRequestsNeverSendProxyAuthorization)
{
    Request request{server_.url("/echo")};
    request.headers.set("Proxy-Authorization", "Basic c2VjcmV0");
    auto result = fetch(std::move(request));
    ASSERT_TRUE(result) << result.error().what();
    EXPECT_EQ(result->body().find("proxy-authorization"), std::string::npos) << result->body();
}

TEST_F(Proxy, HangingProxyTimesOutAndFreesTheConnection)
{
    TestProxy proxy{TestProxyOptions{.mode = TestProxyMode::hang}};
    set("DOWNLOAD_TIMEOUT", 1);
    const auto start = std::chrono::steady_clock::now();
    auto result = fetch(through(server_.url("/bytes/3"), proxy.url()));
    EXPECT_TRUE(is_timeout(error_of(result))) << result.error().what();
    EXPECT_LT(seconds_since(start), 10.0);
    EXPECT_NE(result.error().message.find("proxy 127.0.0.1:" + std::to_string(proxy.port())), std::string::npos)
        << result.error().message;
    EXPECT_EQ(downloader().stats().connections_active, 0u);
    EXPECT_EQ(proxy.requests_served(), 1u);
}

class TlsProxy : public DownloaderTest {
protected:
    void SetUp() override
    {
        ca_file_ = std::filesystem::temp_directory_path() /
                   ("trawl-proxy-test-ca-" + std::to_string(server_.port()) + ".pem");
        std::ofstream(ca_file_) << server_.certificate_pem();
        set("DOWNLOAD_TLS_CA_FILE", boost::json::string(ca_file_.string()));
        set("DOWNLOAD_TIMEOUT", 20);
    }
    void TearDown() override { std::filesystem::remove(ca_file_); }

    TestServer server_{TestServerOptions{.tls = true}};
    std::filesystem::path ca_file_;
};

TEST_F(TlsProxy, HttpsGoesThroughAConnectTunnelVerifyingTheServer)
{
    TestProxy proxy{TestProxyOptions{.user = "alice", .password = "s3cret"}};
    for (int i = 0; i < 3; ++i) {
        auto result = fetch(through(server_.url("/echo"), proxy.url_with_credentials("alice", "s3cret")));
        ASSERT_TRUE(result) << result.error().what();
        EXPECT_EQ(result->status(), 200);
        // The credentials are for the proxy: they do not travel through the tunnel.
        EXPECT_EQ(result->body().find("proxy-authorization"), std::string::npos) << result->body();
    }
    // One tunnel, kept alive for the three requests.
    ASSERT_EQ(proxy.request_lines().size(), 1u);
    EXPECT_EQ(proxy.request_lines()[0], "CONNECT 127.0.0.1:" + std::to_string(server_.port()) + " HTTP/1.1");
    EXPECT_EQ(server_.connections_accepted(), 1u);
}

TEST_F(TlsProxy, TunnelsAreNotSharedBetweenCredentials)
{
    TestProxy proxy;
    ASSERT_TRUE(fetch(through(server_.url("/bytes/1"), proxy.url_with_credentials("a", "1"))));
    ASSERT_TRUE(fetch(through(server_.url("/bytes/1"), proxy.url_with_credentials("a", "1"))));
    ASSERT_TRUE(fetch(through(server_.url("/bytes/1"), proxy.url_with_credentials("b", "2"))));
    ASSERT_TRUE(fetch(through(server_.url("/bytes/1"), proxy.url())));
    EXPECT_EQ(proxy.connections_accepted(), 3u);
}

TEST_F(TlsProxy, RefusedTunnelNamesTheProxyAndStatusButNotTheCredentials)
{
    TestProxy proxy{TestProxyOptions{.user = "alice", .password = "s3cret"}};
    auto result = fetch(through(server_.url("/echo"), proxy.url_with_credentials("alice", "wrong-pass")));
    EXPECT_EQ(error_of(result), errc::connection_refused);
    const auto& message = result.error().message;
    EXPECT_NE(message.find("proxy 127.0.0.1:" + std::to_string(proxy.port())), std::string::npos) << message;
    EXPECT_NE(message.find("407"), std::string::npos) << message;
    EXPECT_EQ(message.find("wrong-pass"), std::string::npos) << message;
    EXPECT_EQ(message.find("alice"), std::string::npos) << message;
    EXPECT_EQ(server_.requests_served(), 0u);
}

TEST_F(TlsProxy, HangingProxyTimesOutDuringConnect)
{
    TestProxy proxy{TestProxyOptions{.mode = TestProxyMode::hang}};
    set("DOWNLOAD_TIMEOUT", 1);
    const auto start = std::chrono::steady_clock::now();
    auto result = fetch(through(server_.url("/bytes/3"), proxy.url()));
    EXPECT_TRUE(is_timeout(error_of(result))) << result.error().what();
    EXPECT_LT(seconds_since(start), 10.0);
    EXPECT_EQ(downloader().stats().connections_active, 0u);
}

// Records the pages it gets; follows nothing.
class PagesSpider final : public Spider {
public:
    explicit PagesSpider(std::vector<std::string> urls)
    {
        name = "pages";
        start_urls = std::move(urls);
    }
    Callback parse(Response response) override
    {
        seen_.with([&](std::set<std::string>& urls) { urls.insert(response.url()); });
        co_return;
    }
    std::set<std::string> urls()
    {
        return seen_.with([](std::set<std::string>& urls) { return urls; });
    }

private:
    Guarded<std::set<std::string>> seen_;
};

struct PoolCrawl {
    std::unique_ptr<Crawler> crawler;
    PagesSpider* spider = nullptr;
};

PoolCrawl pool_crawl(const TestServer& server, int pages, const std::vector<const TestProxy*>& proxies,
                     std::initializer_list<std::pair<std::string_view, boost::json::value>> values = {})
{
    std::vector<std::string> urls;
    for (int i = 0; i < pages; ++i) {
        urls.push_back(server.url("/page/" + std::to_string(i)));
    }
    boost::json::array pool;
    for (const auto* proxy : proxies) {
        pool.emplace_back(proxy->url());
    }
    Settings settings;
    settings.set("LOG_LEVEL", "WARNING", SettingPriority::project);
    settings.set("ROBOTSTXT_OBEY", false, SettingPriority::project);
    settings.set("PROXY_POOL", std::move(pool), SettingPriority::project);
    for (const auto& [name, value] : values) {
        settings.set(name, value, SettingPriority::project);
    }
    auto spider = std::make_unique<PagesSpider>(std::move(urls));
    PoolCrawl crawl;
    crawl.spider = spider.get();
    crawl.crawler = std::make_unique<Crawler>(std::move(spider), std::move(settings));
    return crawl;
}

// crawl(), forced closed with reason "stuck" if it has not finished after `limit`.
std::string crawl_within(Crawler& crawler, std::chrono::seconds limit)
{
    std::promise<std::string> reason;
    auto finished = reason.get_future();
    std::thread runner([&] { reason.set_value(crawler.crawl()); });
    if (finished.wait_for(limit) != std::future_status::ready) {
        crawler.close_spider("stuck");
        crawler.close_spider("stuck");
    }
    runner.join();
    return finished.get();
}

std::string name_of(const TestProxy& proxy) { return "127.0.0.1:" + std::to_string(proxy.port()); }

double stat(Crawler& crawler, const std::string& key) { return crawler.stats().get_number(key, 0); }

TEST(ProxyPoolCrawl, ThreeProxiesShareTheLoadAndTheBannedOneIsBenched)
{
    TestServer server{TestServerOptions{.site_pages = 30}};
    TestProxy good1;
    TestProxy banned{TestProxyOptions{.mode = TestProxyMode::banned}};
    TestProxy good2;
    auto crawl = pool_crawl(server, 30, {&good1, &banned, &good2});
    EXPECT_EQ(crawl_within(*crawl.crawler, std::chrono::seconds{60}), "finished");
    EXPECT_EQ(crawl.spider->urls().size(), 30u);
    auto& crawler = *crawl.crawler;
    EXPECT_GE(stat(crawler, "proxy_pool/" + name_of(banned) + "/bans"), 1);
    EXPECT_EQ(stat(crawler, "proxy_pool/" + name_of(good1) + "/bans"), 0);
    EXPECT_EQ(stat(crawler, "proxy_pool/" + name_of(good2) + "/bans"), 0);
    // Benched after its first answers: it saw at most the first round's share.
    EXPECT_LE(banned.requests_served(), 8u);
    EXPECT_GE(good1.requests_served(), 8u);
    EXPECT_GE(good2.requests_served(), 8u);
    EXPECT_EQ(good1.requests_served() + good2.requests_served(), 30u);
    EXPECT_EQ(stat(crawler, "proxy_pool/retries"), banned.requests_served());
}

TEST(ProxyPoolCrawl, AllProxiesBannedEndsTheCrawlWithAClearError)
{
    TestServer server{TestServerOptions{.site_pages = 10}};
    TestProxy first{TestProxyOptions{.mode = TestProxyMode::banned}};
    TestProxy second{TestProxyOptions{.mode = TestProxyMode::banned, .ban_status = 200, .ban_body = "solve the captcha"}};
    auto crawl = pool_crawl(server, 10, {&first, &second},
                            {{"PROXY_POOL_BENCH_SECS", 60}, {"PROXY_POOL_MAX_WAIT_SECS", 1},
                             {"PROXY_POOL_BAN_MARKERS", boost::json::array{"captcha"}}});
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(crawl_within(*crawl.crawler, std::chrono::seconds{30}), "proxy_pool_exhausted");
    EXPECT_LT(seconds_since(start), 15.0);
    EXPECT_TRUE(crawl.spider->urls().empty());
    auto error = crawl.crawler->stats().get_value("proxy_pool/error");
    ASSERT_TRUE(error.has_value());
    const std::string message(error->as_string());
    EXPECT_NE(message.find("all 2 proxies benched for"), std::string::npos) << message;
    EXPECT_NE(message.find(name_of(first) + ": status 403"), std::string::npos) << message;
    EXPECT_NE(message.find(name_of(second) + ": body contains \"captcha\""), std::string::npos) << message;
    EXPECT_EQ(server.requests_served(), 0u);
}

TEST(ProxyPoolCrawl, HangingProxyTimesOutFreesTheSlotAndTheCrawlGoesOn)
{
    TestServer server{TestServerOptions{.site_pages = 6}};
    TestProxy hanging{TestProxyOptions{.mode = TestProxyMode::hang}};
    TestProxy good;
    // One place per host: a slot the hanging proxy kept would stop the crawl.
    auto crawl = pool_crawl(server, 6, {&hanging, &good},
                            {{"DOWNLOAD_TIMEOUT", 1}, {"CONCURRENT_REQUESTS_PER_DOMAIN", 1}});
    EXPECT_EQ(crawl_within(*crawl.crawler, std::chrono::seconds{60}), "finished");
    EXPECT_EQ(crawl.spider->urls().size(), 6u);
    EXPECT_EQ(stat(*crawl.crawler, "proxy_pool/" + name_of(hanging) + "/bans"), 1);
    EXPECT_EQ(hanging.requests_served(), 1u);
    EXPECT_EQ(good.requests_served(), 6u);
}

} // namespace
} // namespace trawl::testing
