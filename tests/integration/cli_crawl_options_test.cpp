// `trawl crawl`'s settings and logging options, the project settings.yaml,
// and how a wrong command line fails: at once, with one line. Run as a
// child process (cli_support.hpp) against the test server's link site.

#include "cli_support.hpp"
#include "support/test_server.hpp"

#include <boost/json/parse.hpp>

#include <gtest/gtest.h>

namespace trawl::testing {
namespace {

namespace json = boost::json;

class CliCrawlOptions : public CliTest {
protected:
    static void SetUpTestSuite() { server_ = new TestServer(TestServerOptions{.site_pages = 300}); }
    static void TearDownTestSuite()
    {
        delete server_;
        server_ = nullptr;
    }

    RunResult crawl(std::vector<std::string> extra) const
    {
        std::vector<std::string> args{"crawl", "links", "-a", "start_url=" + server_->url("/page/0")};
        args.insert(args.end(), extra.begin(), extra.end());
        return trawl(args);
    }

    json::object stats() const { return json::parse(read("stats.json")).as_object(); }

    static TestServer* server_;
};

TestServer* CliCrawlOptions::server_ = nullptr;

TEST_F(CliCrawlOptions, SetTakesEffect)
{
    const auto result = crawl({"-s", "CLOSESPIDER_PAGECOUNT=10", "-s", "CONCURRENT_REQUESTS=4", "-L", "INFO",
                               "--stats-json", "stats.json"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    const auto s = stats();
    EXPECT_EQ(s.at("finish_reason").as_string(), "closespider_pagecount");
    const auto pages = s.at("response_received_count").to_number<int>();
    EXPECT_GE(pages, 10);
    // No download starts once the limit is reached; the (at most three)
    // others in flight then still finish, as in Scrapy.
    EXPECT_LE(pages, 13);
    EXPECT_LE(s.at("downloader/peak_in_flight").to_number<int>(), 4);
}

TEST_F(CliCrawlOptions, UnknownSettingWarnsWithTheNearestName)
{
    const auto result = crawl({"-s", "DOWNLOAD_DELAI=0", "-s", "CLOSESPIDER_PAGECOUNT=3", "-L", "INFO"});
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_NE(result.err.find("WARNING"), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("unknown setting 'DOWNLOAD_DELAI'"), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("did you mean 'DOWNLOAD_DELAY'?"), std::string::npos) << result.err;
}

TEST_F(CliCrawlOptions, BadSettingValueFails)
{
    const auto served = server_->requests_served();
    const auto result = crawl({"-s", "CONCURRENT_REQUESTS=many"});
    EXPECT_NE(result.exit_code, 0);
    EXPECT_TRUE(one_line_error(result, "crawl", "CONCURRENT_REQUESTS"));
    EXPECT_EQ(server_->requests_served(), served);
}

TEST_F(CliCrawlOptions, BadSetSyntaxFails)
{
    const auto result = crawl({"-s", "CLOSESPIDER_PAGECOUNT"});
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_TRUE(one_line_error(result, "crawl", "expected NAME=VALUE"));
}

TEST_F(CliCrawlOptions, BadArgumentSyntaxFails)
{
    const auto result = crawl({"-a", "max_depth"});
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_TRUE(one_line_error(result, "crawl", "-a 'max_depth': expected NAME=VALUE"));
}

TEST_F(CliCrawlOptions, AppendAndOverwriteOutputTogetherFail)
{
    const auto result = crawl({"-o", "a.jsonl", "-O", "b.jsonl"});
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_TRUE(one_line_error(result, "crawl", "use only one of -o/--output and -O/--overwrite-output"));
    EXPECT_EQ(server_->requests_served(), 0u) << "refused before crawling";
}

TEST_F(CliCrawlOptions, UnknownSpiderFails)
{
    const auto result = trawl({"crawl", "no_such_spider"});
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_TRUE(one_line_error(result, "crawl", "no_such_spider"));
    EXPECT_NE(last_line(result.err).find("links"), std::string::npos) << "names the known spiders: " << result.err;
}

TEST_F(CliCrawlOptions, MissingRequiredArgumentFails)
{
    const auto result = trawl({"crawl", "links", "-L", "WARNING"});
    EXPECT_NE(result.exit_code, 0);
    EXPECT_TRUE(one_line_error(result, "crawl", "-a start_url=URL"));
}

TEST_F(CliCrawlOptions, InvalidArgumentValueFails)
{
    const auto result = crawl({"-a", "max_depth=deep", "-L", "WARNING"});
    EXPECT_NE(result.exit_code, 0);
    EXPECT_TRUE(one_line_error(result, "crawl", "max_depth"));
}

TEST_F(CliCrawlOptions, DebugLogsEveryPageInfoDoesNot)
{
    const auto info = crawl({"-s", "CLOSESPIDER_PAGECOUNT=5", "-L", "INFO"});
    ASSERT_EQ(info.exit_code, 0) << info.err;
    EXPECT_NE(info.err.find("] INFO: "), std::string::npos) << info.err;
    EXPECT_EQ(info.err.find("Crawled (200)"), std::string::npos) << info.err;
    EXPECT_EQ(info.err.find("] DEBUG: "), std::string::npos) << info.err;

    const auto debug = crawl({"-s", "CLOSESPIDER_PAGECOUNT=5", "-L", "DEBUG"});
    ASSERT_EQ(debug.exit_code, 0) << debug.err;
    EXPECT_NE(debug.err.find("DEBUG: Crawled (200) <GET " + server_->url("/page/0") + ">"), std::string::npos)
        << debug.err;
    EXPECT_EQ(info.out, "");
    EXPECT_EQ(debug.out, "");
}

TEST_F(CliCrawlOptions, BadLogLevelFails)
{
    const auto result = crawl({"-L", "LOUD"});
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_TRUE(one_line_error(result, "crawl", "LOUD"));
}

TEST_F(CliCrawlOptions, LogFileTakesTheLog)
{
    const auto result = crawl({"-s", "CLOSESPIDER_PAGECOUNT=5", "-L", "INFO", "--logfile", "crawl.log"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.err, "");
    const auto log = read("crawl.log");
    EXPECT_NE(log.find("Spider opened"), std::string::npos) << log;
    EXPECT_NE(log.find("Dumping trawl stats"), std::string::npos) << log;
}

TEST_F(CliCrawlOptions, NologSilencesTheLog)
{
    const auto result = crawl({"-s", "CLOSESPIDER_PAGECOUNT=5", "--nolog", "-o", "pages.jsonl"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.err, "");
    EXPECT_EQ(result.out, "");
    EXPECT_GE(lines(read("pages.jsonl")).size(), 5u);
}

TEST_F(CliCrawlOptions, ProjectSettingsFileIsRead)
{
    write("settings.yaml", "# the project's settings\nCLOSESPIDER_PAGECOUNT: 3\nLOG_LEVEL: INFO\n");
    const auto result = crawl({"--stats-json", "stats.json"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(stats().at("finish_reason").as_string(), "closespider_pagecount");
    EXPECT_EQ(result.err.find("DEBUG"), std::string::npos) << "LOG_LEVEL from settings.yaml";

    // The command line wins over the project.
    const auto debug = crawl({"--stats-json", "stats.json", "-L", "DEBUG", "-s", "CLOSESPIDER_PAGECOUNT=0",
                              "-s", "CLOSESPIDER_ITEMCOUNT=4"});
    ASSERT_EQ(debug.exit_code, 0) << debug.err;
    EXPECT_EQ(stats().at("finish_reason").as_string(), "closespider_itemcount");
    EXPECT_NE(debug.err.find("Crawled (200)"), std::string::npos);
}

TEST_F(CliCrawlOptions, BrokenProjectSettingsFailWithFileAndLine)
{
    write("settings.yaml", "LOG_LEVEL: INFO\nCONCURRENT_REQUESTS: [1, 2\n");
    const auto result = crawl({});
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_TRUE(one_line_error(result, "crawl", "settings.yaml:"));
    EXPECT_EQ(result.err.find("Spider opened"), std::string::npos);
}

TEST_F(CliCrawlOptions, WrongTypeInProjectSettingsNamesFileAndLine)
{
    write("settings.yaml", "LOG_LEVEL: INFO\nCONCURRENT_REQUESTS: lots\n");
    const auto result = crawl({});
    EXPECT_NE(result.exit_code, 0);
    EXPECT_TRUE(one_line_error(result, "crawl", "settings.yaml:2"));
}

} // namespace
} // namespace trawl::testing
