#include "downloader/user_agent.hpp"
#include "middleware_test_support.hpp"

#include <boost/json/object.hpp>

#include <gtest/gtest.h>

namespace trawl::test {
namespace {

using middlewares::UserAgentMiddleware;

TEST(UserAgentTest, SetsTheSettingWhenAbsent)
{
    auto crawler = make_crawler({{"USER_AGENT", "mybot/1.0"}});
    auto mw = UserAgentMiddleware::from_crawler(*crawler);
    EXPECT_EQ(mw->hooks(), static_cast<HookSet>(Hook::request));
    Request request{"http://example.com/"};
    auto action = run(mw->process_request(request));
    EXPECT_TRUE(std::holds_alternative<Continue>(action));
    EXPECT_EQ(request.headers.get("User-Agent"), "mybot/1.0");

    Request own{"http://example.com/"};
    own.headers.set("user-agent", "mine");
    run(mw->process_request(own));
    EXPECT_EQ(own.headers.get_all("User-Agent").size(), 1U);
    EXPECT_EQ(own.headers.get("User-Agent"), "mine");
}

TEST(UserAgentTest, DefaultNamesTrawlAndEmptySendsNone)
{
    auto crawler = make_crawler();
    auto mw = UserAgentMiddleware::from_crawler(*crawler);
    Request request{"http://example.com/"};
    run(mw->process_request(request));
    EXPECT_TRUE(request.headers.get("User-Agent")->starts_with("trawl/"));

    auto empty = make_crawler({{"USER_AGENT", ""}});
    auto none = UserAgentMiddleware::from_crawler(*empty);
    Request bare{"http://example.com/"};
    run(none->process_request(bare));
    EXPECT_FALSE(bare.headers.contains("User-Agent"));
}

TEST(UserAgentTest, SpiderCustomSettingsWin)
{
    auto spider = std::make_unique<TestSpider>();
    spider->custom_settings["USER_AGENT"] = "spider-agent";
    Settings settings;
    settings.set("USER_AGENT", "project-agent");
    Crawler crawler{std::move(spider), std::move(settings)};
    auto mw = UserAgentMiddleware::from_crawler(crawler);
    Request request{"http://example.com/"};
    run(mw->process_request(request));
    EXPECT_EQ(request.headers.get("User-Agent"), "spider-agent");
}

} // namespace
} // namespace trawl::test
