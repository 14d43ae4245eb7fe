#pragma once
// The `trawl` executable run as a user runs it: a child process in its own
// temporary working directory, with standard output and standard error
// captured, standard input empty, and a time limit. The path of the built
// program comes from the build (TRAWL_EXECUTABLE).

#include "support/test_server.hpp"

#include <boost/json/value.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace trawl::testing {

struct RunResult {
    int exit_code = -1;      ///< the status passed to exit(); -1 if killed by a signal
    bool timed_out = false;  ///< killed at the time limit
    std::string out;         ///< standard output
    std::string err;         ///< standard error
};

/// Runs `program ARGS...` (a path, or a name looked up in PATH) in `cwd`
/// and waits for it, at most `limit` (then it is killed and the test fails).
RunResult run_program(const std::string& program, const std::vector<std::string>& args,
                      const std::filesystem::path& cwd, std::chrono::seconds limit);

/// The whole content of a file ("" if missing).
std::string read_file(const std::filesystem::path& path);

/// A temporary working directory for each test, removed afterwards.
class CliTest : public ::testing::Test {
protected:
    void SetUp() override;
    void TearDown() override;

    /// Runs `trawl ARGS...` in dir() and waits for it, at most `limit`.
    RunResult trawl(const std::vector<std::string>& args,
                    std::chrono::seconds limit = std::chrono::seconds{60}) const;
    /// Runs `program ARGS...` (a path) the same way, e.g. a project's executable.
    RunResult run(const std::string& program, const std::vector<std::string>& args,
                  std::chrono::seconds limit = std::chrono::seconds{60}) const;

    const std::filesystem::path& dir() const { return dir_; }
    /// A file in dir(), as a string (empty if missing).
    std::string read(const std::filesystem::path& name) const;
    void write(const std::filesystem::path& name, const std::string& text) const;

private:
    std::filesystem::path dir_;
};

/// A CliTest whose suite shares a test server of `site_pages` linked pages
/// (/page/0 ... /page/299), crawled with the links spider.
class CliSiteTest : public CliTest {
protected:
    static constexpr int site_pages = 300;

    static void SetUpTestSuite();
    static void TearDownTestSuite();

    /// `trawl crawl links` from /page/0 with `extra` options, at INFO.
    RunResult crawl(std::vector<std::string> extra) const;

    static TestServer* server_;
};

/// The non-empty lines of `text`.
std::vector<std::string> lines(const std::string& text);
/// JSON lines, each parsed; a line that does not parse fails the test.
std::vector<boost::json::value> json_lines(const std::string& text);
/// How often `needle` occurs in `text`.
std::size_t count(const std::string& text, const std::string& needle);
/// `text`'s last non-empty line ("" if none).
std::string last_line(const std::string& text);

/// A command's error as the user sees it: one line "PROGRAM CMD: error: ...",
/// the last on standard error.
::testing::AssertionResult one_line_error(const RunResult& result, const std::string& command,
                                          const std::string& mentions, const std::string& program = "trawl");

} // namespace trawl::testing
