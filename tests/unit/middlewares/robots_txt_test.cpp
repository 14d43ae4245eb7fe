#include "downloader/meta_values.hpp"
#include "downloader/robots_txt.hpp"
#include "support/manual_clock.hpp"
#include "middleware_test_support.hpp"

#include <builtin_middlewares.hpp>

#include <trawl/components.hpp>
#include <trawl/error.hpp>
#include <trawl/robots_txt.hpp>
#include <trawl/slots.hpp>

#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>

#include <gtest/gtest.h>

#include <deque>
#include <future>
#include <map>
#include <stdexcept>

namespace trawl::test {
namespace {

namespace net = boost::asio;
using middlewares::RobotsTxtMiddleware;
using namespace std::chrono_literals;

using trawl::testing::ManualClock;

class FakeSlots final : public SlotControl {
public:
    duration delay(std::string_view key) const override
    {
        auto it = floors.find(std::string(key));
        return std::max(base_delay, it == floors.end() ? duration::zero() : it->second);
    }
    void set_delay(std::string_view, duration) override {}
    void set_delay_floor(std::string_view key, duration floor) override
    {
        auto& kept = floors[std::string(key)];
        kept = std::max(kept, floor);
    }
    std::size_t concurrency(std::string_view) const override { return 8; }
    void set_concurrency(std::string_view, std::size_t) override {}

    duration base_delay{0};
    std::map<std::string, duration> floors;
};

// Stands in for Crawler::download: records each robots.txt request and
// answers with the next queued result, after letting the other coroutines
// on the loop run (so that they find the fetch under way).
struct FakeFetch {
    std::vector<Request> requests;
    std::deque<DownloadResult> answers;
    bool throw_next = false;

    static net::awaitable<DownloadResult> answer(FakeFetch* self, Request request)
    {
        self->requests.push_back(request);
        co_await net::post(co_await net::this_coro::executor, net::use_awaitable);
        if (self->throw_next) {
            self->throw_next = false;
            throw std::runtime_error("download blew up");
        }
        if (self->answers.empty()) {
            throw std::logic_error("no answer queued for " + request.url);
        }
        DownloadResult result = std::move(self->answers.front());
        self->answers.pop_front();
        co_return result;
    }
    RobotsTxtMiddleware::Fetch function()
    {
        return [this](Request request) { return answer(this, std::move(request)); };
    }
};

DownloadResult robots_response(const std::string& url, int status, std::string body = {})
{
    return make_response(url, status, Request{url}, {}, std::move(body));
}

DownloadResult robots_failure(const std::string& url, errc code)
{
    return DownloadError{make_error_code(code), "connect to example.com:80: it failed", url};
}

struct Fixture {
    explicit Fixture(SettingList settings = {{"ROBOTSTXT_OBEY", true}})
        : crawler(make_crawler(settings)), mw(RobotsTxtMiddleware::from_crawler(*crawler))
    {
        crawler->set_clock(clock);
        mw->set_fetch_for_test(fetch.function());
        mw->set_slots_for_test(&slots);
    }
    double stat(std::string_view key) { return test::stat(*crawler, key); }

    ManualClock clock;
    FakeFetch fetch;
    FakeSlots slots;
    std::unique_ptr<Crawler> crawler;
    std::unique_ptr<RobotsTxtMiddleware> mw;
};

net::awaitable<RequestAction> check(RobotsTxtMiddleware* mw, Request request)
{
    co_return co_await mw->process_request(request);
}

// Runs process_request for each URL concurrently on one loop, in order.
std::vector<RequestAction> check_all(RobotsTxtMiddleware& mw, const std::vector<std::string>& urls)
{
    net::io_context context;
    std::vector<std::future<RequestAction>> futures;
    for (const auto& url : urls) {
        futures.push_back(net::co_spawn(context, check(&mw, Request{url}), net::use_future));
    }
    context.run();
    std::vector<RequestAction> actions;
    for (auto& f : futures) {
        actions.push_back(f.get());
    }
    return actions;
}

RequestAction check_one(RobotsTxtMiddleware& mw, Request request)
{
    return run(check(&mw, std::move(request)));
}

bool passes(const RequestAction& action) { return std::holds_alternative<Continue>(action); }
bool forbidden(const RequestAction& action)
{
    const auto* ignore = std::get_if<Ignore>(&action);
    return ignore && ignore->reason == "robotstxt/forbidden";
}

constexpr std::string_view private_rules = "User-agent: *\nDisallow: /private/\n";

TEST(RobotsTxtTest, NotConfiguredUnlessRobotstxtObey)
{
    auto crawler = make_crawler();
    EXPECT_THROW(RobotsTxtMiddleware::from_crawler(*crawler), NotConfigured);
    auto obeying = make_crawler({{"ROBOTSTXT_OBEY", true}});
    auto mw = RobotsTxtMiddleware::from_crawler(*obeying);
    EXPECT_EQ(mw->hooks(), static_cast<HookSet>(Hook::request));
}

TEST(RobotsTxtTest, RegisteredAsRobotstxt)
{
    auto crawler = make_crawler({{"DOWNLOADER_MIDDLEWARES_BASE", boost::json::parse(R"({"robotstxt": 100})")},
                                 {"ROBOTSTXT_OBEY", true}});
    Components components;
    register_builtin_middlewares(components);
    auto built = components.build_downloader_middlewares(*crawler);
    ASSERT_EQ(built.size(), 1U);
    EXPECT_EQ(built[0].name, "robotstxt");
}

TEST(RobotsTxtTest, DontObeyMetaAndNonHttpUrlsPassWithoutAFetch)
{
    Fixture f;
    Request exempt{"http://example.com/private/a"};
    exempt.meta["dont_obey_robotstxt"] = true;
    EXPECT_TRUE(passes(check_one(*f.mw, exempt)));
    EXPECT_TRUE(passes(check_one(*f.mw, Request{"data:text/plain,hi"})));
    EXPECT_TRUE(passes(check_one(*f.mw, Request{"file:///etc/passwd"})));
    EXPECT_TRUE(f.fetch.requests.empty());
    EXPECT_EQ(f.stat("robotstxt/request_count"), 0);
}

TEST(RobotsTxtTest, OneFetchPerOriginWhileOthersWait)
{
    LogCapture log;
    Fixture f;
    f.fetch.answers.push_back(robots_response("http://example.com/robots.txt", 200, std::string(private_rules)));
    f.fetch.answers.push_back(
        robots_response("http://example.com:8080/robots.txt", 200, "User-agent: *\nDisallow: /\n"));
    auto actions = check_all(*f.mw, {"http://example.com/a", "http://example.com/private/b", "http://EXAMPLE.com/c#x",
                                     "http://example.com:8080/a", "http://example.com/private/d"});
    ASSERT_EQ(f.fetch.requests.size(), 2U);  // per origin: the port makes another one
    EXPECT_TRUE(passes(actions[0]));
    EXPECT_TRUE(forbidden(actions[1]));
    EXPECT_TRUE(passes(actions[2]));
    EXPECT_TRUE(forbidden(actions[3]));
    EXPECT_TRUE(forbidden(actions[4]));

    const auto& robots = f.fetch.requests[0];
    EXPECT_EQ(robots.url, "http://example.com/robots.txt");
    EXPECT_EQ(robots.method, "GET");
    EXPECT_EQ(robots.priority, 1000);
    EXPECT_TRUE(middlewares::meta_flag(robots.meta, "dont_obey_robotstxt"));
    EXPECT_TRUE(middlewares::meta_flag(robots.meta, "allow_offsite"));
    EXPECT_EQ(f.fetch.requests[1].url, "http://example.com:8080/robots.txt");

    // Cached for the crawl.
    EXPECT_TRUE(forbidden(check_one(*f.mw, Request{"http://example.com/private/e"})));
    EXPECT_EQ(f.fetch.requests.size(), 2U);
    EXPECT_EQ(f.stat("robotstxt/request_count"), 2);
    EXPECT_EQ(f.stat("robotstxt/response_count"), 2);
    EXPECT_EQ(f.stat("robotstxt/response_status_count/200"), 2);
    EXPECT_EQ(f.stat("robotstxt/forbidden"), 4);
    EXPECT_EQ(log.count("Forbidden by robots.txt: <GET http://example.com/private/b>", spdlog::level::debug), 1U);
}

TEST(RobotsTxtTest, VerdictFollowsRfc9309)
{
    const std::string url = "http://example.com/robots.txt";
    const std::string page = "http://example.com/page";
    auto allows = [&](const DownloadResult& result) {
        auto verdict = RobotsTxtMiddleware::verdict_for(result);
        return verdict.robots->allowed(page, "trawl") && !verdict.temporary;
    };
    auto disallows_for_now = [&](const DownloadResult& result) {
        auto verdict = RobotsTxtMiddleware::verdict_for(result);
        return !verdict.robots->allowed(page, "trawl") && verdict.robots->allowed(url, "trawl") &&
               verdict.temporary;
    };
    for (int status : {400, 401, 403, 404, 410, 429, 499, 301, 304}) {
        EXPECT_TRUE(allows(robots_response(url, status, "User-agent: *\nDisallow: /\n"))) << status;
    }
    for (int status : {500, 502, 503, 504, 599, 600, 999, 100}) {
        EXPECT_TRUE(disallows_for_now(robots_response(url, status, "User-agent: *\nAllow: /\n"))) << status;
    }
    for (errc code : {errc::timed_out, errc::connection_refused, errc::dns_not_found, errc::tls_handshake,
                      errc::body_too_large}) {
        EXPECT_TRUE(disallows_for_now(robots_failure(url, code))) << make_error_code(code).message();
    }
    EXPECT_TRUE(allows(robots_failure(url, errc::cancelled)));  // ignored by a middleware, as Scrapy
    EXPECT_TRUE(allows(robots_response(url, 200, "")));
    EXPECT_FALSE(allows(robots_response(url, 204, "User-agent: *\nDisallow: /page\n")));
}

TEST(RobotsTxtTest, BadBodiesAreJustParsed)
{
    const std::string url = "http://example.com/robots.txt";
    std::string binary;
    for (int i = 0; i < 70000; ++i) {
        binary.push_back(static_cast<char>((i * 7919 + 13) % 256));
    }
    const std::string html = "<!DOCTYPE html><html><head><title>Not found</title></head><body><p>User-agent: "
                             "* is not here</p><a href=\"/\">Disallow: nothing</a></body></html>";
    std::string huge = std::string(private_rules) + std::string(600 * 1024, '#') + "\nDisallow: /\n";
    for (const auto& body : {binary, html}) {
        auto verdict = RobotsTxtMiddleware::verdict_for(robots_response(url, 200, body));
        EXPECT_TRUE(verdict.robots->allowed("http://example.com/a", "trawl"));
        EXPECT_FALSE(verdict.temporary);
    }
    auto verdict = RobotsTxtMiddleware::verdict_for(robots_response(url, 200, huge));
    EXPECT_TRUE(verdict.robots->allowed("http://example.com/a", "trawl"));  // past 500 KiB: not read
    EXPECT_FALSE(verdict.robots->allowed("http://example.com/private/a", "trawl"));
}

TEST(RobotsTxtTest, ServerErrorDisallowsUntilFetchedAgainAfterTheInterval)
{
    LogCapture log;
    Fixture f{SettingList{{"ROBOTSTXT_OBEY", true}, {"ROBOTSTXT_RETRY_INTERVAL", 30}}};
    const std::string url = "http://example.com/robots.txt";
    f.fetch.answers.push_back(robots_response(url, 503));
    EXPECT_TRUE(forbidden(check_one(*f.mw, Request{"http://example.com/a"})));
    EXPECT_EQ(log.count("answered 503", spdlog::level::warn), 1U);
    f.clock.advance(29s);
    EXPECT_TRUE(forbidden(check_one(*f.mw, Request{"http://example.com/b"})));
    EXPECT_EQ(f.fetch.requests.size(), 1U);

    f.clock.advance(1s);
    f.fetch.answers.push_back(robots_failure(url, errc::connection_refused));
    EXPECT_TRUE(forbidden(check_one(*f.mw, Request{"http://example.com/c"})));
    EXPECT_EQ(f.fetch.requests.size(), 2U);
    EXPECT_EQ(f.stat("robotstxt/exception_count/connection_refused"), 1);
    EXPECT_EQ(log.count("Error downloading <GET http://example.com/robots.txt>", spdlog::level::err), 1U);

    f.clock.advance(30s);
    f.fetch.answers.push_back(robots_response(url, 200, std::string(private_rules)));
    auto actions = check_all(*f.mw, {"http://example.com/d", "http://example.com/private/e", "http://example.com/f"});
    EXPECT_EQ(f.fetch.requests.size(), 3U);  // the waiters used the new answer
    EXPECT_TRUE(passes(actions[0]));
    EXPECT_TRUE(forbidden(actions[1]));
    EXPECT_TRUE(passes(actions[2]));

    f.clock.advance(1h);  // a good answer is kept for the crawl
    EXPECT_TRUE(passes(check_one(*f.mw, Request{"http://example.com/g"})));
    EXPECT_EQ(f.fetch.requests.size(), 3U);
    EXPECT_EQ(f.stat("robotstxt/retry_count"), 2);
    EXPECT_EQ(f.stat("robotstxt/request_count"), 3);
    EXPECT_EQ(f.stat("robotstxt/response_count"), 2);
    EXPECT_EQ(f.stat("robotstxt/response_status_count/503"), 1);
    EXPECT_EQ(f.stat("robotstxt/forbidden"), 4);
}

TEST(RobotsTxtTest, NotFoundAllowsEverything)
{
    Fixture f;
    f.fetch.answers.push_back(robots_response("http://example.com/robots.txt", 404, "not found"));
    auto actions = check_all(*f.mw, {"http://example.com/private/a", "http://example.com/"});
    EXPECT_TRUE(passes(actions[0]));
    EXPECT_TRUE(passes(actions[1]));
    f.clock.advance(1h);
    EXPECT_TRUE(passes(check_one(*f.mw, Request{"http://example.com/b"})));
    EXPECT_EQ(f.fetch.requests.size(), 1U);
    EXPECT_EQ(f.stat("robotstxt/response_status_count/404"), 1);
}

TEST(RobotsTxtTest, AnAbandonedFetchIsTakenOverByAWaiter)
{
    Fixture f;
    f.fetch.throw_next = true;
    f.fetch.answers.push_back(robots_response("http://example.com/robots.txt", 200, std::string(private_rules)));
    net::io_context context;
    auto first = net::co_spawn(context, check(f.mw.get(), Request{"http://example.com/a"}), net::use_future);
    auto second = net::co_spawn(context, check(f.mw.get(), Request{"http://example.com/private/b"}), net::use_future);
    context.run();
    EXPECT_THROW(first.get(), std::runtime_error);
    EXPECT_TRUE(forbidden(second.get()));
    EXPECT_EQ(f.fetch.requests.size(), 2U);
}

TEST(RobotsTxtTest, UserAgentChoosesTheGroup)
{
    const std::string rules = "User-agent: mybot\nDisallow: /\n\nUser-agent: *\nDisallow: /private/\n";
    {
        Fixture f;  // USER_AGENT "trawl/0.1 (...)": the * group
        f.fetch.answers.push_back(robots_response("http://example.com/robots.txt", 200, rules));
        EXPECT_TRUE(passes(check_one(*f.mw, Request{"http://example.com/a"})));
        Request named{"http://example.com/b"};
        named.headers.set("User-Agent", "MyBot/2.0 (+https://x)");
        EXPECT_TRUE(forbidden(check_one(*f.mw, named)));
    }
    {
        Fixture f{SettingList{{"ROBOTSTXT_OBEY", true}, {"ROBOTSTXT_USER_AGENT", "mybot"}}};
        f.fetch.answers.push_back(robots_response("http://example.com/robots.txt", 200, rules));
        Request other{"http://example.com/a"};
        other.headers.set("User-Agent", "otherbot");  // ROBOTSTXT_USER_AGENT wins
        EXPECT_TRUE(forbidden(check_one(*f.mw, other)));
    }
    {
        Fixture f{SettingList{{"ROBOTSTXT_OBEY", true}, {"USER_AGENT", "MyBot/1.0"}}};
        f.fetch.answers.push_back(robots_response("http://example.com/robots.txt", 200, rules));
        EXPECT_TRUE(forbidden(check_one(*f.mw, Request{"http://example.com/a"})));
    }
}

TEST(RobotsTxtTest, WarnsAboutAnAgentRobotsTxtCannotName)
{
    LogCapture log;
    auto crawler = make_crawler({{"ROBOTSTXT_OBEY", true}, {"ROBOTSTXT_USER_AGENT", "Rule1Bot/1.0"}});
    auto mw = RobotsTxtMiddleware::from_crawler(*crawler);
    EXPECT_EQ(log.count("product token 'Rule1Bot' cannot name a robots.txt group", spdlog::level::warn), 1U);
}

TEST(RobotsTxtTest, CrawlDelaySetsTheSlotFloorAndSpacesTheRequestsThatWaited)
{
    LogCapture log;
    Fixture f;
    f.fetch.answers.push_back(robots_response("http://example.com/robots.txt", 200,
                                              "User-agent: *\nCrawl-delay: 2.5\nDisallow: /private/\n"));
    auto actions = check_all(*f.mw, {"http://example.com/a", "http://example.com/b", "http://example.com/private/c"});
    EXPECT_EQ(f.slots.floors["example.com"], 2500ms);
    // Both entered the slot before it had the delay: back to the scheduler.
    for (int i : {0, 1}) {
        const auto* again = std::get_if<Reschedule>(&actions[static_cast<std::size_t>(i)]);
        ASSERT_NE(again, nullptr) << i;
        EXPECT_TRUE(again->request.dont_filter);
    }
    EXPECT_EQ(std::get<Reschedule>(actions[1]).request.url, "http://example.com/b");
    EXPECT_TRUE(forbidden(actions[2]));
    // Once rescheduled (or arriving later), they go on.
    EXPECT_TRUE(passes(check_one(*f.mw, std::get<Reschedule>(actions[0]).request)));
    EXPECT_TRUE(passes(check_one(*f.mw, Request{"http://example.com/d"})));
    // Another slot of the same origin gets the floor at its first request.
    Request grouped{"http://example.com/e"};
    grouped.meta["download_slot"] = "group";
    EXPECT_TRUE(std::holds_alternative<Reschedule>(check_one(*f.mw, grouped)));
    EXPECT_EQ(f.slots.floors["group"], 2500ms);
    EXPECT_EQ(log.count("Crawl-delay of 2.5 s in http://example.com/robots.txt", spdlog::level::info), 1U);
}

TEST(RobotsTxtTest, CrawlDelayIsCappedAndCanBeTurnedOff)
{
    const std::string hostile = "User-agent: *\nCrawl-delay: 100000\n";
    {
        LogCapture log;
        Fixture f{SettingList{{"ROBOTSTXT_OBEY", true}, {"ROBOTSTXT_MAX_CRAWL_DELAY", 10}}};
        f.fetch.answers.push_back(robots_response("http://example.com/robots.txt", 200, hostile));
        check_one(*f.mw, Request{"http://example.com/a"});
        EXPECT_EQ(f.slots.floors["example.com"], 10s);
        EXPECT_EQ(log.count("capped at 10 s (ROBOTSTXT_MAX_CRAWL_DELAY)", spdlog::level::info), 1U);
    }
    {
        Fixture f{SettingList{{"ROBOTSTXT_OBEY", true}, {"ROBOTSTXT_CRAWL_DELAY", false}}};
        f.fetch.answers.push_back(robots_response("http://example.com/robots.txt", 200, hostile));
        EXPECT_TRUE(passes(check_one(*f.mw, Request{"http://example.com/a"})));
        EXPECT_TRUE(f.slots.floors.empty());
    }
    {
        Fixture f;  // the default cap: 60 s
        f.fetch.answers.push_back(
            robots_response("http://example.com/robots.txt", 200, "User-agent: *\nCrawl-delay: 1e300\n"));
        check_one(*f.mw, Request{"http://example.com/a"});
        EXPECT_EQ(f.slots.floors["example.com"], 60s);
    }
}

TEST(RobotsTxtTest, RequestRateSetsTheSlotFloorAllDay)
{
    LogCapture log;
    Fixture f;
    // The window is ignored: the rate holds at any time of day.
    f.fetch.answers.push_back(
        robots_response("http://example.com/robots.txt", 200, "User-agent: *\nRequest-rate: 3/12s 0100-0200\n"));
    auto actions = check_all(*f.mw, {"http://example.com/a", "http://example.com/b"});
    EXPECT_EQ(f.slots.floors["example.com"], 4s);
    EXPECT_TRUE(std::holds_alternative<Reschedule>(actions[0]));
    EXPECT_TRUE(std::holds_alternative<Reschedule>(actions[1]));
    EXPECT_EQ(log.count("Request-rate of 3/12s (4 s per request) in http://example.com/robots.txt applies to slot "
                        "'example.com'",
                        spdlog::level::info),
              1U);
}

TEST(RobotsTxtTest, TheLongerOfCrawlDelayAndRequestRateHolds)
{
    const std::string both = "User-agent: *\nCrawl-delay: 2\nRequest-rate: 1/10s\n";
    {
        LogCapture log;
        Fixture f;
        f.fetch.answers.push_back(robots_response("http://example.com/robots.txt", 200, both));
        check_one(*f.mw, Request{"http://example.com/a"});
        EXPECT_EQ(f.slots.floors["example.com"], 10s);
        EXPECT_EQ(log.count("Crawl-delay of 2 s and Request-rate of 1/10s (10 s per request) in "
                            "http://example.com/robots.txt applies to slot 'example.com': 10 s, the longer",
                            spdlog::level::info),
                  1U);
    }
    {
        Fixture f;
        f.fetch.answers.push_back(
            robots_response("http://example.com/robots.txt", 200, "User-agent: *\nCrawl-delay: 3\nRequest-rate: 2/1s\n"));
        check_one(*f.mw, Request{"http://example.com/a"});
        EXPECT_EQ(f.slots.floors["example.com"], 3s);
    }
    {
        Fixture f{SettingList{{"ROBOTSTXT_OBEY", true}, {"ROBOTSTXT_REQUEST_RATE", false}}};
        f.fetch.answers.push_back(robots_response("http://example.com/robots.txt", 200, both));
        check_one(*f.mw, Request{"http://example.com/a"});
        EXPECT_EQ(f.slots.floors["example.com"], 2s);
    }
    {
        LogCapture log;
        Fixture f;  // capped by ROBOTSTXT_MAX_CRAWL_DELAY (60 s) too
        f.fetch.answers.push_back(
            robots_response("http://example.com/robots.txt", 200, "User-agent: *\nRequest-rate: 1/1d\n"));
        check_one(*f.mw, Request{"http://example.com/a"});
        EXPECT_EQ(f.slots.floors["example.com"], 60s);
        EXPECT_EQ(log.count("Request-rate of 1/86400s (86400 s per request) in http://example.com/robots.txt capped "
                            "at 60 s (ROBOTSTXT_MAX_CRAWL_DELAY)",
                            spdlog::level::info),
                  1U);
    }
}

TEST(RobotsTxtTest, TheFetchAsksForTheFirst500KiBCutNotFailed)
{
    Fixture f{SettingList{{"ROBOTSTXT_OBEY", true}, {"DOWNLOAD_MAXSIZE", 1000}}};
    f.fetch.answers.push_back(robots_response("http://example.com/robots.txt", 404));
    check_one(*f.mw, Request{"http://example.com/a"});
    ASSERT_EQ(f.fetch.requests.size(), 1U);
    const auto& meta = f.fetch.requests[0].meta;
    ASSERT_TRUE(meta.contains("download_maxsize"));
    EXPECT_EQ(meta.at("download_maxsize").to_number<std::size_t>(), RobotsTxt::max_size + 1);
    EXPECT_TRUE(middlewares::meta_flag(meta, "download_truncate"));
}

TEST(RobotsTxtTest, BadBodiesGetAWarningNamingWhatTheyAre)
{
    const std::string url = "http://example.com/robots.txt";
    auto warnings_for = [&](std::string body, std::string_view expected) {
        LogCapture log;
        Fixture f;
        f.fetch.answers.push_back(robots_response(url, 200, std::move(body)));
        check_one(*f.mw, Request{"http://example.com/private/a"});
        return log.count(expected, spdlog::level::warn);
    };
    std::string binary = std::string(private_rules);
    for (int i = 0; i < 70000; ++i) {
        binary.push_back(static_cast<char>((i * 7919 + 13) % 256));
    }
    EXPECT_EQ(warnings_for(binary, "<GET http://example.com/robots.txt> answered 200 with binary data (70034 bytes), "
                                   "not a robots.txt: read all the same, 1 rules found"),
              1U);
    EXPECT_EQ(warnings_for("\xEF\xBB\xBF  <!DOCTYPE html><html><body>Sign in</body></html>", "with an HTML page"),
              1U);
    std::string huge = std::string(private_rules) + std::string(600 * 1024, '#') + "\nDisallow: /\n";
    EXPECT_EQ(warnings_for(huge, "<GET http://example.com/robots.txt> is larger than 500 KiB (over 512000 bytes): "
                                 "only the 1 rules in the complete lines of its first 500 KiB apply"),
              1U);
    EXPECT_EQ(warnings_for(std::string(private_rules), "robots.txt"), 0U);
}

TEST(RobotsTxtTest, ASlotAlreadySlowerIsNotRescheduled)
{
    Fixture f;
    f.slots.base_delay = 5s;  // DOWNLOAD_DELAY above the Crawl-delay
    f.fetch.answers.push_back(robots_response("http://example.com/robots.txt", 200, "User-agent: *\nCrawl-delay: 1\n"));
    auto actions = check_all(*f.mw, {"http://example.com/a", "http://example.com/b"});
    EXPECT_TRUE(passes(actions[0]));
    EXPECT_TRUE(passes(actions[1]));
    EXPECT_EQ(f.slots.floors["example.com"], 1s);
}

} // namespace
} // namespace trawl::test
