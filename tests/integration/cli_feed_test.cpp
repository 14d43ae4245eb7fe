// `trawl crawl -o/-O` where the output cannot work or the crawl cannot
// start, and feeds closed properly on SIGINT. Run as a child process
// (cli_support.hpp) against the test server's link site.

#include "cli_support.hpp"
#include "support/test_server.hpp"

#include <boost/json/parse.hpp>

#include <gtest/gtest.h>

#include <csignal>
#include <fcntl.h>
#include <filesystem>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace trawl::testing {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

using CliFeed = CliSiteTest;

TEST_F(CliFeed, UnwritableOutputFailsBeforeCrawlingWithThePathAndTheReason)
{
    fs::create_directory(dir() / "a-directory.jsonl");
    write("a-file", "");
    std::vector<std::pair<std::string, std::string>> cases{
        {"a-directory.jsonl", "cannot open 'a-directory.jsonl' for writing: Is a directory"},
        {"a-file/x.jsonl", "cannot open 'a-file/x.jsonl' for writing: Not a directory"},
        {"a-file/sub/x.csv", "Not a directory"}};
    if (::geteuid() != 0) {
        cases.emplace_back("/nonexistent/dir/x.jsonl", "cannot create directory '/nonexistent': Permission denied");
    }
    // Root may write anywhere, but not in /sys (where this system has it).
    if (const int probe = ::open("/sys/kernel/trawl-feed-test.jsonl", O_WRONLY | O_CREAT | O_EXCL, 0644); probe < 0) {
        if (fs::is_directory("/sys/kernel")) {
            cases.emplace_back("/sys/kernel/trawl-feed-test.jsonl",
                               "cannot create '/sys/kernel/trawl-feed-test.jsonl': ");
        }
    } else {
        ::close(probe);
        fs::remove("/sys/kernel/trawl-feed-test.jsonl");
    }
    for (const auto& [output, says] : cases) {
        SCOPED_TRACE(output);
        const auto served = server_->requests_served();
        const auto result = crawl({"-o", output});
        EXPECT_EQ(result.exit_code, 2);
        EXPECT_TRUE(one_line_error(result, "crawl", says));
        EXPECT_NE(result.err.find(output), std::string::npos) << result.err;
        EXPECT_EQ(result.err.find("Spider opened"), std::string::npos) << "the crawl must not start";
        EXPECT_EQ(server_->requests_served(), served) << "nothing fetched";
    }
    EXPECT_TRUE(fs::is_directory(dir() / "a-directory.jsonl"));
    EXPECT_TRUE(fs::is_regular_file(dir() / "a-file"));
}

TEST_F(CliFeed, ASpiderThatCannotStartLeavesTheOutputUntouched)
{
    write("kept.jsonl", "{\"old\": 1}\n");
    const auto kept_time = fs::last_write_time(dir() / "kept.jsonl");
    for (const auto& args : std::vector<std::vector<std::string>>{{"crawl", "links", "-o", "kept.jsonl"},
                                                                  {"crawl", "links", "-O", "kept.jsonl"},
                                                                  {"crawl", "links", "-o", "new.jsonl"},
                                                                  {"crawl", "links", "-O", "sub/new.json"}}) {
        SCOPED_TRACE(args[3]);
        const auto result = trawl(args);
        EXPECT_NE(result.exit_code, 0);
        EXPECT_NE(result.err.find("start_url"), std::string::npos) << result.err;
    }
    EXPECT_EQ(read("kept.jsonl"), "{\"old\": 1}\n");
    EXPECT_EQ(fs::last_write_time(dir() / "kept.jsonl"), kept_time);
    EXPECT_FALSE(fs::exists(dir() / "new.jsonl"));
    EXPECT_FALSE(fs::exists(dir() / "sub"));
}

TEST_F(CliFeed, SigintClosesEveryFeedProperly)
{
    // Started by hand (CliTest::trawl waits for the end): a slow crawl,
    // interrupted once items are flowing.
    std::vector<std::string> args{TRAWL_EXECUTABLE, "crawl", "links", "-a", "start_url=" + server_->url("/page/0"),
                                  "-L", "INFO", "-s", "DOWNLOAD_DELAY=0.05", "-o", "pages.jsonl", "-o", "pages.json",
                                  "-o", "pages.xml", "-o", "pages.csv"};
    std::vector<char*> argv;
    for (auto& arg : args) {
        argv.push_back(arg.data());
    }
    argv.push_back(nullptr);
    const std::string cwd = dir().string();
    const std::string err_path = (dir() / "stderr.txt").string();
    const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    ASSERT_GE(err, 0);
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        if (::chdir(cwd.c_str()) != 0 || ::dup2(err, STDERR_FILENO) < 0) {
            ::_exit(127);
        }
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    ::close(err);

    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (lines(read("pages.jsonl")).size() < 3 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ::kill(child, SIGINT);
    int status = 0;
    const auto exit_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    pid_t done = 0;
    while ((done = ::waitpid(child, &status, WNOHANG)) == 0 && std::chrono::steady_clock::now() < exit_deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (done != child) {
        ::kill(child, SIGKILL);
        ::waitpid(child, &status, 0);
        FAIL() << "trawl did not stop after SIGINT:\n" << read("stderr.txt");
    }
    ASSERT_TRUE(WIFEXITED(status)) << read("stderr.txt");
    EXPECT_EQ(WEXITSTATUS(status), 0) << read("stderr.txt");
    const auto log = read("stderr.txt");
    EXPECT_NE(log.find("Received SIGINT"), std::string::npos) << log;

    const auto items = json_lines(read("pages.jsonl")).size();
    EXPECT_GE(items, 3u);
    EXPECT_LT(items, static_cast<std::size_t>(site_pages)) << "the crawl was to stop early";
    const auto array = json::parse(read("pages.json"));
    EXPECT_EQ(array.as_array().size(), items);
    const auto xml = read("pages.xml");
    EXPECT_EQ(count(xml, "<item>"), items);
    EXPECT_TRUE(xml.ends_with("</items>")) << xml.substr(xml.size() > 100 ? xml.size() - 100 : 0);
    EXPECT_EQ(lines(read("pages.csv")).size(), items + 1);
    EXPECT_NE(log.find("Stored json feed (" + std::to_string(items) + " items) in: pages.json"), std::string::npos);
}

} // namespace
} // namespace trawl::testing
