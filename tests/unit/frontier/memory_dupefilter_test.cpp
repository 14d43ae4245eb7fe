#include "frontier/memory_dupefilter.hpp"

#include <support/run_coro.hpp>

#include <gtest/gtest.h>
#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>

#include <memory>

namespace {

using trawl::Request;
using trawl::detail::MemoryDupeFilter;

Request request(std::string url, bool dont_filter = false)
{
    Request r{std::move(url)};
    r.dont_filter = dont_filter;
    return r;
}

// What the engine does: the fingerprint is computed by the caller.
bool seen(MemoryDupeFilter& filter, const Request& r)
{
    return filter.request_seen_now(r, trawl::request_fingerprint(r)).value();
}

// Routes spdlog's default logger to a buffer for the test's lifetime.
class CapturedLog {
public:
    CapturedLog()
        : sink_(std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(100)), previous_(spdlog::default_logger())
    {
        auto logger = std::make_shared<spdlog::logger>("capture", sink_);
        logger->set_level(spdlog::level::debug);
        spdlog::set_default_logger(logger);
    }
    ~CapturedLog() { spdlog::set_default_logger(previous_); }
    std::vector<std::string> lines() { return sink_->last_formatted(); }

private:
    std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> sink_;
    std::shared_ptr<spdlog::logger> previous_;
};

TEST(MemoryDupeFilter, SameUrlTwice)
{
    MemoryDupeFilter filter;
    boost::asio::io_context io;
    const auto r = request("http://example.com/a");
    EXPECT_FALSE(trawl::testing::run_coro(io, filter.request_seen(r, trawl::request_fingerprint(r))));
    EXPECT_TRUE(trawl::testing::run_coro(io, filter.request_seen(r, trawl::request_fingerprint(r))));
    EXPECT_EQ(filter.size(), 1u);
    EXPECT_FALSE(seen(filter, request("http://example.com/b")));
    EXPECT_EQ(filter.size(), 2u);
}

TEST(MemoryDupeFilter, CanonicallyEqualUrlsAreTheSame)
{
    MemoryDupeFilter filter;
    EXPECT_FALSE(seen(filter, request("http://example.com/p?b=1&a=2")));
    EXPECT_TRUE(seen(filter, request("http://example.com/p?a=2&b=1")));
    EXPECT_TRUE(seen(filter, request("http://example.com/p?a=2&b=1#fragment")));
}

TEST(MemoryDupeFilter, MethodAndBodyTellRequestsApart)
{
    MemoryDupeFilter filter;
    auto post = request("http://example.com/form");
    post.method = "POST";
    post.body = "x=1";
    EXPECT_FALSE(seen(filter, request("http://example.com/form")));
    EXPECT_FALSE(seen(filter, post));
    post.body = "x=2";
    EXPECT_FALSE(seen(filter, post));
    EXPECT_EQ(filter.size(), 3u);
}

TEST(MemoryDupeFilter, DontFilterIsRecordedToo)
{
    MemoryDupeFilter filter;
    EXPECT_FALSE(seen(filter, request("http://example.com/", true)));
    EXPECT_TRUE(seen(filter, request("http://example.com/")));
    EXPECT_TRUE(seen(filter, request("http://example.com/", true)));  // the caller decides to keep it
}

TEST(MemoryDupeFilter, LogsOnlyTheFirstDuplicate)
{
    CapturedLog log;
    MemoryDupeFilter filter;
    for (int i = 0; i < 3; ++i) {
        seen(filter, request("http://example.com/"));
    }
    const auto lines = log.lines();
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_NE(lines[0].find("Filtered duplicate request: <GET http://example.com/>"), std::string::npos) << lines[0];
    EXPECT_NE(lines[0].find("DUPEFILTER_DEBUG"), std::string::npos) << lines[0];
}

TEST(MemoryDupeFilter, DebugLogsEveryDuplicateButNotDontFilter)
{
    CapturedLog log;
    MemoryDupeFilter filter{true};
    auto r = request("http://example.com/");
    r.headers.set("Referer", "http://example.com/start");
    for (int i = 0; i < 3; ++i) {
        seen(filter, r);
    }
    seen(filter, request("http://example.com/", true));  // kept by the scheduler: not "filtered"
    const auto lines = log.lines();
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_NE(lines[1].find("(referer: http://example.com/start)"), std::string::npos) << lines[1];
}

} // namespace
