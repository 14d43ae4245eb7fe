// Cancelling a waiter, and shutting the resolver down with queries pending.

#include "resolver_test_fixture.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>

#include <memory>
#include <optional>

namespace trawl::detail::test {
namespace {

using namespace net::experimental::awaitable_operators;

TEST_F(ResolverTest, TimerWinsOverASlowAnswer)
{
    dns_.add_record("slow.test", "10.0.0.1");
    dns_.add_record("other.test", "10.0.0.2");
    dns_.set_delay(300ms);
    Resolver resolver{context_.get_executor(), options()};

    run([&]() -> net::awaitable<void> {
        auto start = std::chrono::steady_clock::now();
        auto winner = co_await (resolver.resolve("slow.test") || sleep_for(30ms));
        EXPECT_EQ(winner.index(), 1u);
        EXPECT_LT(std::chrono::steady_clock::now() - start, 250ms);

        // The query went on without its waiter: this joins it.
        auto later = co_await resolver.resolve("slow.test");
        EXPECT_TRUE(later);
        EXPECT_EQ(resolver.stats().queries, 1u);
        auto other = co_await resolver.resolve("other.test");
        EXPECT_TRUE(other);
    }());

    EXPECT_EQ(resolver.stats().queries, 2u);
}

TEST_F(ResolverTest, CancellationSlotAbortsOnlyThatWaiter)
{
    dns_.add_record("slow.test", "10.0.0.1");
    dns_.set_delay(300ms);
    Resolver resolver{context_.get_executor(), options()};
    net::cancellation_signal signal;
    std::optional<Result> cancelled;
    std::optional<Result> patient;

    net::co_spawn(context_, resolver.resolve("slow.test"),
                  net::bind_cancellation_slot(signal.slot(), [&](std::exception_ptr e, Result r) {
                      EXPECT_FALSE(e);
                      cancelled = std::move(r);
                  }));
    net::co_spawn(context_, resolver.resolve("slow.test"), [&](std::exception_ptr e, Result r) {
        EXPECT_FALSE(e);
        patient = std::move(r);
    });
    net::steady_timer timer{context_, 30ms};
    timer.async_wait([&](boost::system::error_code) {
        EXPECT_FALSE(cancelled);
        signal.emit(net::cancellation_type::terminal);
    });
    run_all();

    ASSERT_TRUE(cancelled);
    ASSERT_FALSE(*cancelled);
    EXPECT_EQ(cancelled->error(), net::error::operation_aborted);
    ASSERT_TRUE(patient);
    ASSERT_TRUE(*patient) << patient->error().message();
    EXPECT_EQ(**patient, ips({"10.0.0.1"}));
    EXPECT_EQ(resolver.stats().queries, 1u);
}

TEST_F(ResolverTest, ShutdownFailsPendingQueries)
{
    dns_.ignore_name("silent.test");
    dns_.add_record("late.test", "10.0.0.1");
    Resolver resolver{context_.get_executor(), options()};  // 2 s timeout
    std::vector<Result> results;

    auto start = std::chrono::steady_clock::now();
    for (const char* name : {"silent.test", "silent.test", "late.test"}) {
        net::co_spawn(context_, resolver.resolve(name), [&](std::exception_ptr e, Result r) {
            EXPECT_FALSE(e);
            results.push_back(std::move(r));
        });
    }
    dns_.set_delay(1000ms);
    net::steady_timer timer{context_, 50ms};
    timer.async_wait([&](boost::system::error_code) { resolver.shutdown(); });
    run_all();

    EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
    ASSERT_EQ(results.size(), 3u);
    for (const auto& result : results) {
        EXPECT_EQ(result.error(), net::error::operation_aborted);
    }
    EXPECT_EQ(resolver.stats().failures, 0u);

    auto after = run(resolver.resolve("late.test"));
    EXPECT_EQ(after.error(), net::error::operation_aborted);
    auto numeric = run(resolver.resolve("10.0.0.7"));
    EXPECT_TRUE(numeric);
}

TEST_F(ResolverTest, DestroyingTheResolverFailsItsWaiters)
{
    dns_.ignore_name("silent.test");
    auto resolver = std::make_unique<Resolver>(context_.get_executor(), options());
    std::optional<Result> result;

    net::co_spawn(context_, resolver->resolve("silent.test"), [&](std::exception_ptr e, Result r) {
        EXPECT_FALSE(e);
        result = std::move(r);
    });
    net::steady_timer timer{context_, 50ms};
    timer.async_wait([&](boost::system::error_code) { resolver.reset(); });
    run_all();

    ASSERT_TRUE(result);
    EXPECT_EQ(result->error(), net::error::operation_aborted);
}

TEST_F(ResolverTest, ShutdownWorksWhenTheLoopIsNotRunning)
{
    dns_.ignore_name("silent.test");
    auto resolver = std::make_unique<Resolver>(context_.get_executor(), options());
    std::optional<Result> result;

    net::co_spawn(context_, resolver->resolve("silent.test"), [&](std::exception_ptr e, Result r) {
        EXPECT_FALSE(e);
        result = std::move(r);
    });
    context_.poll();  // runs until the query is sent and the waiter waits
    ASSERT_FALSE(result);
    EXPECT_EQ(resolver->stats().queries, 1u);

    resolver->shutdown();
    resolver.reset();
    run_all();  // only the waiter's wake-up is left

    ASSERT_TRUE(result);
    EXPECT_EQ(result->error(), net::error::operation_aborted);
}

TEST_F(ResolverTest, LoopDestroyedWithAWaiterPending)
{
    dns_.ignore_name("silent.test");
    bool completed = false;
    {
        net::io_context context;
        auto resolver = std::make_unique<Resolver>(context.get_executor(), options());
        net::co_spawn(context, resolver->resolve("silent.test"),
                      [&](std::exception_ptr, Result) { completed = true; });
        context.poll();
        resolver.reset();
        // The context goes with the waiter's coroutine still suspended.
    }
    EXPECT_FALSE(completed);
}

} // namespace
} // namespace trawl::detail::test
