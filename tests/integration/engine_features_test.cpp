// Engine behaviour beyond the basic crawl: forced shutdown, politeness
// delays, built-in middlewares in the loop (retry with backoff, redirects,
// depth), items from described structs, several crawlers in one process.

#include "support/test_server.hpp"

#include <trawl/crawler.hpp>
#include <trawl/spider.hpp>
#include <trawl/spider_middleware.hpp>

#include <boost/describe/class.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

namespace trawl::testing {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// The href="..." values of a test server page, in order.
std::vector<std::string_view> hrefs(std::string_view body)
{
    std::vector<std::string_view> found;
    for (auto at = body.find("href=\""); at != std::string_view::npos; at = body.find("href=\"", at)) {
        at += 6;
        found.push_back(body.substr(at, body.find('"', at) - at));
    }
    return found;
}

// Records the URL of every response its callbacks see; follows the links a
// page lists when `follow` is set.
class RecordingSpider final : public Spider {
public:
    RecordingSpider(std::vector<std::string> urls, bool follow = false) : follow_(follow)
    {
        name = "recording";
        start_urls = std::move(urls);
    }
    Callback parse(Response response) override
    {
        seen.with([&](std::vector<std::string>& urls) { urls.push_back(response.url()); });
        if (!follow_) {
            co_return;
        }
        for (const auto href : hrefs(response.body())) {
            co_yield response.follow(href);
        }
    }
    std::vector<std::string> urls() { return seen.with([](std::vector<std::string>& urls) { return urls; }); }

private:
    Guarded<std::vector<std::string>> seen;
    bool follow_;
};

Settings quiet(std::initializer_list<std::pair<std::string_view, boost::json::value>> values)
{
    Settings settings;
    settings.set("LOG_LEVEL", "WARNING", SettingPriority::project);
    for (const auto& [name, value] : values) {
        settings.set(name, value, SettingPriority::project);
    }
    return settings;
}

TEST(EngineFeatures, ASecondCloseCancelsInFlightWork)
{
    TestServer server;
    std::vector<std::string> urls;
    for (int i = 0; i < 8; ++i) {
        urls.push_back(server.url("/delay/5000?n=" + std::to_string(i)));
    }
    auto spider = std::make_unique<RecordingSpider>(urls);
    auto* recording = spider.get();
    Crawler crawler{std::move(spider), quiet({{"CONCURRENT_REQUESTS", 4}})};
    std::string reason;
    const auto start = Clock::now();
    std::thread runner([&] { reason = crawler.crawl(); });
    std::this_thread::sleep_for(std::chrono::milliseconds{200});
    crawler.close_spider("shutdown");  // graceful: would wait for the 5 s downloads
    crawler.close_spider("shutdown");  // forced: cancels them
    runner.join();
    EXPECT_EQ(reason, "shutdown");
    EXPECT_LT(seconds_since(start), 2.0);
    EXPECT_TRUE(recording->urls().empty());
}

TEST(EngineFeatures, DownloadDelaySpacesRequestsToOneHost)
{
    TestServer server;
    std::vector<std::string> urls;
    for (int i = 0; i < 6; ++i) {
        urls.push_back(server.url("/bytes/" + std::to_string(i + 1)));
    }
    auto spider = std::make_unique<RecordingSpider>(urls);
    auto* recording = spider.get();
    Crawler crawler{std::move(spider),
                    quiet({{"DOWNLOAD_DELAY", 0.1}, {"RANDOMIZE_DOWNLOAD_DELAY", false}})};
    const auto start = Clock::now();
    EXPECT_EQ(crawler.crawl(), "finished");
    EXPECT_EQ(recording->urls().size(), 6u);
    EXPECT_GE(seconds_since(start), 0.5);  // five gaps of 0.1 s between six starts
}

TEST(EngineFeatures, RetriesWithBackoffThenGivesUp)
{
    TestServer server;
    auto spider = std::make_unique<RecordingSpider>(std::vector<std::string>{server.url("/status/503")});
    auto* recording = spider.get();
    Crawler crawler{std::move(spider),
                    quiet({{"RETRY_TIMES", 2}, {"RETRY_BACKOFF_BASE", 0.1}, {"RETRY_BACKOFF_MAX", 1}})};
    const auto start = Clock::now();
    EXPECT_EQ(crawler.crawl(), "finished");
    EXPECT_GE(seconds_since(start), 0.3);  // 0.1 s, then 0.2 s
    EXPECT_EQ(crawler.stats().get_number("retry/count"), 2);
    EXPECT_EQ(crawler.stats().get_number("retry/max_reached"), 1);
    EXPECT_EQ(crawler.stats().get_number("downloader/response_status_count/503"), 3);
    EXPECT_TRUE(recording->urls().empty());  // httperror keeps the 503 from the callback
    EXPECT_EQ(server.requests_served(), 3u);
}

TEST(EngineFeatures, RedirectsAreFollowedToTheFinalPage)
{
    TestServer server;
    auto spider = std::make_unique<RecordingSpider>(std::vector<std::string>{server.url("/redirect-chain/3")});
    auto* recording = spider.get();
    Crawler crawler{std::move(spider), quiet({})};
    EXPECT_EQ(crawler.crawl(), "finished");
    EXPECT_EQ(recording->urls(), std::vector<std::string>{server.url("/redirect-chain/0")});
}

TEST(EngineFeatures, DepthLimitStopsFollowing)
{
    TestServer server;
    auto spider = std::make_unique<RecordingSpider>(std::vector<std::string>{server.url("/links/0?count=3")}, true);
    auto* recording = spider.get();
    Crawler crawler{std::move(spider), quiet({{"DEPTH_LIMIT", 2}})};
    EXPECT_EQ(crawler.crawl(), "finished");
    EXPECT_EQ(recording->urls().size(), 1u + 3u + 9u);  // depths 0, 1 and 2
    EXPECT_EQ(crawler.stats().get_number("request_depth_max"), 2);
}

// Yields every page's links plus three requests seen before: the start
// page, the first child and the page itself.
class RepeatingSpider final : public Spider {
public:
    explicit RepeatingSpider(std::string url)
    {
        name = "repeating";
        start_urls = {std::move(url)};
    }
    Callback parse(Response response) override
    {
        seen.with([&](std::vector<std::string>& urls) { urls.push_back(response.url()); });
        for (const auto href : hrefs(response.body())) {
            co_yield response.follow(href);
        }
        co_yield response.follow(start_urls.front());
        co_yield response.follow("/links/1?count=5");
        co_yield response.follow(response.url());
    }
    std::vector<std::string> urls() { return seen.with([](std::vector<std::string>& urls) { return urls; }); }

private:
    Guarded<std::vector<std::string>> seen;
};

TEST(EngineFeatures, DuplicatesAreDroppedCountedAndSignalledWhereverTheyAreCaught)
{
    // Most duplicates are caught on the parse pool, before the loop; some
    // (two pages yielding the same new URL at once) only by the scheduler.
    // Either way each is counted once and signalled once.
    TestServer server;
    auto spider = std::make_unique<RepeatingSpider>(server.url("/links/0?count=5"));
    auto* repeating = spider.get();
    Crawler crawler{std::move(spider), quiet({{"DEPTH_LIMIT", 2}, {"CONCURRENT_REQUESTS", 8}})};
    int dropped_signals = 0;
    crawler.signals().connect<RequestDropped>([&](const RequestDropped& dropped) {
        EXPECT_EQ(dropped.reason, "duplicate");
        EXPECT_FALSE(dropped.request.url.empty());
        ++dropped_signals;  // on the loop thread
    });
    EXPECT_EQ(crawler.crawl(), "finished");
    auto urls = repeating->urls();
    EXPECT_EQ(urls.size(), 1u + 5u + 25u);
    std::sort(urls.begin(), urls.end());
    EXPECT_EQ(std::adjacent_find(urls.begin(), urls.end()), urls.end()) << "a page was fetched twice";
    // What the 25 pages at depth 2 yield is past the depth limit (dropped
    // before the dupefilter); the 6 above them yield 5 links and 3 repeats
    // each, of which 30 pages are new.
    EXPECT_EQ(crawler.stats().get_number("dupefilter/filtered"), dropped_signals);
    EXPECT_EQ(dropped_signals, 6 * (5 + 3) - 30);
}

// What a spider middleware at 543 (after Depth at 900 and Referer at 700
// in process_spider_output) sees of the requests passing through it.
class WatchingMiddleware final : public SpiderMiddleware {
public:
    struct Counts {
        std::atomic<int> complete{0};
        std::atomic<int> incomplete{0};
    };
    // `counts` outlives the middleware, which the engine destroys at the end.
    WatchingMiddleware(bool reads_details, Counts& counts) : reads_details_(reads_details), counts_(counts) {}
    void process_spider_output(const Response&, std::vector<Output>& output) override
    {
        for (const auto& element : output) {
            if (const auto* request = std::get_if<Request>(&element)) {
                const bool complete = request->headers.contains("Referer") && request->meta.contains("depth");
                ++(complete ? counts_.complete : counts_.incomplete);
            }
        }
    }
    bool needs_completed_requests() const override { return reads_details_; }

private:
    bool reads_details_;
    Counts& counts_;
};

// Records, for each response, whether its request carried a Referer and
// meta "depth" (what the downloader and the callback see).
class DetailSpider final : public Spider {
public:
    explicit DetailSpider(std::string url)
    {
        name = "details";
        start_urls = {std::move(url)};
    }
    Callback parse(Response response) override
    {
        const auto& request = response.request();
        const bool start = request.url == start_urls.front();
        const bool complete = request.headers.contains("Referer") && request.meta.contains("depth");
        if (!start) {
            ++(complete ? complete_ : incomplete_);
        }
        for (const auto href : hrefs(response.body())) {
            co_yield response.follow(href);
        }
        co_yield response.follow(start_urls.front());  // a duplicate from every page
    }

    std::atomic<int> complete_{0};
    std::atomic<int> incomplete_{0};
};

// Referer and meta "depth" are set by complete_requests: on every request
// as it passes when a middleware after them reads requests (one written
// for Scrapy), else only on those the dupefilter keeps, and on dropped
// duplicates only when RequestDropped has a handler.
TEST(EngineFeatures, RefererAndDepthAreSetWhereSomethingCanSeeThem)
{
    for (const bool reads_details : {true, false}) {
        for (const bool watch_dropped : {false, true}) {
            SCOPED_TRACE(::testing::Message() << "reads_details " << reads_details << ", watch_dropped " << watch_dropped);
            TestServer server;
            auto spider = std::make_unique<DetailSpider>(server.url("/links/0?count=4"));
            auto* details = spider.get();
            Crawler crawler{std::move(spider),
                            quiet({{"DEPTH_LIMIT", 2}, {"SPIDER_MIDDLEWARES", boost::json::object{{"watch", 543}}}})};
            WatchingMiddleware::Counts watched;
            crawler.components().add_spider_middleware(
                "watch", [&](Crawler&) { return std::make_unique<WatchingMiddleware>(reads_details, watched); });
            int dropped_complete = 0;
            int dropped_incomplete = 0;
            if (watch_dropped) {
                crawler.signals().connect<RequestDropped>([&](const RequestDropped& dropped) {
                    const bool complete =
                        dropped.request.headers.contains("Referer") && dropped.request.meta.contains("depth");
                    ++(complete ? dropped_complete : dropped_incomplete);
                });
            }
            EXPECT_EQ(crawler.crawl(), "finished");
            // 4 + 16 pages below the start page, each requested with both.
            EXPECT_EQ(details->complete_, 4 + 16);
            EXPECT_EQ(details->incomplete_, 0);
            if (reads_details) {
                EXPECT_GT(watched.complete, 0);
                EXPECT_EQ(watched.incomplete, 0);
            } else {
                EXPECT_EQ(watched.complete, 0);
                EXPECT_GT(watched.incomplete, 0);
            }
            if (watch_dropped) {
                EXPECT_GT(dropped_complete, 0);
                EXPECT_EQ(dropped_incomplete, 0);
            }
        }
    }
}

// A callback that fails on the start page; a middleware turns the error
// into a request for another page, which is completed like any other.
class FailingSpider final : public Spider {
public:
    explicit FailingSpider(std::string url)
    {
        name = "failing";
        start_urls = {std::move(url)};
    }
    Callback parse(Response response) override
    {
        if (response.url() == start_urls.front()) {
            throw std::runtime_error("no luck");
        }
        referer = std::string(response.request().headers.get("Referer").value_or(""));
        const auto& meta = response.request().meta;
        depth = meta.contains("depth") ? meta.at("depth").to_number<int>() : -1;
        co_return;
    }
    std::string referer;
    int depth = 0;
};

class RecoveringMiddleware final : public SpiderMiddleware {
public:
    RecoveringMiddleware(bool reads_details, std::string url) : reads_details_(reads_details), url_(std::move(url)) {}
    std::optional<std::vector<Output>> process_spider_exception(const Response&, std::exception_ptr) override
    {
        std::vector<Output> output;
        output.emplace_back(Request{url_});
        return output;
    }
    bool needs_completed_requests() const override { return reads_details_; }

private:
    bool reads_details_;
    std::string url_;
};

TEST(EngineFeatures, RequestsRecoveredFromAnErrorAreCompleted)
{
    for (const bool reads_details : {true, false}) {
        TestServer server;
        auto spider = std::make_unique<FailingSpider>(server.url("/links/0?count=2"));
        auto* failing = spider.get();
        Crawler crawler{std::move(spider), quiet({{"SPIDER_MIDDLEWARES", boost::json::object{{"recover", 543}}}})};
        crawler.components().add_spider_middleware("recover", [&](Crawler&) {
            return std::make_unique<RecoveringMiddleware>(reads_details, server.url("/links/1?count=2"));
        });
        EXPECT_EQ(crawler.crawl(), "finished");
        EXPECT_EQ(failing->referer, server.url("/links/0?count=2")) << reads_details;
        EXPECT_EQ(failing->depth, 1) << reads_details;
    }
}

struct Book {
    std::string title;
    double price;
    std::vector<std::string> tags;
};
BOOST_DESCRIBE_STRUCT(Book, (), (title, price, tags))

class BookSpider final : public Spider {
public:
    explicit BookSpider(std::string url)
    {
        name = "books";
        start_urls = {std::move(url)};
    }
    Callback parse(Response) override
    {
        Book book{"Dune", 9.5, {"sf", "classic"}};
        co_yield Item::from("book", book);
    }
};

class KeepPipeline final : public ItemPipeline {
public:
    explicit KeepPipeline(std::vector<Item>& items) : items_(items) {}
    boost::asio::awaitable<ItemAction> process_item(Item item, Spider&) override
    {
        items_.push_back(item);  // one pipeline thread: no lock needed
        co_return item;
    }

private:
    std::vector<Item>& items_;
};

TEST(EngineFeatures, DescribedStructsAreItems)
{
    TestServer server;
    std::vector<Item> items;
    Crawler crawler{std::make_unique<BookSpider>(server.url("/bytes/1")), quiet({})};
    crawler.components().add_pipeline("keep", [&](Crawler&) { return std::make_unique<KeepPipeline>(items); });
    crawler.settings().set("ITEM_PIPELINES", boost::json::object{{"keep", 1}}, SettingPriority::project);
    EXPECT_EQ(crawler.crawl(), "finished");
    ASSERT_EQ(items.size(), 1u);
    EXPECT_EQ(items[0].kind(), "book");
    EXPECT_EQ(items[0].fields().at("title"), "Dune");
    EXPECT_EQ(items[0].fields().at("price"), 9.5);
    EXPECT_EQ(items[0].fields().at("tags").as_array().size(), 2u);
}

TEST(EngineFeatures, SeveralCrawlersRunInOneProcess)
{
    TestServer server{TestServerOptions{.site_pages = 300}};
    std::vector<std::size_t> counts(3);
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < counts.size(); ++i) {
        threads.emplace_back([&, i] {
            auto spider = std::make_unique<RecordingSpider>(std::vector<std::string>{server.url("/page/0")}, true);
            spider->allowed_domains = {"127.0.0.1"};
            auto* recording = spider.get();
            Crawler crawler{std::move(spider), quiet({})};
            crawler.crawl();
            counts[i] = recording->urls().size();
        });
    }
    for (auto& t : threads) {
        t.join();
    }
    for (auto count : counts) {
        EXPECT_EQ(count, 300u);
    }
}

} // namespace
} // namespace trawl::testing
