#include "spider/referer.hpp"
#include "middleware_test_support.hpp"

#include <gtest/gtest.h>

#include <array>
#include <optional>
#include <thread>

namespace trawl::test {
namespace {

using middlewares::parse_referrer_policy;
using middlewares::referrer;
using middlewares::RefererMiddleware;
using middlewares::ReferrerPolicy;

using Expected = std::optional<std::string>;

// Each policy in the order of the enum, from page `from` to `to`; the values
// are Scrapy 2.8's (but for the data: row, see referer.cpp).
struct Case {
    std::string_view from;
    std::string_view to;
    std::array<Expected, 9> expected;
};

const Case cases[] = {
    {"https://user:pw@example.com:443/a/b?q=1#frag", "https://example.com/c", {std::nullopt, "https://example.com/a/b?q=1", "https://example.com/a/b?q=1", "https://example.com/", "https://example.com/", "https://example.com/a/b?q=1", "https://example.com/a/b?q=1", "https://example.com/a/b?q=1", "https://example.com/a/b?q=1"}},
    {"https://example.com/page", "http://example.com/c", {std::nullopt, std::nullopt, std::nullopt, "https://example.com/", std::nullopt, "https://example.com/", std::nullopt, "https://example.com/page", std::nullopt}},
    {"http://example.com:80/page?x", "https://other.net/", {std::nullopt, "http://example.com/page?x", std::nullopt, "http://example.com/", "http://example.com/", "http://example.com/", "http://example.com/", "http://example.com/page?x", "http://example.com/page?x"}},
    {"http://example.com:8080/page", "http://example.com:8080/x", {std::nullopt, "http://example.com:8080/page", "http://example.com:8080/page", "http://example.com:8080/", "http://example.com:8080/", "http://example.com:8080/page", "http://example.com:8080/page", "http://example.com:8080/page", "http://example.com:8080/page"}},
    {"https://example.com/page", "https://other.net/", {std::nullopt, "https://example.com/page", std::nullopt, "https://example.com/", "https://example.com/", "https://example.com/", "https://example.com/", "https://example.com/page", "https://example.com/page"}},
    {"file:///home/a.html", "http://example.com/", {std::nullopt, "file:///home/a.html", std::nullopt, "file:///", "file:///", "file:///", "file:///", "file:///home/a.html", std::nullopt}},
    {"data:text/html,x", "http://example.com/", {std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt}},
    {"ftps://example.com/f", "http://example.com/", {std::nullopt, std::nullopt, std::nullopt, "ftps://example.com/", std::nullopt, "ftps://example.com/", std::nullopt, "ftps://example.com/f", std::nullopt}},
    {"http://example.com", "http://example.com/x", {std::nullopt, "http://example.com", "http://example.com", "http://example.com/", "http://example.com/", "http://example.com", "http://example.com", "http://example.com", "http://example.com"}},
};

TEST(RefererTest, EveryPolicyAsScrapy)
{
    for (const auto& c : cases) {
        for (std::size_t i = 0; i < c.expected.size(); ++i) {
            EXPECT_EQ(referrer(static_cast<ReferrerPolicy>(i), c.from, c.to), c.expected[i])
                << "policy " << i << " from " << c.from << " to " << c.to;
        }
    }
}

TEST(RefererTest, PolicyNames)
{
    EXPECT_EQ(parse_referrer_policy("no-referrer"), ReferrerPolicy::no_referrer);
    EXPECT_EQ(parse_referrer_policy("No-Referrer-When-Downgrade"), ReferrerPolicy::no_referrer_when_downgrade);
    EXPECT_EQ(parse_referrer_policy("same-origin"), ReferrerPolicy::same_origin);
    EXPECT_EQ(parse_referrer_policy("origin"), ReferrerPolicy::origin);
    EXPECT_EQ(parse_referrer_policy("strict-origin"), ReferrerPolicy::strict_origin);
    EXPECT_EQ(parse_referrer_policy("origin-when-cross-origin"), ReferrerPolicy::origin_when_cross_origin);
    EXPECT_EQ(parse_referrer_policy("STRICT-ORIGIN-WHEN-CROSS-ORIGIN"),
              ReferrerPolicy::strict_origin_when_cross_origin);
    EXPECT_EQ(parse_referrer_policy("unsafe-url"), ReferrerPolicy::unsafe_url);
    EXPECT_EQ(parse_referrer_policy("scrapy-default"), ReferrerPolicy::scrapy_default);
    EXPECT_EQ(parse_referrer_policy(""), ReferrerPolicy::no_referrer_when_downgrade);
    EXPECT_EQ(parse_referrer_policy("no-referer"), std::nullopt);
}

std::vector<Output> requests_to(std::initializer_list<std::string_view> urls)
{
    std::vector<Output> output;
    for (auto url : urls) {
        output.emplace_back(Request{std::string(url)});
    }
    return output;
}

std::optional<std::string> referer_of(const Output& output)
{
    auto value = std::get<Request>(output).headers.get("Referer");
    return value ? std::optional<std::string>(std::string(*value)) : std::nullopt;
}

TEST(RefererTest, SetsRefererOnCallbackOutputWithTheDefaultPolicy)
{
    auto crawler = make_crawler();
    auto mw = RefererMiddleware::from_crawler(*crawler);
    Request page{"https://example.com/page#top"};
    auto output = requests_to({"https://example.com/next", "http://plain.example/"});
    output.emplace_back(Item{"an item"});
    Request own{"https://example.com/own"};
    own.headers.set("Referer", "https://set.by.spider/");
    output.emplace_back(std::move(own));
    run_spider_output(*mw, respond(page, 200), output);
    ASSERT_EQ(output.size(), 4U);
    EXPECT_EQ(referer_of(output[0]), "https://example.com/page");
    EXPECT_EQ(referer_of(output[1]), std::nullopt);  // https -> http: no referrer when downgrading
    EXPECT_TRUE(std::holds_alternative<Item>(output[2]));
    EXPECT_EQ(referer_of(output[3]), "https://set.by.spider/");
}

TEST(RefererTest, SettingHeaderAndMetaPickThePolicy)
{
    auto crawler = make_crawler({{"REFERRER_POLICY", "origin"}});
    LogCapture log;
    auto mw = RefererMiddleware::from_crawler(*crawler);
    Request page{"http://example.com/a/page"};

    // REFERRER_POLICY.
    auto output = requests_to({"http://example.com/b"});
    run_spider_output(*mw, respond(page, 200), output);
    EXPECT_EQ(referer_of(output[0]), "http://example.com/");

    // The response's Referrer-Policy header wins over the setting; the last
    // known name in it counts.
    auto with_header = respond(page, 200, {{"Referrer-Policy", "no-referrer, unsafe-url, made-up"}});
    output = requests_to({"http://example.com/b"});
    run_spider_output(*mw, with_header, output);
    EXPECT_EQ(referer_of(output[0]), "http://example.com/a/page");
    EXPECT_EQ(log.count("made-up"), 0U);

    // meta wins over the header.
    output = requests_to({"http://example.com/b"});
    std::get<Request>(output[0]).meta["referrer_policy"] = "no-referrer";
    run_spider_output(*mw, with_header, output);
    EXPECT_EQ(referer_of(output[0]), std::nullopt);

    // An unknown name in meta: the default (REFERRER_POLICY), warned once.
    for (int i = 0; i < 2; ++i) {
        output = requests_to({"http://example.com/b"});
        std::get<Request>(output[0]).meta["referrer_policy"] = "typo-policy";
        run_spider_output(*mw, with_header, output);
        EXPECT_EQ(referer_of(output[0]), "http://example.com/");
    }
    EXPECT_EQ(log.count("typo-policy", spdlog::level::warn), 1U);

    // An unknown header: the default, warned.
    output = requests_to({"http://example.com/b"});
    run_spider_output(*mw, respond(page, 200, {{"Referrer-Policy", "bogus"}}), output);
    EXPECT_EQ(referer_of(output[0]), "http://example.com/");
    EXPECT_EQ(log.count("bogus", spdlog::level::warn), 1U);
}

TEST(RefererTest, SettingsErrorsAndDisabling)
{
    auto off = make_crawler({{"REFERER_ENABLED", false}});
    EXPECT_THROW(RefererMiddleware::from_crawler(*off), NotConfigured);
    EXPECT_EQ(middlewares::referrer_policy_setting(off->settings()), std::nullopt);
    auto bad = make_crawler({{"REFERRER_POLICY", "scrapy.spidermiddlewares.referer.NoReferrerPolicy"}});
    EXPECT_THROW(RefererMiddleware::from_crawler(*bad), SettingsError);
    auto removed = make_crawler({{"SPIDER_MIDDLEWARES", boost::json::object{{"referer", nullptr}}}});
    EXPECT_EQ(middlewares::referrer_policy_setting(removed->settings()), std::nullopt);
    auto on = make_crawler();
    EXPECT_EQ(middlewares::referrer_policy_setting(on->settings()), ReferrerPolicy::scrapy_default);
}

TEST(RefererTest, AfterRedirect)
{
    using middlewares::referrer_after_redirect;
    boost::json::object meta;
    EXPECT_EQ(referrer_after_redirect(ReferrerPolicy::scrapy_default, "https://a.example/p", "http://b.example/", meta),
              std::nullopt);
    EXPECT_EQ(referrer_after_redirect(ReferrerPolicy::scrapy_default, "https://a.example/p", "https://b.example/", meta),
              "https://a.example/p");
    meta["referrer_policy"] = "same-origin";
    EXPECT_EQ(referrer_after_redirect(ReferrerPolicy::unsafe_url, "https://a.example/p", "https://b.example/", meta),
              std::nullopt);
}

TEST(RefererTest, SafeToCallFromSeveralThreads)
{
    auto crawler = make_crawler();
    auto mw = RefererMiddleware::from_crawler(*crawler);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 200; ++i) {
                Request page{"http://example.com/"};
                auto output = requests_to({"http://example.com/x"});
                std::get<Request>(output[0]).meta["referrer_policy"] = "unknown-" + std::to_string(i % 3);
                run_spider_output(*mw, respond(page, 200), output);
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    SUCCEED();
}

} // namespace
} // namespace trawl::test
