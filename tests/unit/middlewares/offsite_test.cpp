#include "downloader/offsite.hpp"
#include "middleware_test_support.hpp"

#include <gtest/gtest.h>

namespace trawl::test {
namespace {

using middlewares::OffsiteMiddleware;

bool passes(OffsiteMiddleware& mw, Request request)
{
    auto action = run(mw.process_request(request));
    return std::holds_alternative<Continue>(action);
}

TEST(OffsiteTest, AllowsDomainsAndTheirSubdomainsOnly)
{
    auto crawler = make_crawler({}, {"example.com", "Scrapy.ORG"});
    auto mw = OffsiteMiddleware::from_crawler(*crawler);
    EXPECT_EQ(mw->hooks(), static_cast<HookSet>(Hook::request));
    EXPECT_TRUE(passes(*mw, Request{"http://example.com/a"}));
    EXPECT_TRUE(passes(*mw, Request{"https://www.example.com/a"}));
    EXPECT_TRUE(passes(*mw, Request{"http://a.b.example.com:8080/x?y=1"}));
    EXPECT_TRUE(passes(*mw, Request{"http://user:pw@EXAMPLE.com/"}));
    EXPECT_TRUE(passes(*mw, Request{"http://docs.scrapy.org/"}));  // entries are case-insensitive
    EXPECT_FALSE(passes(*mw, Request{"http://badexample.com/"}));   // not a subdomain
    EXPECT_FALSE(passes(*mw, Request{"http://example.com.evil.net/"}));
    EXPECT_FALSE(passes(*mw, Request{"http://example.org/"}));
    EXPECT_FALSE(passes(*mw, Request{"data:text/plain,hi"}));       // no host: offsite, as in Scrapy
}

TEST(OffsiteTest, EmptyAllowedDomainsAllowsAll)
{
    auto crawler = make_crawler();
    auto mw = OffsiteMiddleware::from_crawler(*crawler);
    EXPECT_TRUE(passes(*mw, Request{"http://anything.test/"}));
    EXPECT_TRUE(passes(*mw, Request{"data:text/plain,hi"}));
    EXPECT_FALSE(has_stat(*crawler, "offsite/filtered"));
}

TEST(OffsiteTest, CountsAndLogsFirstFilteredRequestPerDomain)
{
    LogCapture log;
    auto crawler = make_crawler({}, {"example.com"});
    auto mw = OffsiteMiddleware::from_crawler(*crawler);
    Request a{"http://other.net/1"};
    auto action = run(mw->process_request(a));
    ASSERT_TRUE(std::holds_alternative<Ignore>(action));
    EXPECT_FALSE(passes(*mw, Request{"http://other.net/2"}));
    EXPECT_FALSE(passes(*mw, Request{"http://third.net/"}));
    EXPECT_EQ(stat(*crawler, "offsite/filtered"), 3);
    EXPECT_EQ(stat(*crawler, "offsite/domains"), 2);
    EXPECT_EQ(log.count("Filtered offsite request to 'other.net'"), 1U);
    EXPECT_EQ(log.count("Filtered offsite request to 'third.net'"), 1U);
}

TEST(OffsiteTest, DontFilterAndAllowOffsitePass)
{
    auto crawler = make_crawler({}, {"example.com"});
    auto mw = OffsiteMiddleware::from_crawler(*crawler);
    Request forced{"http://other.net/"};
    forced.dont_filter = true;
    EXPECT_TRUE(passes(*mw, forced));
    Request allowed{"http://other.net/"};
    allowed.meta["allow_offsite"] = true;
    EXPECT_TRUE(passes(*mw, allowed));
    EXPECT_FALSE(has_stat(*crawler, "offsite/filtered"));
}

TEST(OffsiteTest, EntriesWithPortOrSchemeAreIgnoredWithAWarning)
{
    LogCapture log;
    auto crawler = make_crawler({}, {"example.com:8080", "http://scheme.com", "good.com"});
    auto mw = OffsiteMiddleware::from_crawler(*crawler);
    EXPECT_EQ(log.count("Ignoring entry example.com:8080", spdlog::level::warn), 1U);
    EXPECT_EQ(log.count("Ignoring URL entry http://scheme.com", spdlog::level::warn), 1U);
    EXPECT_FALSE(passes(*mw, Request{"http://example.com:8080/"}));
    EXPECT_FALSE(passes(*mw, Request{"http://scheme.com/"}));
    EXPECT_TRUE(passes(*mw, Request{"http://good.com:8080/"}));  // the request's port does not matter
}

TEST(OffsiteTest, OnlyIgnoredEntriesAllowNothing)
{
    auto crawler = make_crawler({}, {"example.com:8080"});
    auto mw = OffsiteMiddleware::from_crawler(*crawler);
    EXPECT_FALSE(passes(*mw, Request{"http://example.com/"}));
}

TEST(OffsiteTest, ReadsAllowedDomainsAgainWhenTheSpiderOpens)
{
    auto crawler = make_crawler({}, {"example.com"});
    auto mw = OffsiteMiddleware::from_crawler(*crawler);
    crawler->spider().allowed_domains = {"later.org"};
    crawler->signals().send(SpiderOpened{});
    EXPECT_TRUE(passes(*mw, Request{"http://www.later.org/"}));
    EXPECT_FALSE(passes(*mw, Request{"http://example.com/"}));
}

TEST(OffsiteTest, DisconnectsFromSignalsWhenDestroyed)
{
    auto crawler = make_crawler({}, {"example.com"});
    OffsiteMiddleware::from_crawler(*crawler).reset();
    crawler->signals().send(SpiderOpened{});  // must not reach the destroyed middleware
}

TEST(OffsiteTest, IpAddressHosts)
{
    auto crawler = make_crawler({}, {"127.0.0.1"});
    auto mw = OffsiteMiddleware::from_crawler(*crawler);
    EXPECT_TRUE(passes(*mw, Request{"http://127.0.0.1:8080/"}));
    EXPECT_FALSE(passes(*mw, Request{"http://127.0.0.2/"}));
    EXPECT_FALSE(passes(*mw, Request{"http://[::1]/"}));
}

} // namespace
} // namespace trawl::test
