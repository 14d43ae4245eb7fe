// The engine's lifecycle and flow control: errbacks for refused responses,
// extensions scheduling on spider_idle, backpressure on items and on bytes
// waiting to be parsed, and real SIGINTs.

#include "support/test_server.hpp"

#include <trawl/components.hpp>
#include <trawl/crawler.hpp>
#include <trawl/error.hpp>
#include <trawl/spider.hpp>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <thread>

namespace trawl::testing {
namespace {

using namespace std::chrono_literals;

Settings quiet(std::initializer_list<std::pair<std::string_view, boost::json::value>> values = {})
{
    Settings settings;
    settings.set("LOG_LEVEL", "WARNING", SettingPriority::project);
    for (const auto& [name, value] : values) {
        settings.set(name, value, SettingPriority::project);
    }
    return settings;
}

// One request to `url` with an errback; records what the errback saw.
class ErrbackSpider final : public Spider {
public:
    ErrbackSpider(std::string url, bool rethrow) : url_(std::move(url)), rethrow_(rethrow)
    {
        name = "errback";
        errback("on_error", &ErrbackSpider::on_error);
    }
    Generator<Request> start_requests() override
    {
        Request request{url_};
        request.errback = "on_error";
        co_yield std::move(request);
    }
    Callback parse(Response) override
    {
        ++parsed;
        co_return;
    }
    Callback on_error(Failure failure)
    {
        code = failure.error.code;
        status = failure.response ? failure.response->status() : 0;
        if (rethrow_) {
            std::rethrow_exception(failure.exception);
        }
        Item item{"failure"};
        item["url"] = failure.request.url;
        co_yield std::move(item);
    }

    std::atomic<int> parsed{0};
    std::atomic<int> status{0};
    boost::system::error_code code;

private:
    std::string url_;
    bool rethrow_;
};

TEST(EngineLifecycle, ARefusedStatusGoesToTheErrbackWithTheResponse)
{
    TestServer server;
    auto spider = std::make_unique<ErrbackSpider>(server.url("/status/404"), false);
    auto* errbacks = spider.get();
    Crawler crawler{std::move(spider), quiet()};
    EXPECT_EQ(crawler.crawl(), "finished");
    EXPECT_EQ(errbacks->parsed.load(), 0);
    EXPECT_EQ(errbacks->status.load(), 404);
    EXPECT_EQ(errbacks->code, errc::http_status);
    EXPECT_EQ(crawler.stats().get_number("item_scraped_count"), 1);  // the errback's output is used
    // Handled by the errback: the httperror middleware never sees it.
    EXPECT_EQ(crawler.stats().get_number("httperror/response_ignored_count"), 0);
}

TEST(EngineLifecycle, AnErrbackThatRethrowsLeavesItToTheHttpErrorMiddleware)
{
    TestServer server;
    auto spider = std::make_unique<ErrbackSpider>(server.url("/status/500"), true);
    auto* errbacks = spider.get();
    Crawler crawler{std::move(spider), quiet({{"RETRY_ENABLED", false}})};
    EXPECT_EQ(crawler.crawl(), "finished");
    EXPECT_EQ(errbacks->status.load(), 500);
    EXPECT_EQ(crawler.stats().get_number("httperror/response_ignored_count"), 1);
    EXPECT_EQ(crawler.stats().get_number("httperror/response_ignored_status_count/500"), 1);
    EXPECT_EQ(crawler.stats().get_number("spider_exceptions_count"), 0);
}

// Yields one item per page; crawls its start URLs and whatever is fed to it.
class FedSpider final : public Spider {
public:
    explicit FedSpider(std::vector<std::string> urls = {})
    {
        name = "fed";
        start_urls = std::move(urls);
    }
    Callback parse(Response response) override
    {
        Item page{"page"};
        page["url"] = response.url();
        co_yield std::move(page);
    }
};

TEST(EngineLifecycle, SpiderIdleHandlersCanScheduleMoreWork)
{
    TestServer server;
    Crawler crawler{std::make_unique<FedSpider>(), quiet()};
    int fed = 0;
    int idles = 0;
    crawler.signals().connect<SpiderIdle>([&](const SpiderIdle&) {
        ++idles;
        if (fed < 3) {
            crawler.schedule(Request{server.url("/bytes/" + std::to_string(++fed))});
        }
    });
    EXPECT_EQ(crawler.crawl(), "finished");
    EXPECT_EQ(crawler.stats().get_number("item_scraped_count"), 3);
    EXPECT_EQ(idles, 4);  // three refills, then the idle that closes
}

TEST(EngineLifecycle, KeepOpenWaitsForWorkScheduledFromAnotherThread)
{
    TestServer server;
    Crawler crawler{std::make_unique<FedSpider>(), quiet()};
    std::atomic<bool> delivered{false};
    std::thread producer;
    crawler.signals().connect<SpiderIdle>([&](const SpiderIdle& idle) {
        if (!producer.joinable()) {
            // As a Redis-fed crawl does: nothing yet, but more will come.
            producer = std::thread([&] {
                std::this_thread::sleep_for(100ms);
                crawler.schedule(Request{server.url("/bytes/7")});
                delivered = true;
            });
        }
        if (!delivered) {
            idle.keep_open = true;
        }
    });
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(crawler.crawl(), "finished");
    producer.join();
    EXPECT_EQ(crawler.stats().get_number("item_scraped_count"), 1);
    // Woken by the schedule, not by the 5 s re-check.
    EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
}

// schedule() and close_spider() are safe from any thread, also while the
// crawl is ending: a call either reaches the engine, is ignored (closing,
// ended) or, once crawl() has returned, throws that no crawl is running.
// A thread that keeps calling must not keep the crawl from ending. (Under
// ASan, a call reaching a destroyed engine would be reported.)
TEST(EngineLifecycle, CallsFromAnotherThreadMayRaceTheEndOfTheCrawl)
{
    TestServer server;
    const auto url = server.url("/bytes/3");
    constexpr int call_limit = 300000;  // the crawl ends long before
    for (int round = 0; round < 20; ++round) {
        Crawler crawler{std::make_unique<FedSpider>(std::vector<std::string>{url}), quiet()};
        std::atomic<bool> crawling{true};
        int calls = 0;
        std::thread caller([&] {
            // Until well after crawl() has returned.
            for (int after = 0; after < 200 && calls < call_limit; after += crawling ? 0 : 1) {
                try {
                    crawler.schedule(Request{url + "?n=" + std::to_string(calls)});
                    if (++calls % 50 == 0) {
                        crawler.close_spider("enough");
                    }
                } catch (const std::logic_error&) {
                    ++calls;  // no crawl running: before it starts or after it ended
                }
            }
        });
        const auto reason = crawler.crawl();
        crawling = false;
        caller.join();
        EXPECT_TRUE(reason == "enough" || reason == "finished") << reason;
        ASSERT_LT(calls, call_limit) << "the crawl ended only when the other thread stopped calling";
        EXPECT_THROW(crawler.schedule(Request{url}), std::logic_error);
    }
}

TEST(EngineLifecycle, ScheduleWithoutARunningCrawlIsAProgrammerError)
{
    Crawler crawler{std::make_unique<FedSpider>(), quiet()};
    EXPECT_THROW(crawler.schedule(Request{"http://127.0.0.1/"}), std::logic_error);
}

// Yields `count` items from its one page.
class ManyItemsSpider final : public Spider {
public:
    ManyItemsSpider(std::string url, int count) : count_(count)
    {
        name = "many";
        start_urls = {std::move(url)};
    }
    Callback parse(Response) override
    {
        for (int i = 0; i < count_; ++i) {
            Item item{"n"};
            item["i"] = i;
            co_yield std::move(item);
        }
    }

private:
    int count_;
};

// Takes a while per item and records how many items it held at once.
class SlowPipeline final : public ItemPipeline {
public:
    SlowPipeline(std::atomic<int>& active, std::atomic<int>& peak) : active_(active), peak_(peak) {}
    boost::asio::awaitable<ItemAction> process_item(Item item, Spider&) override
    {
        const int now = ++active_;
        for (int seen = peak_.load(); now > seen && !peak_.compare_exchange_weak(seen, now);) {
        }
        boost::asio::steady_timer timer{co_await boost::asio::this_coro::executor, 2ms};
        co_await timer.async_wait(boost::asio::use_awaitable);
        --active_;
        co_return item;
    }

private:
    std::atomic<int>& active_;
    std::atomic<int>& peak_;
};

int peak_items_in_pipelines(int concurrent_items)
{
    TestServer server;
    Crawler crawler{std::make_unique<ManyItemsSpider>(server.url("/bytes/10"), 40),
                    quiet({{"CONCURRENT_ITEMS", concurrent_items}})};
    std::atomic<int> active{0};
    std::atomic<int> peak{0};
    crawler.components().add_pipeline("slow", [&](Crawler&) { return std::make_unique<SlowPipeline>(active, peak); });
    crawler.settings().set("ITEM_PIPELINES", boost::json::object{{"slow", 100}}, SettingPriority::project);
    EXPECT_EQ(crawler.crawl(), "finished");
    EXPECT_EQ(crawler.stats().get_number("item_scraped_count"), 40);
    return peak.load();
}

TEST(EngineLifecycle, ConcurrentItemsCapsItemsInThePipelines)
{
    EXPECT_EQ(peak_items_in_pipelines(3), 3);
    EXPECT_GT(peak_items_in_pipelines(100), 3);  // the cap, not the pipeline, held it at 3
}

// Each callback stays busy a while; a downloader middleware notes every
// download that starts while a callback holds its response's bytes.
struct ParseWatch {
    std::atomic<int> parsing{0};
    std::atomic<int> started_while_parsing{0};
};

class SlowParseSpider final : public Spider {
public:
    SlowParseSpider(std::vector<std::string> urls, ParseWatch& watch) : watch_(watch)
    {
        name = "slowparse";
        start_urls = std::move(urls);
    }
    Callback parse(Response) override
    {
        ++watch_.parsing;
        co_await sleep(20ms);
        --watch_.parsing;
    }

private:
    ParseWatch& watch_;
};

class WatchMiddleware final : public DownloaderMiddleware {
public:
    explicit WatchMiddleware(ParseWatch& watch) : watch_(watch) {}
    HookSet hooks() const override { return static_cast<HookSet>(Hook::request); }
    boost::asio::awaitable<RequestAction> process_request(Request&) override
    {
        if (watch_.parsing > 0) {
            ++watch_.started_while_parsing;
        }
        co_return Continue{};
    }

private:
    ParseWatch& watch_;
};

int downloads_started_while_parsing(std::int64_t max_active_size)
{
    TestServer server;
    std::vector<std::string> urls;
    for (int i = 0; i < 12; ++i) {
        urls.push_back(server.url("/bytes/" + std::to_string(1000 + i)));
    }
    ParseWatch watch;
    Crawler crawler{std::make_unique<SlowParseSpider>(urls, watch),
                    quiet({{"SCRAPER_SLOT_MAX_ACTIVE_SIZE", max_active_size}, {"CONCURRENT_REQUESTS", 1}})};
    crawler.components().add_downloader_middleware(
        "watch", [&](Crawler&) { return std::make_unique<WatchMiddleware>(watch); });
    crawler.settings().set("DOWNLOADER_MIDDLEWARES", boost::json::object{{"watch", 1000}}, SettingPriority::project);
    EXPECT_EQ(crawler.crawl(), "finished");
    EXPECT_EQ(crawler.stats().get_number("response_received_count"), 12);
    return watch.started_while_parsing.load();
}

TEST(EngineLifecycle, BytesWaitingToBeParsedHoldNewDownloadsBack)
{
    // One byte of room: while any response is being parsed, nothing new starts.
    EXPECT_EQ(downloads_started_while_parsing(1), 0);
    EXPECT_GT(downloads_started_while_parsing(5'000'000), 0);
}

// Sends the process a real SIGINT from the crawl's loop once the first
// response has arrived; `twice` sends a second one right after.
void interrupt_on_first_response(Crawler& crawler, bool twice)
{
    auto sent = std::make_shared<bool>(false);
    crawler.signals().connect<ResponseReceived>([&crawler, sent, twice](const ResponseReceived&) {
        if (std::exchange(*sent, true)) {
            return;
        }
        boost::asio::post(crawler.executor(), [twice] {
            std::raise(SIGINT);
            if (twice) {
                std::raise(SIGINT);
            }
        });
    });
}

TEST(EngineLifecycle, SigintStopsSchedulingAndFinishesWhatIsInFlight)
{
    TestServer server{TestServerOptions{.threads = 4}};
    std::vector<std::string> urls{server.url("/bytes/1")};
    for (int i = 0; i < 3; ++i) {
        urls.push_back(server.url("/delay/300?n=" + std::to_string(i)));
    }
    for (int i = 0; i < 50; ++i) {
        urls.push_back(server.url("/bytes/" + std::to_string(100 + i)));
    }
    // First in, first out: the first four are the ones in flight.
    Crawler crawler{std::make_unique<FedSpider>(urls),
                    quiet({{"CONCURRENT_REQUESTS", 4}, {"SCHEDULER_MEMORY_QUEUE", "fifo"}})};
    int slow_pages = 0;
    crawler.signals().connect<ResponseReceived>([&](const ResponseReceived& received) {
        slow_pages += received.response.url().find("/delay/") != std::string::npos;
    });
    interrupt_on_first_response(crawler, false);
    EXPECT_EQ(crawler.crawl(), "shutdown");
    // The three slow pages were in flight and finished, and so was the page
    // that may have taken the first one's slot before the signal arrived;
    // nothing else started.
    EXPECT_EQ(slow_pages, 3);
    const auto received = crawler.stats().get_number("response_received_count");
    EXPECT_GE(received, 4);
    EXPECT_LE(received, 5);
    EXPECT_EQ(crawler.stats().get_number("item_scraped_count"), received);
}

TEST(EngineLifecycle, ASecondSigintCancelsInFlightWork)
{
    TestServer server{TestServerOptions{.threads = 4}};
    std::vector<std::string> urls{server.url("/bytes/1")};
    for (int i = 0; i < 3; ++i) {
        urls.push_back(server.url("/delay/5000?n=" + std::to_string(i)));
    }
    Crawler crawler{std::make_unique<FedSpider>(urls), quiet({{"CONCURRENT_REQUESTS", 4}})};
    interrupt_on_first_response(crawler, true);
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(crawler.crawl(), "shutdown");
    EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
    EXPECT_EQ(crawler.stats().get_number("response_received_count"), 1);
}

} // namespace
} // namespace trawl::testing
