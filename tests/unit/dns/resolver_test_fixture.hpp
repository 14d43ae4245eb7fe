#pragma once
// Shared by the resolver tests: a stub DNS server, an io_context run on the
// test thread, and options that send every name to the stub.

#include "dns/resolver.hpp"
#include "support/stub_dns_server.hpp"

#include <trawl/error.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

namespace trawl::detail::test {

namespace net = boost::asio;
using namespace std::chrono_literals;
using Addresses = std::vector<net::ip::address>;
using Result = boost::system::result<Addresses>;

inline Addresses ips(std::initializer_list<const char*> texts)
{
    Addresses out;
    for (const char* text : texts) {
        out.push_back(net::ip::make_address(text));
    }
    return out;
}

inline net::awaitable<void> sleep_for(std::chrono::milliseconds duration)
{
    net::steady_timer timer{co_await net::this_coro::executor, duration};
    co_await timer.async_wait(net::use_awaitable);
}

class ResolverTest : public ::testing::Test {
protected:
    ResolverOptions options() const
    {
        ResolverOptions o;
        o.servers = {dns_.address()};
        o.use_hosts_file = false;
        o.timeout = 2000ms;
        o.tries = 1;
        return o;
    }

    // Runs `task` to completion on the test thread's own event loop.
    template <typename T>
    T run(net::awaitable<T> task)
    {
        auto future = net::co_spawn(context_, std::move(task), net::use_future);
        run_all();
        return future.get();
    }

    // Runs the loop until it has nothing left to do.
    void run_all()
    {
        context_.restart();  // it stopped when an earlier run ran out of work
        context_.run();
    }

    net::io_context context_;
    trawl::testing::StubDnsServer dns_;
};

} // namespace trawl::detail::test
