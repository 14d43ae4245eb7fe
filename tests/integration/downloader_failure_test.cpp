// Hostile and broken servers: every failure ends that request with its own
// error code and a message saying where, frees its connection slot, and
// leaves the downloader working.

#include "downloader_fixture.hpp"

#include <trawl/error.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_future.hpp>

namespace trawl::testing {
namespace {

namespace net = boost::asio;

class Failures : public DownloaderTest {
protected:
    void TearDown() override
    {
        if (downloader_) {
            EXPECT_EQ(downloader().stats().connections_active, 0u) << "a failed download kept its slot";
            // The downloader still works after whatever the test did.
            auto result = fetch(server_.url("/bytes/2"));
            EXPECT_TRUE(result) << result.error().what();
        }
    }
    TestServer server_;
};

TEST_F(Failures, ConnectionRefused)
{
    // A port that was free a moment ago: nothing listens there now.
    std::uint16_t port;
    {
        net::io_context context;
        net::ip::tcp::acceptor acceptor{context, {net::ip::make_address("127.0.0.1"), 0}};
        port = acceptor.local_endpoint().port();
    }
    auto result = fetch("http://127.0.0.1:" + std::to_string(port) + "/");
    EXPECT_EQ(error_of(result), errc::connection_refused);
    EXPECT_EQ(result.error().message, "connect to 127.0.0.1:" + std::to_string(port) + ": connection refused");
}

TEST_F(Failures, PartialBody)
{
    auto result = fetch(server_.url("/partial?size=10000&send=4000"));
    EXPECT_EQ(error_of(result), errc::partial_message);
    EXPECT_NE(result.error().message.find("read body from 127.0.0.1:"), std::string::npos) << result.error().message;
}

TEST_F(Failures, ResetMidBody)
{
    auto result = fetch(server_.url("/reset?after=2000"));
    EXPECT_EQ(error_of(result), errc::connection_reset);
}

TEST_F(Failures, DroppedWithoutAnswer)
{
    auto result = fetch(server_.url("/drop"));
    EXPECT_EQ(error_of(result), errc::connection_reset);
    EXPECT_NE(result.error().message.find("read response head"), std::string::npos) << result.error().message;
}

TEST_F(Failures, NotHttpAtAll)
{
    auto result = fetch(server_.url("/garbage"));
    EXPECT_EQ(error_of(result), errc::bad_response);
}

TEST_F(Failures, HugeHeadersOverTheLimit)
{
    set("DOWNLOAD_MAX_HEADER_SIZE", 64 * 1024);
    EXPECT_EQ(error_of(fetch(server_.url("/huge-headers?kb=100"))), errc::header_too_large);
    auto fits = fetch(server_.url("/huge-headers?kb=16"));
    ASSERT_TRUE(fits) << fits.error().what();
    EXPECT_EQ(fits->status(), 200);
}

TEST_F(Failures, ReadTimeoutWhenTheServerStalls)
{
    set("DOWNLOAD_READ_TIMEOUT", 0.3);
    const auto start = std::chrono::steady_clock::now();
    auto result = fetch(server_.url("/stall"));
    EXPECT_EQ(error_of(result), errc::read_timeout);
    EXPECT_GE(seconds_since(start), 0.25);
    EXPECT_LT(seconds_since(start), 1.5);
}

TEST_F(Failures, TotalTimeoutWhenTheServerTrickles)
{
    // Each chunk comes well within the read timeout, but all of them take 5 s.
    set("DOWNLOAD_TIMEOUT", 0.5);
    const auto start = std::chrono::steady_clock::now();
    auto result = fetch(server_.url("/slow?chunks=50&interval=100"));
    EXPECT_EQ(error_of(result), errc::timed_out);
    EXPECT_LT(seconds_since(start), 1.5);
}

TEST_F(Failures, MetaDownloadTimeoutOverridesTheSetting)
{
    Request request{server_.url("/delay/3000")};
    request.meta["download_timeout"] = 0.2;
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(error_of(fetch(request)), errc::timed_out);
    EXPECT_LT(seconds_since(start), 1.0);
}

TEST_F(Failures, InvalidUrls)
{
    EXPECT_EQ(error_of(fetch("http://")), errc::invalid_url);
    EXPECT_EQ(error_of(fetch("not a url")), errc::invalid_url);
    EXPECT_EQ(error_of(fetch("http://127.0.0.1:99999/")), errc::invalid_url);
    EXPECT_EQ(error_of(fetch("http://exa mple.com/")), errc::invalid_url);
    EXPECT_EQ(error_of(fetch("ftp://127.0.0.1/")), errc::unsupported_scheme);
    auto result = fetch("gopher://127.0.0.1/");
    EXPECT_EQ(error_of(result), errc::unsupported_scheme);
    EXPECT_EQ(result.error().message, "no download handler for scheme 'gopher'");
}

TEST_F(Failures, CancellingADownloadFreesItsSlot)
{
    net::cancellation_signal cancel;
    auto future = net::co_spawn(loop_, downloader().fetch(Request{server_.url("/stall")}),
                                net::bind_cancellation_slot(cancel.slot(), net::use_future));
    net::steady_timer timer{loop_, std::chrono::milliseconds{100}};
    timer.async_wait([&](boost::system::error_code) { cancel.emit(net::cancellation_type::terminal); });
    const auto start = std::chrono::steady_clock::now();
    loop_.restart();
    loop_.run();
    EXPECT_LT(seconds_since(start), 1.0);
    try {
        auto result = future.get();
        EXPECT_EQ(error_of(result), errc::cancelled);
    } catch (const boost::system::system_error& e) {
        EXPECT_EQ(e.code(), net::error::operation_aborted);  // also an acceptable way to end
    }
}

TEST_F(Failures, ManyFailuresAtOnceDoNotDisturbGoodRequests)
{
    set("DOWNLOAD_READ_TIMEOUT", 0.5);
    std::vector<Request> requests;
    for (int i = 0; i < 20; ++i) {
        requests.emplace_back(server_.url(i % 2 ? "/drop" : "/partial?size=1000&send=10"));
        requests.emplace_back(server_.url("/bytes/" + std::to_string(i + 1)));
    }
    auto results = fetch_all(std::move(requests));
    for (std::size_t i = 0; i < results.size(); ++i) {
        if (i % 2 == 0) {
            EXPECT_FALSE(results[i]);
        } else {
            ASSERT_TRUE(results[i]) << results[i].error().what();
            EXPECT_EQ(results[i]->body().size(), i / 2 + 1);
        }
    }
}

} // namespace
} // namespace trawl::testing
