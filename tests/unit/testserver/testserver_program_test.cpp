// The trawl-testserver program: one "listening on URL" line, serves, and
// exits 0 on SIGTERM.

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <gtest/gtest.h>

#include <csignal>
#include <stdexcept>
#include <cstdio>
#include <string>

#include <sys/wait.h>
#include <unistd.h>

namespace {

namespace net = boost::asio;

/// A child process with its stdout on a pipe; killed if the test fails early.
class Program {
public:
    explicit Program(const char* path) {
        int fds[2];
        if (pipe(fds) != 0) {
            throw std::runtime_error("pipe");
        }
        pid_ = fork();
        if (pid_ == 0) {
            dup2(fds[1], STDOUT_FILENO);
            close(fds[0]);
            close(fds[1]);
            execl(path, path, "--site-pages", "10", static_cast<char*>(nullptr));
            _exit(127);
        }
        close(fds[1]);
        out_ = fdopen(fds[0], "r");
    }
    ~Program() {
        if (pid_ > 0) {
            kill(pid_, SIGKILL);
            waitpid(pid_, nullptr, 0);
        }
        if (out_) {
            fclose(out_);
        }
    }
    Program(const Program&) = delete;
    Program& operator=(const Program&) = delete;

    std::string read_line() {
        std::string line;
        for (int c = fgetc(out_); c != EOF && c != '\n'; c = fgetc(out_)) {
            line += static_cast<char>(c);
        }
        return line;
    }
    /// Sends `signal` and returns the exit status.
    int stop(int signal) {
        kill(pid_, signal);
        int status = 0;
        waitpid(pid_, &status, 0);
        pid_ = -1;
        return status;
    }

private:
    pid_t pid_ = -1;
    std::FILE* out_ = nullptr;
};

TEST(TestServerProgram, PrintsItsUrlServesAndStopsOnSigterm) {
    Program program(TRAWL_TESTSERVER_PATH);
    const std::string line = program.read_line();
    const std::string prefix = "listening on http://127.0.0.1:";
    ASSERT_EQ(line.rfind(prefix, 0), 0u) << line;
    const auto port = static_cast<unsigned short>(std::stoi(line.substr(prefix.size())));

    net::io_context ioc;
    net::ip::tcp::socket socket(ioc);
    socket.connect({net::ip::make_address("127.0.0.1"), port});
    net::write(socket, net::buffer(std::string("GET /page/3 HTTP/1.0\r\nHost: x\r\n\r\n")));
    std::string response;
    boost::system::error_code ec;
    net::read(socket, net::dynamic_buffer(response), ec);
    EXPECT_EQ(ec, net::error::eof);
    EXPECT_EQ(response.rfind("HTTP/1.0 200", 0), 0u);
    EXPECT_NE(response.find("<title>Page 3</title>"), std::string::npos);

    const int status = program.stop(SIGTERM);
    ASSERT_TRUE(WIFEXITED(status)) << status;
    EXPECT_EQ(WEXITSTATUS(status), 0);
    EXPECT_EQ(program.read_line(), "");  // exactly one line
}

} // namespace
