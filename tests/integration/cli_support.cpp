#include "cli_support.hpp"

#include <boost/json/parse.hpp>

#include <cerrno>
#include <cstring>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace trawl::testing {

namespace fs = std::filesystem;

void CliTest::SetUp()
{
    std::string pattern = (fs::temp_directory_path() / "trawl-cli-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr) << std::strerror(errno);
    dir_ = pattern;
}

void CliTest::TearDown()
{
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
}

std::string CliTest::read(const fs::path& name) const
{
    return read_file(dir_ / name);
}

void CliTest::write(const fs::path& name, const std::string& text) const
{
    std::ofstream(dir_ / name, std::ios::binary) << text;
}

RunResult CliTest::trawl(const std::vector<std::string>& args, std::chrono::seconds limit) const
{
    return run(TRAWL_EXECUTABLE, args, limit);
}

RunResult CliTest::run(const std::string& program, const std::vector<std::string>& args,
                       std::chrono::seconds limit) const
{
    return run_program(program, args, dir_, limit);
}

std::string read_file(const fs::path& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return std::move(text).str();
}

RunResult run_program(const std::string& program, const std::vector<std::string>& args, const fs::path& cwd,
                      std::chrono::seconds limit)
{
    RunResult result;
    // Files rather than pipes: nothing to drain while waiting.
    const auto out_path = cwd / ".trawl-stdout";
    const auto err_path = cwd / ".trawl-stderr";
    const int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    const int in = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (out < 0 || err < 0 || in < 0) {
        ADD_FAILURE() << "cannot open the output files: " << std::strerror(errno);
        return result;
    }
    std::vector<std::string> argv_strings{program};
    argv_strings.insert(argv_strings.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& arg : argv_strings) {
        argv.push_back(arg.data());
    }
    argv.push_back(nullptr);
    const std::string cwd_text = cwd.string();

    // Between fork and exec only async-signal-safe calls: the test process
    // has threads (the test servers).
    const pid_t pid = ::fork();
    if (pid == 0) {
        if (::chdir(cwd_text.c_str()) != 0 || ::dup2(in, STDIN_FILENO) < 0 || ::dup2(out, STDOUT_FILENO) < 0 ||
            ::dup2(err, STDERR_FILENO) < 0) {
            ::_exit(127);
        }
        ::execvp(argv[0], argv.data());
        ::_exit(127);
    }
    ::close(out);
    ::close(err);
    ::close(in);
    if (pid < 0) {
        ADD_FAILURE() << "fork: " << std::strerror(errno);
        return result;
    }

    const auto deadline = std::chrono::steady_clock::now() + limit;
    int status = 0;
    while (true) {
        const pid_t done = ::waitpid(pid, &status, WNOHANG);
        if (done == pid) {
            break;
        }
        if (done < 0 && errno != EINTR) {
            ADD_FAILURE() << "waitpid: " << std::strerror(errno);
            return result;
        }
        if (std::chrono::steady_clock::now() > deadline) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, &status, 0);
            result.timed_out = true;
            break;
        }
        // Bounded polling: the child's exit is not otherwise observable
        // without a SIGCHLD handler, which the test process must not own.
        std::this_thread::sleep_for(std::chrono::milliseconds{5});
    }
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    result.out = read_file(out_path);
    result.err = read_file(err_path);
    fs::remove(out_path);
    fs::remove(err_path);
    EXPECT_FALSE(result.timed_out) << program << " did not finish in " << limit.count() << " s; stderr:\n" << result.err;
    return result;
}

std::vector<std::string> lines(const std::string& text)
{
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (!line.empty()) {
            out.push_back(line);
        }
    }
    return out;
}

std::vector<boost::json::value> json_lines(const std::string& text)
{
    std::vector<boost::json::value> out;
    for (const auto& line : lines(text)) {
        boost::system::error_code ec;
        auto value = boost::json::parse(line, ec);
        EXPECT_FALSE(ec) << "not JSON: " << line;
        out.push_back(std::move(value));
    }
    return out;
}

std::size_t count(const std::string& text, const std::string& needle)
{
    std::size_t n = 0;
    for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + needle.size())) {
        ++n;
    }
    return n;
}

std::string last_line(const std::string& text)
{
    const auto all = lines(text);
    return all.empty() ? std::string{} : all.back();
}

::testing::AssertionResult one_line_error(const RunResult& result, const std::string& command,
                                          const std::string& mentions, const std::string& program)
{
    const std::string prefix = program + " " + command + ": error: ";
    const std::string line = last_line(result.err);
    if (line.rfind(prefix, 0) != 0) {
        return ::testing::AssertionFailure() << "the last line of stderr is not \"" << prefix << "...\":\n"
                                             << result.err;
    }
    if (count(result.err, prefix) != 1) {
        return ::testing::AssertionFailure() << "more than one error line:\n" << result.err;
    }
    if (line.find(mentions) == std::string::npos) {
        return ::testing::AssertionFailure() << "the error does not mention \"" << mentions << "\": " << line;
    }
    return ::testing::AssertionSuccess();
}

TestServer* CliSiteTest::server_ = nullptr;

void CliSiteTest::SetUpTestSuite() { server_ = new TestServer(TestServerOptions{.site_pages = site_pages}); }

void CliSiteTest::TearDownTestSuite()
{
    delete server_;
    server_ = nullptr;
}

RunResult CliSiteTest::crawl(std::vector<std::string> extra) const
{
    std::vector<std::string> args{"crawl", "links", "-a", "start_url=" + server_->url("/page/0"), "-L", "INFO"};
    args.insert(args.end(), extra.begin(), extra.end());
    return trawl(args);
}

} // namespace trawl::testing
