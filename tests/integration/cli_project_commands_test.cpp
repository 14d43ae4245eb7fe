// A project's executable built on run_command_line() (cli_project_main.cpp:
// spiders "pages" and "broken", program name "myproject"), and `check` in
// both it and `trawl`. Run as child processes (cli_support.hpp) against the
// test server's link site.

#include "cli_support.hpp"
#include "support/test_server.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace trawl::testing {
namespace {

class CliProject : public CliTest {
protected:
    static void SetUpTestSuite() { server_ = new TestServer(TestServerOptions{.site_pages = 50}); }
    static void TearDownTestSuite()
    {
        delete server_;
        server_ = nullptr;
    }

    RunResult project(const std::vector<std::string>& args) const { return run(TRAWL_PROJECT_EXECUTABLE, args); }

    static TestServer* server_;
};

TestServer* CliProject::server_ = nullptr;

TEST_F(CliProject, ListNamesOnlyTheProjectsSpiders)
{
    const auto result = project({"list"});
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.out, "broken\npages\n");
    EXPECT_EQ(result.err, "");
}

TEST_F(CliProject, HelpNamesTheProgramAndTheCommonCommandsOnly)
{
    const auto result = project({"--help"});
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_NE(result.out.find("myproject"), std::string::npos) << result.out;
    for (const char* command : {"crawl", "list", "check", "fetch", "shell", "settings", "version"}) {
        EXPECT_NE(result.out.find(command), std::string::npos) << command << " missing in:\n" << result.out;
    }
    EXPECT_EQ(result.out.find("demo"), std::string::npos) << result.out;
}

TEST_F(CliProject, ErrorsNameTheProgram)
{
    const auto result = project({"crawl", "links"});
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_TRUE(one_line_error(result, "crawl", "no spider named 'links'", "myproject"));
    EXPECT_NE(last_line(result.err).find("pages"), std::string::npos) << result.err;

    const auto usage = project({"scrape"});
    EXPECT_EQ(usage.exit_code, 2);
    EXPECT_FALSE(usage.err.empty());
}

TEST_F(CliProject, CrawlRunsTheProjectsSpiderAndWarnsOnceBeforeCrawling)
{
    write("settings.yaml", "LOG_LEVEL: INFO\nDOWNLOAD_DELAI: 0\n");
    const auto result = project(
        {"crawl", "pages", "-a", "start_url=" + server_->url("/page/3"), "-O", "items.jsonl", "-s", "CONCURENT_ITEMS=5"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    const auto items = json_lines(read("items.jsonl"));
    ASSERT_EQ(items.size(), 1u);
    EXPECT_EQ(items[0].at("url").as_string(), server_->url("/page/3"));

    EXPECT_EQ(count(result.err, "unknown setting 'DOWNLOAD_DELAI' (settings.yaml:2); did you mean 'DOWNLOAD_DELAY'?"),
              1u)
        << result.err;
    EXPECT_EQ(count(result.err, "unknown setting 'CONCURENT_ITEMS' (-s); did you mean 'CONCURRENT_ITEMS'?"), 1u)
        << result.err;
    const auto opened = result.err.find("Spider opened");
    ASSERT_NE(opened, std::string::npos) << result.err;
    EXPECT_LT(result.err.find("unknown setting"), opened) << result.err;
}

TEST_F(CliProject, CrawlRefusesBadCustomSettingsBeforeFetching)
{
    const auto served = server_->requests_served();
    const auto result = project({"crawl", "broken", "-a", "start_url=" + server_->url("/page/0")});
    EXPECT_EQ(result.exit_code, 2) << result.err;
    EXPECT_TRUE(one_line_error(result, "crawl", "CONCURRENT_REQUESTS", "myproject"));
    EXPECT_EQ(server_->requests_served(), served);
}

TEST_F(CliProject, CheckReportsEachSpider)
{
    const auto result = project({"check"});
    EXPECT_EQ(result.exit_code, 1) << result.err;
    const auto report = lines(result.out);
    ASSERT_EQ(report.size(), 3u) << result.out;
    EXPECT_EQ(report[0].rfind("broken: FAILED: ", 0), 0u) << result.out;
    EXPECT_NE(report[0].find("CONCURRENT_REQUESTS"), std::string::npos) << result.out;
    EXPECT_NE(report[0].find("spider 'broken' custom_settings"), std::string::npos) << "names the source: " << result.out;
    EXPECT_EQ(report[1], "pages: OK");
    EXPECT_EQ(report[2], "Checked 2 spiders: FAILED (failures=1)");
    EXPECT_EQ(result.err, "") << "no log unless asked for";

    const auto one = project({"check", "pages"});
    EXPECT_EQ(one.exit_code, 0) << one.err;
    EXPECT_EQ(one.out, "pages: OK\n\nChecked 1 spider: OK\n");
}

TEST_F(CliProject, CheckListOnlyNamesTheSpiders)
{
    const auto all = project({"check", "--list"});
    EXPECT_EQ(all.exit_code, 0) << all.err;
    EXPECT_EQ(all.out, "broken\npages\n");
    const auto one = project({"check", "-l", "pages"});
    EXPECT_EQ(one.exit_code, 0) << one.err;
    EXPECT_EQ(one.out, "pages\n");
}

TEST_F(CliProject, CheckOfAnUnknownSpiderIsAUsageError)
{
    const auto result = project({"check", "links"});
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_TRUE(one_line_error(result, "check", "no spider named 'links'", "myproject"));
    EXPECT_EQ(result.out, "");
}

TEST_F(CliProject, CheckFindsTypeErrorsOfSettingsComponentsReadWithoutFetching)
{
    // RETRY_TIMES is read by the retry middleware only, DOWNLOAD_DELAY by
    // the download slots: both when the crawl is built.
    for (const std::string yaml : {"LOG_LEVEL: INFO\nRETRY_TIMES: often\n", "LOG_LEVEL: INFO\nDOWNLOAD_DELAY: abc\n"}) {
        write("settings.yaml", yaml);
        const auto served = server_->requests_served();
        const auto result = trawl({"check"});
        EXPECT_EQ(result.exit_code, 1) << yaml << result.out << result.err;
        const auto report = lines(result.out);
        ASSERT_FALSE(report.empty());
        for (std::size_t i = 0; i + 1 < report.size(); ++i) {
            EXPECT_NE(report[i].find(": FAILED: settings.yaml:2: "), std::string::npos) << report[i];
        }
        EXPECT_EQ(server_->requests_served(), served);
    }
}

TEST_F(CliProject, CheckWarnsOfUnknownSettings)
{
    write("settings.yaml", "DOWNLOAD_DELAI: 1\n");
    const auto result = trawl({"check", "links"});
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.out, "links: OK\n"
                          "  warning: unknown setting 'DOWNLOAD_DELAI' (settings.yaml:1); did you mean 'DOWNLOAD_DELAY'?\n"
                          "\nChecked 1 spider: OK\n");
}

TEST_F(CliProject, CheckLeavesFeedsAlone)
{
    write("items.jsonl", "{\"kept\": true}\n");
    write("settings.yaml", "FEEDS: {items.jsonl: {format: jsonl, overwrite: true}}\n");
    const auto result = trawl({"check"});
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_EQ(read("items.jsonl"), "{\"kept\": true}\n");
    const auto report = lines(result.out);
    EXPECT_NE(std::find(report.begin(), report.end(), "links: OK"), report.end()) << result.out;
    EXPECT_NE(std::find(report.begin(), report.end(), "quotes: OK"), report.end()) << result.out;
}

} // namespace
} // namespace trawl::testing
