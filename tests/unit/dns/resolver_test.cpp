// The resolver's answers and errors, against the stub DNS server.

#include "resolver_test_fixture.hpp"

#include <boost/asio/ip/udp.hpp>

#include <stdexcept>

namespace trawl::detail::test {
namespace {

TEST_F(ResolverTest, ReturnsIpv4BeforeIpv6WithoutDuplicates)
{
    dns_.add_record("dual.test", "2001:db8::1");
    dns_.add_record("dual.test", "10.0.0.2");
    dns_.add_record("dual.test", "::1");
    dns_.add_record("dual.test", "10.0.0.1");
    dns_.add_record("dual.test", "10.0.0.2");
    Resolver resolver{context_.get_executor(), options()};

    auto result = run(resolver.resolve("dual.test"));

    ASSERT_TRUE(result) << result.error().message();
    EXPECT_EQ(*result, ips({"10.0.0.2", "10.0.0.1", "2001:db8::1", "::1"}));
    EXPECT_EQ(resolver.stats().lookups, 1u);
    EXPECT_EQ(resolver.stats().queries, 1u);
    EXPECT_EQ(resolver.stats().failures, 0u);
}

TEST_F(ResolverTest, ResolvesANameWithOnlyIpv6)
{
    dns_.add_record("six.test", "2001:db8::6");  // its A query gets NODATA
    Resolver resolver{context_.get_executor(), options()};

    auto result = run(resolver.resolve("six.test"));

    ASSERT_TRUE(result) << result.error().message();
    EXPECT_EQ(*result, ips({"2001:db8::6"}));
}

TEST_F(ResolverTest, NamesAreCaseInsensitive)
{
    dns_.add_record("mixed.test", "10.0.0.9");
    Resolver resolver{context_.get_executor(), options()};

    auto result = run(resolver.resolve("MiXeD.TeSt"));

    ASSERT_TRUE(result) << result.error().message();
    EXPECT_EQ(*result, ips({"10.0.0.9"}));
}

TEST_F(ResolverTest, NumericHostsAreReturnedWithoutAQuery)
{
    Resolver resolver{context_.get_executor(), options()};

    auto results = run([&]() -> net::awaitable<std::vector<Result>> {
        std::vector<Result> out;
        for (const char* host : {"127.0.0.1", "::1", "[::1]", "[2001:db8::5]"}) {
            out.push_back(co_await resolver.resolve(host));
        }
        co_return out;
    }());

    ASSERT_EQ(results.size(), 4u);
    EXPECT_EQ(results[0].value(), ips({"127.0.0.1"}));
    EXPECT_EQ(results[1].value(), ips({"::1"}));
    EXPECT_EQ(results[2].value(), ips({"::1"}));
    EXPECT_EQ(results[3].value(), ips({"2001:db8::5"}));
    EXPECT_EQ(resolver.stats().lookups, 0u);
    EXPECT_EQ(resolver.stats().queries, 0u);
    EXPECT_EQ(dns_.queries_received(), 0u);
}

TEST_F(ResolverTest, LocalhostIsAnsweredWithoutTheServer)
{
    // RFC 6761: the loopback, whatever /etc/hosts says (or whether it
    // exists: a minimal container may have none).
    Resolver resolver{context_.get_executor(), options()};

    for (const char* name : {"localhost", "LocalHost.", "app.localhost"}) {
        auto result = run(resolver.resolve(name));
        ASSERT_TRUE(result) << name << ": " << result.error().message();
        ASSERT_EQ(result->size(), 2u) << name;
        EXPECT_TRUE(result->front().is_v4() && result->front().is_loopback()) << name;
        EXPECT_TRUE(result->back().is_v6() && result->back().is_loopback()) << name;
    }
    EXPECT_EQ(dns_.queries_received(), 0u);
    EXPECT_EQ(resolver.stats().queries, 0u);
}

TEST_F(ResolverTest, BracketsAroundANameAreABadName)
{
    Resolver resolver{context_.get_executor(), options()};

    auto result = run(resolver.resolve("[example.test]"));

    ASSERT_FALSE(result);
    EXPECT_EQ(result.error(), trawl::errc::dns_failure);
    EXPECT_EQ(dns_.queries_received(), 0u);
}

TEST_F(ResolverTest, UnknownNameIsNotFound)
{
    Resolver resolver{context_.get_executor(), options()};

    auto result = run(resolver.resolve("nowhere.test"));

    ASSERT_FALSE(result);
    EXPECT_EQ(result.error(), trawl::errc::dns_not_found);
    EXPECT_EQ(resolver.stats().failures, 1u);
    EXPECT_GT(dns_.queries_received(), 0u);
}

TEST_F(ResolverTest, ServerFailureIsADnsFailure)
{
    dns_.add_record("broken.test", "10.0.0.1");
    dns_.fail_name("broken.test");
    Resolver resolver{context_.get_executor(), options()};

    auto result = run(resolver.resolve("broken.test"));

    ASSERT_FALSE(result);
    EXPECT_EQ(result.error(), trawl::errc::dns_failure);
    EXPECT_EQ(resolver.stats().failures, 1u);
}

TEST_F(ResolverTest, SilentServerTimesOutAsADnsFailure)
{
    dns_.ignore_name("silent.test");
    auto opts = options();
    opts.timeout = 200ms;
    opts.tries = 1;
    Resolver resolver{context_.get_executor(), opts};

    auto start = std::chrono::steady_clock::now();
    auto result = run(resolver.resolve("silent.test"));
    auto elapsed = std::chrono::steady_clock::now() - start;

    ASSERT_FALSE(result);
    EXPECT_EQ(result.error(), trawl::errc::dns_failure);
    EXPECT_GE(elapsed, 150ms);
    EXPECT_LT(elapsed, 2s);
}

TEST_F(ResolverTest, RetriesUpToTriesBeforeTimingOut)
{
    dns_.ignore_name("silent.test");
    auto opts = options();
    opts.timeout = 100ms;
    opts.tries = 3;
    Resolver resolver{context_.get_executor(), opts};

    auto result = run(resolver.resolve("silent.test"));

    ASSERT_FALSE(result);
    EXPECT_EQ(result.error(), trawl::errc::dns_failure);
    // A and AAAA, each sent three times.
    EXPECT_EQ(dns_.queries_received(), 6u);
}

TEST_F(ResolverTest, KeepsServingAfterATimeout)
{
    dns_.ignore_name("silent.test");
    dns_.add_record("fine.test", "10.0.0.3");
    auto opts = options();
    opts.timeout = 100ms;
    Resolver resolver{context_.get_executor(), opts};

    auto results = run([&]() -> net::awaitable<std::vector<Result>> {
        std::vector<Result> out;
        out.push_back(co_await resolver.resolve("silent.test"));
        out.push_back(co_await resolver.resolve("fine.test"));
        co_return out;
    }());

    EXPECT_EQ(results[0].error(), trawl::errc::dns_failure);
    ASSERT_TRUE(results[1]) << results[1].error().message();
    EXPECT_EQ(*results[1], ips({"10.0.0.3"}));
}

TEST_F(ResolverTest, AnswerTooLargeForUdpComesOverTcp)
{
    Addresses expected;
    for (int i = 0; i < 40; ++i) {  // 40 A records: 670 bytes
        auto ip = "10.2.0." + std::to_string(i);
        dns_.add_record("big.test", ip);
        expected.push_back(net::ip::make_address(ip));
    }
    dns_.add_record("big.test", "2001:db8::b");
    expected.push_back(net::ip::make_address("2001:db8::b"));
    Resolver resolver{context_.get_executor(), options()};

    auto result = run(resolver.resolve("big.test"));

    ASSERT_TRUE(result) << result.error().message();
    EXPECT_EQ(*result, expected);
    EXPECT_EQ(dns_.queries_received(), 3u);  // A and AAAA over UDP, A again over TCP
}

TEST_F(ResolverTest, RefusedConnectionIsADnsFailure)
{
    std::uint16_t closed_port = 0;
    {
        net::ip::udp::socket probe{context_, {net::ip::address_v4::loopback(), 0}};
        closed_port = probe.local_endpoint().port();
    }
    auto opts = options();
    opts.servers = {"127.0.0.1:" + std::to_string(closed_port)};
    // Each try reopens the socket c-ares closed on the error. (The error
    // can also surface on another query's send, leaving a query to time out:
    // keep the timeout short.)
    opts.tries = 3;
    opts.timeout = 100ms;
    Resolver resolver{context_.get_executor(), opts};

    auto result = run(resolver.resolve("refused.test"));

    ASSERT_FALSE(result);
    EXPECT_EQ(result.error(), trawl::errc::dns_failure);

    // The resolver survives the sockets c-ares closed under it.
    auto again = run(resolver.resolve("refused.test"));
    EXPECT_EQ(again.error(), trawl::errc::dns_failure);
}

TEST_F(ResolverTest, BadServerAddressIsAConfigurationError)
{
    auto opts = options();
    opts.servers = {"not an address"};
    EXPECT_THROW(Resolver(context_.get_executor(), opts), std::invalid_argument);
}

TEST_F(ResolverTest, BadTimeoutOrTriesIsAConfigurationError)
{
    auto opts = options();
    opts.timeout = 0ms;
    EXPECT_THROW(Resolver(context_.get_executor(), opts), std::invalid_argument);
    opts = options();
    opts.tries = 0;
    EXPECT_THROW(Resolver(context_.get_executor(), opts), std::invalid_argument);
}

} // namespace
} // namespace trawl::detail::test
