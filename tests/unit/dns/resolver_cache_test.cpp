// The resolver's cache (TTLs, negative answers, LRU) and query coalescing.

#include "resolver_test_fixture.hpp"

namespace trawl::detail::test {
namespace {

TEST_F(ResolverTest, SecondResolveIsACacheHit)
{
    dns_.add_record("cached.test", "10.0.0.1");
    Resolver resolver{context_.get_executor(), options()};

    auto first = run(resolver.resolve("cached.test"));
    auto sent = dns_.queries_received();
    auto second = run(resolver.resolve("CACHED.test"));

    ASSERT_TRUE(first) << first.error().message();
    ASSERT_TRUE(second) << second.error().message();
    EXPECT_EQ(*second, *first);
    EXPECT_EQ(dns_.queries_received(), sent);
    EXPECT_EQ(resolver.stats().lookups, 2u);
    EXPECT_EQ(resolver.stats().cache_hits, 1u);
    EXPECT_EQ(resolver.stats().queries, 1u);
}

TEST_F(ResolverTest, CacheHonoursMaxTtl)
{
    dns_.add_record("short.test", "10.0.0.1", 3600);
    auto opts = options();
    opts.max_ttl = 1s;
    Resolver resolver{context_.get_executor(), opts};

    run([&]() -> net::awaitable<void> {
        EXPECT_TRUE(co_await resolver.resolve("short.test"));
        EXPECT_TRUE(co_await resolver.resolve("short.test"));
        EXPECT_EQ(resolver.stats().queries, 1u);
        co_await sleep_for(1100ms);
        EXPECT_TRUE(co_await resolver.resolve("short.test"));
    }());

    EXPECT_EQ(resolver.stats().cache_hits, 1u);
    EXPECT_EQ(resolver.stats().queries, 2u);
}

TEST_F(ResolverTest, CacheHonoursTheRecordTtl)
{
    dns_.add_record("brief.test", "10.0.0.1", 1);
    dns_.add_record("brief.test", "2001:db8::1", 3600);  // the smallest TTL counts
    Resolver resolver{context_.get_executor(), options()};

    run([&]() -> net::awaitable<void> {
        EXPECT_TRUE(co_await resolver.resolve("brief.test"));
        co_await sleep_for(1100ms);
        EXPECT_TRUE(co_await resolver.resolve("brief.test"));
    }());

    EXPECT_EQ(resolver.stats().cache_hits, 0u);
    EXPECT_EQ(resolver.stats().queries, 2u);
}

TEST_F(ResolverTest, NotFoundIsCachedForNegativeTtl)
{
    auto opts = options();
    opts.negative_ttl = 1s;
    Resolver resolver{context_.get_executor(), opts};

    run([&]() -> net::awaitable<void> {
        auto first = co_await resolver.resolve("nowhere.test");
        auto sent = dns_.queries_received();
        auto second = co_await resolver.resolve("nowhere.test");
        EXPECT_EQ(first.error(), trawl::errc::dns_not_found);
        EXPECT_EQ(second.error(), trawl::errc::dns_not_found);
        EXPECT_EQ(dns_.queries_received(), sent);
        co_await sleep_for(1100ms);
        auto third = co_await resolver.resolve("nowhere.test");
        EXPECT_EQ(third.error(), trawl::errc::dns_not_found);
        EXPECT_GT(dns_.queries_received(), sent);
    }());

    EXPECT_EQ(resolver.stats().cache_hits, 1u);
    EXPECT_EQ(resolver.stats().queries, 2u);
}

TEST_F(ResolverTest, ServerFailuresAreNotCached)
{
    dns_.fail_name("broken.test");
    Resolver resolver{context_.get_executor(), options()};

    run([&]() -> net::awaitable<void> {
        EXPECT_EQ((co_await resolver.resolve("broken.test")).error(), trawl::errc::dns_failure);
        EXPECT_EQ((co_await resolver.resolve("broken.test")).error(), trawl::errc::dns_failure);
    }());

    EXPECT_EQ(resolver.stats().cache_hits, 0u);
    EXPECT_EQ(resolver.stats().queries, 2u);
    EXPECT_EQ(resolver.stats().failures, 2u);
}

TEST_F(ResolverTest, DisabledCacheQueriesEveryTime)
{
    dns_.add_record("cached.test", "10.0.0.1");
    auto opts = options();
    opts.cache_enabled = false;
    Resolver resolver{context_.get_executor(), opts};

    run([&]() -> net::awaitable<void> {
        EXPECT_TRUE(co_await resolver.resolve("cached.test"));
        EXPECT_TRUE(co_await resolver.resolve("cached.test"));
    }());

    EXPECT_EQ(resolver.stats().cache_hits, 0u);
    EXPECT_EQ(resolver.stats().queries, 2u);
}

TEST_F(ResolverTest, CacheEvictsTheLeastRecentlyUsedName)
{
    dns_.add_record("a.test", "10.0.0.1");
    dns_.add_record("b.test", "10.0.0.2");
    dns_.add_record("c.test", "10.0.0.3");
    auto opts = options();
    opts.cache_size = 2;
    Resolver resolver{context_.get_executor(), opts};

    run([&]() -> net::awaitable<void> {
        co_await resolver.resolve("a.test");
        co_await resolver.resolve("b.test");
        co_await resolver.resolve("a.test");  // hit: b is now the oldest
        co_await resolver.resolve("c.test");  // evicts b
        EXPECT_EQ(resolver.stats().cache_hits, 1u);
        co_await resolver.resolve("a.test");  // hit
        co_await resolver.resolve("c.test");  // hit
        EXPECT_EQ(resolver.stats().cache_hits, 3u);
        co_await resolver.resolve("b.test");  // miss
    }());

    EXPECT_EQ(resolver.stats().cache_hits, 3u);
    EXPECT_EQ(resolver.stats().queries, 4u);
}

TEST_F(ResolverTest, ConcurrentResolvesOfOneNameShareOneQuery)
{
    dns_.add_record("alone.test", "10.0.0.1");
    dns_.add_record("shared.test", "10.0.0.2");
    dns_.add_record("shared.test", "2001:db8::2");
    Resolver resolver{context_.get_executor(), options()};
    ASSERT_TRUE(run(resolver.resolve("alone.test")));
    auto per_lookup = dns_.queries_received();  // A and AAAA

    dns_.set_delay(100ms);
    std::vector<Result> results;
    for (int i = 0; i < 10; ++i) {
        net::co_spawn(context_, resolver.resolve("shared.test"), [&](std::exception_ptr e, Result r) {
            EXPECT_FALSE(e);
            results.push_back(std::move(r));
        });
    }
    run_all();

    ASSERT_EQ(results.size(), 10u);
    for (const auto& result : results) {
        ASSERT_TRUE(result) << result.error().message();
        EXPECT_EQ(*result, ips({"10.0.0.2", "2001:db8::2"}));
    }
    EXPECT_EQ(resolver.stats().queries, 2u);
    EXPECT_EQ(resolver.stats().lookups, 11u);
    EXPECT_EQ(dns_.queries_received(), 2 * per_lookup);
}

TEST_F(ResolverTest, ManyConcurrentNames)
{
    constexpr int count = 200;
    for (int i = 0; i < count; ++i) {
        dns_.add_record("host" + std::to_string(i) + ".test", "10.1." + std::to_string(i / 256) + "."
                                                                   + std::to_string(i % 256));
    }
    // UDP may drop some of a burst this size where net.core.rmem_max is
    // small; a retry then recovers it, as it would on a real network.
    auto opts = options();
    opts.timeout = 500ms;
    opts.tries = 3;
    Resolver resolver{context_.get_executor(), opts};

    std::vector<Result> results(count);
    for (int i = 0; i < count; ++i) {
        net::co_spawn(context_, resolver.resolve("host" + std::to_string(i) + ".test"),
                      [&results, i](std::exception_ptr e, Result r) {
                          EXPECT_FALSE(e);
                          results[i] = std::move(r);
                      });
    }
    run_all();

    for (int i = 0; i < count; ++i) {
        ASSERT_TRUE(results[i]) << i << ": " << results[i].error().message();
        auto expected = "10.1." + std::to_string(i / 256) + "." + std::to_string(i % 256);
        EXPECT_EQ(*results[i], ips({expected.c_str()})) << i;
    }
    EXPECT_EQ(resolver.stats().queries, static_cast<std::uint64_t>(count));
    EXPECT_EQ(resolver.stats().failures, 0u);
    EXPECT_GE(dns_.queries_received(), 2u * count);
}

} // namespace
} // namespace trawl::detail::test
