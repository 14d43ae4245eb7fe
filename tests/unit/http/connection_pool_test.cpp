#include "http/connection_pool.hpp"
#include "support/run_coro.hpp"

#include <trawl/error.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>

#include <gtest/gtest.h>

#include <optional>
#include <thread>

namespace trawl::detail {
namespace {

namespace net = boost::asio;
using testing::run_coro;
using Clock = std::chrono::steady_clock;

class Pool : public ::testing::Test {
protected:
    std::unique_ptr<Connection> make_connection(std::string key)
    {
        auto connection = std::make_unique<Connection>();
        connection->key = std::move(key);
        connection->plain = std::make_unique<boost::beast::tcp_stream>(loop_);
        return connection;
    }
    auto far() { return Clock::now() + std::chrono::seconds{10}; }

    net::io_context loop_{1};
};

TEST_F(Pool, AKeptConnectionIsHandedOutAgain)
{
    ConnectionPool pool{loop_.get_executor(), {.max_per_key = 2, .max_total = 10}};
    auto first = run_coro(loop_, pool.acquire("a", far()));
    ASSERT_TRUE(first);
    EXPECT_EQ(first->connection(), nullptr);  // nothing idle yet: open one
    first->set_connection(make_connection("a"));
    Connection* raw = first->connection();
    first->keep_alive();
    EXPECT_EQ(pool.idle_connections(), 1u);
    EXPECT_EQ(pool.active_connections(), 0u);

    auto second = run_coro(loop_, pool.acquire("a", far()));
    ASSERT_TRUE(second);
    EXPECT_EQ(second->connection(), raw);
    auto other = run_coro(loop_, pool.acquire("b", far()));
    ASSERT_TRUE(other);
    EXPECT_EQ(other->connection(), nullptr);  // keys never share
}

TEST_F(Pool, DestroyingALeaseFreesTheSlot)
{
    ConnectionPool pool{loop_.get_executor(), {.max_per_key = 1, .max_total = 10}};
    {
        auto lease = run_coro(loop_, pool.acquire("a", far()));
        ASSERT_TRUE(lease);
        lease->set_connection(make_connection("a"));
        EXPECT_EQ(pool.active_connections(), 1u);
    }
    EXPECT_EQ(pool.active_connections(), 0u);
    EXPECT_EQ(pool.open_connections(), 0u);  // a dropped lease's connection is closed
}

TEST_F(Pool, WaitersAreServedInOrderWhenTheCapIsReached)
{
    ConnectionPool pool{loop_.get_executor(), {.max_per_key = 1, .max_total = 10}};
    std::optional<boost::system::result<PoolLease>> holder{run_coro(loop_, pool.acquire("a", far()))};
    ASSERT_TRUE(*holder);
    std::vector<int> order;
    auto waiter = [&](int id) -> net::awaitable<void> {
        auto lease = co_await pool.acquire("a", far());
        EXPECT_TRUE(lease);
        order.push_back(id);
    };
    auto f1 = net::co_spawn(loop_, waiter(1), net::use_future);
    auto f2 = net::co_spawn(loop_, waiter(2), net::use_future);
    loop_.restart();
    loop_.poll();
    EXPECT_TRUE(order.empty());  // both wait for the holder
    holder.reset();  // release
    loop_.restart();
    loop_.run();
    f1.get();
    f2.get();
    EXPECT_EQ(order, (std::vector<int>{1, 2}));
    EXPECT_EQ(pool.active_connections(), 0u);
}

TEST_F(Pool, WaitingEndsAtTheDeadline)
{
    ConnectionPool pool{loop_.get_executor(), {.max_per_key = 1, .max_total = 10}};
    auto holder = run_coro(loop_, pool.acquire("a", far()));
    ASSERT_TRUE(holder);
    auto late = run_coro(loop_, pool.acquire("a", Clock::now() + std::chrono::milliseconds{50}));
    ASSERT_FALSE(late);
    EXPECT_EQ(late.error(), errc::timed_out);
    EXPECT_EQ(pool.active_connections(), 1u);
}

TEST_F(Pool, TheTotalCapEvictsIdleConnectionsOfOtherKeys)
{
    ConnectionPool pool{loop_.get_executor(), {.max_per_key = 5, .max_total = 2}};
    for (std::string key : {"a", "b"}) {
        auto lease = run_coro(loop_, pool.acquire(key, far()));
        ASSERT_TRUE(lease);
        lease->set_connection(make_connection(key));
        lease->keep_alive();
    }
    EXPECT_EQ(pool.idle_connections(), 2u);
    auto c = run_coro(loop_, pool.acquire("c", far()));
    ASSERT_TRUE(c);  // made room by closing an idle one
    EXPECT_EQ(pool.open_connections(), 2u);
    EXPECT_EQ(pool.idle_connections(), 1u);
}

TEST_F(Pool, IdleConnectionsExpire)
{
    ConnectionPool pool{loop_.get_executor(),
                        {.max_per_key = 5, .max_total = 5, .idle_timeout = std::chrono::milliseconds{0}}};
    auto lease = run_coro(loop_, pool.acquire("a", far()));
    ASSERT_TRUE(lease);
    lease->set_connection(make_connection("a"));
    lease->keep_alive();
    // The sweep runs at most once a second; a second later the idle one is gone.
    std::this_thread::sleep_for(std::chrono::milliseconds{1100});
    auto again = run_coro(loop_, pool.acquire("a", far()));
    ASSERT_TRUE(again);
    EXPECT_EQ(again->connection(), nullptr);
}

TEST_F(Pool, ClosingFailsWaitersAndRefusesNewLeases)
{
    ConnectionPool pool{loop_.get_executor(), {.max_per_key = 1, .max_total = 10}};
    auto holder = run_coro(loop_, pool.acquire("a", far()));
    ASSERT_TRUE(holder);
    auto waiting = net::co_spawn(loop_, pool.acquire("a", far()), net::use_future);
    loop_.restart();
    loop_.poll();
    pool.close();
    loop_.restart();
    loop_.run();
    auto result = waiting.get();
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error(), net::error::operation_aborted);
    EXPECT_FALSE(run_coro(loop_, pool.acquire("b", far())));
}

} // namespace
} // namespace trawl::detail
