// `trawl settings` (Scrapy 2.8's output), and settings mistakes found
// before a crawl fetches anything: run as child processes (cli_support.hpp)
// against the test server's link site.

#include "cli_support.hpp"
#include "support/test_server.hpp"

#include <gtest/gtest.h>

namespace trawl::testing {
namespace {

using CliSettings = CliTest;

TEST_F(CliSettings, GetPrintsTheValueInForce)
{
    EXPECT_EQ(trawl({"settings", "--get", "CONCURRENT_REQUESTS"}).out, "16\n");
    write("settings.yaml", "CONCURRENT_REQUESTS: 8\n");
    EXPECT_EQ(trawl({"settings", "--get", "CONCURRENT_REQUESTS"}).out, "8\n");
    const auto result = trawl({"settings", "--get", "concurrent_requests", "-s", "CONCURRENT_REQUESTS=4"});
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_EQ(result.out, "4\n");
    EXPECT_EQ(result.err, "");
}

TEST_F(CliSettings, GetPrintsScalarsAsScrapyDoes)
{
    EXPECT_EQ(trawl({"settings", "--get", "USER_AGENT", "-s", "USER_AGENT=my bot/1.0"}).out, "my bot/1.0\n");
    EXPECT_EQ(trawl({"settings", "--get", "COOKIES_ENABLED"}).out, "True\n");
    EXPECT_EQ(trawl({"settings", "--get", "COOKIES_ENABLED", "-s", "COOKIES_ENABLED=false"}).out, "False\n");
    EXPECT_EQ(trawl({"settings", "--get", "JOBDIR"}).out, "None\n");
    EXPECT_EQ(trawl({"settings", "--get", "AUTOTHROTTLE_TARGET_CONCURRENCY"}).out, "1.0\n");
    EXPECT_EQ(trawl({"settings", "--get", "DOWNLOAD_DELAY", "-s", "DOWNLOAD_DELAY=0.25"}).out, "0.25\n");
}

TEST_F(CliSettings, GetOfAnUnknownSettingPrintsNone)
{
    const auto result = trawl({"settings", "--get", "NO_SUCH_SETTING"});
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_EQ(result.out, "None\n");
    EXPECT_EQ(result.err, "");
}

TEST_F(CliSettings, GetPrintsListsAndDictsAsJson)
{
    EXPECT_EQ(trawl({"settings", "--get", "RETRY_HTTP_CODES"}).out, "[500, 502, 503, 504, 522, 524, 408, 429]\n");
    write("settings.yaml", "ITEM_PIPELINES:\n  myproject.store: 300\n  myproject.clean: 100\nTAGS: [a, 'b c']\n");
    EXPECT_EQ(trawl({"settings", "--get", "ITEM_PIPELINES"}).out, "{\"myproject.store\": 300, \"myproject.clean\": 100}\n");
    EXPECT_EQ(trawl({"settings", "--get", "TAGS"}).out, "[\"a\", \"b c\"]\n");
}

TEST_F(CliSettings, TypedGettersConvertAsScrapy)
{
    EXPECT_EQ(trawl({"settings", "--getbool", "COOKIES_ENABLED"}).out, "True\n");
    EXPECT_EQ(trawl({"settings", "--getbool", "COOKIES_ENABLED", "-s", "COOKIES_ENABLED=0"}).out, "False\n");
    EXPECT_EQ(trawl({"settings", "--getbool", "NO_SUCH_SETTING"}).out, "False\n");
    EXPECT_EQ(trawl({"settings", "--getint", "DOWNLOAD_TIMEOUT"}).out, "180\n");
    EXPECT_EQ(trawl({"settings", "--getint", "CONCURRENT_REQUESTS", "-s", "CONCURRENT_REQUESTS='32'"}).out, "32\n");
    EXPECT_EQ(trawl({"settings", "--getint", "NO_SUCH_SETTING"}).out, "0\n");
    EXPECT_EQ(trawl({"settings", "--getfloat", "DOWNLOAD_DELAY"}).out, "0.0\n");
    EXPECT_EQ(trawl({"settings", "--getfloat", "DOWNLOAD_DELAY", "-s", "DOWNLOAD_DELAY=1.5"}).out, "1.5\n");
    EXPECT_EQ(trawl({"settings", "--getlist", "SPIDER_MODULES", "-s", "SPIDER_MODULES=a, b"}).out, "[\"a\", \"b\"]\n");
    EXPECT_EQ(trawl({"settings", "--getlist", "RETRY_HTTP_CODES", "-s", "RETRY_HTTP_CODES=[500, 503]"}).out,
              "[500, 503]\n");
    EXPECT_EQ(trawl({"settings", "--getlist", "NO_SUCH_SETTING"}).out, "[]\n");
}

TEST_F(CliSettings, WrongTypeIsASettingsErrorNamingFileAndLine)
{
    write("settings.yaml", "LOG_LEVEL: INFO\nCONCURRENT_REQUESTS: lots\n");
    const auto result = trawl({"settings", "--getint", "CONCURRENT_REQUESTS"});
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_TRUE(one_line_error(result, "settings", "settings.yaml:2"));
    EXPECT_EQ(result.out, "");
    // --get prints the raw value: nothing to convert.
    EXPECT_EQ(trawl({"settings", "--get", "CONCURRENT_REQUESTS"}).out, "lots\n");
}

TEST_F(CliSettings, BrokenYamlIsASettingsError)
{
    write("settings.yaml", "LOG_LEVEL: INFO\nCONCURRENT_REQUESTS: [1, 2\n");
    const auto result = trawl({"settings", "--get", "LOG_LEVEL"});
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_TRUE(one_line_error(result, "settings", "settings.yaml:"));
}

TEST_F(CliSettings, OneOptionAtATime)
{
    const auto result = trawl({"settings", "--get", "A", "--getint", "B"});
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_EQ(result.out, "");
}

TEST_F(CliSettings, WithoutAnOptionEverySettingIsPrintedWithItsSource)
{
    write("settings.yaml", "LOG_LEVEL: INFO\nDOWNLOAD_DELAY: 0.5\n");
    const auto result = trawl({"settings", "-s", "CONCURRENT_REQUESTS=3"});
    EXPECT_EQ(result.exit_code, 0) << result.err;
    const auto all = lines(result.out);
    EXPECT_GT(all.size(), 100u);
    for (const char* line : {"CONCURRENT_REQUESTS: 3  # -s", "DOWNLOAD_DELAY: 0.5  # settings.yaml:2",
                             "DOWNLOAD_TIMEOUT: 180  # built-in"}) {
        EXPECT_NE(std::find(all.begin(), all.end(), line), all.end()) << line << " missing in:\n" << result.out;
    }
}

/// Settings mistakes in ./settings.yaml as `trawl crawl` meets them.
class CliSettingsErrors : public CliTest {
protected:
    static void SetUpTestSuite() { server_ = new TestServer(TestServerOptions{.site_pages = 50}); }
    static void TearDownTestSuite()
    {
        delete server_;
        server_ = nullptr;
    }

    RunResult crawl() const { return trawl({"crawl", "links", "-a", "start_url=" + server_->url("/page/0")}); }

    static TestServer* server_;
};

TestServer* CliSettingsErrors::server_ = nullptr;

TEST_F(CliSettingsErrors, WrongTypesFailBeforeAnythingIsFetched)
{
    // Read by the engine (CONCURRENT_REQUESTS), the download slots
    // (DOWNLOAD_DELAY), a middleware (RETRY_TIMES, DOWNLOAD_TIMEOUT) and an
    // extension (CLOSESPIDER_PAGECOUNT): all when the crawl is built.
    for (const std::string setting : {"DOWNLOAD_DELAY: abc", "CONCURRENT_REQUESTS: [1]", "RETRY_TIMES: often",
                                      "DOWNLOAD_TIMEOUT: {a: 1}", "CLOSESPIDER_PAGECOUNT: some"}) {
        write("settings.yaml", "LOG_LEVEL: INFO\n# the project's settings\n" + setting + "\n");
        const auto served = server_->requests_served();
        const auto result = crawl();
        EXPECT_EQ(result.exit_code, 2) << setting << ": " << result.err;
        EXPECT_TRUE(one_line_error(result, "crawl", "settings.yaml:3: " + setting.substr(0, setting.find(':'))))
            << setting;
        EXPECT_EQ(result.err.find("Spider opened"), std::string::npos) << result.err;
        EXPECT_EQ(server_->requests_served(), served) << setting;
    }
}

TEST_F(CliSettingsErrors, InvalidYamlFailsBeforeAnythingIsFetched)
{
    write("settings.yaml", "LOG_LEVEL: INFO\nDOWNLOAD_DELAY: 1\n  CONCURRENT_REQUESTS: 2\n");
    const auto served = server_->requests_served();
    const auto result = crawl();
    EXPECT_EQ(result.exit_code, 2) << result.err;
    EXPECT_TRUE(one_line_error(result, "crawl", "settings.yaml:"));
    EXPECT_EQ(server_->requests_served(), served);
}

TEST_F(CliSettingsErrors, UnknownNamesWarnOnceBeforeTheCrawl)
{
    write("settings.yaml", "LOG_LEVEL: INFO\nDOWNLOAD_DELAI: 0\nCLOSESPIDER_PAGECOUNT: 2\n");
    const auto result = crawl();
    ASSERT_EQ(result.exit_code, 0) << result.err;
    const std::string warning =
        "WARNING: unknown setting 'DOWNLOAD_DELAI' (settings.yaml:2); did you mean 'DOWNLOAD_DELAY'?";
    EXPECT_EQ(count(result.err, warning), 1u) << result.err;
    const auto opened = result.err.find("Spider opened");
    ASSERT_NE(opened, std::string::npos) << result.err;
    EXPECT_LT(result.err.find(warning), opened) << result.err;
}

} // namespace
} // namespace trawl::testing
