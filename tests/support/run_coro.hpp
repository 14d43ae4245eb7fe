#pragma once
// Runs one coroutine to completion on a test's own io_context and returns
// its result (rethrowing its exception): the tests' bridge from synchronous
// GoogleTest bodies to the framework's awaitables.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

namespace trawl::testing {

template <class T>
T run_coro(boost::asio::io_context& context, boost::asio::awaitable<T> coroutine)
{
    auto future = boost::asio::co_spawn(context, std::move(coroutine), boost::asio::use_future);
    context.restart();
    context.run();
    return future.get();
}

} // namespace trawl::testing
