// `trawl shell` run as a user runs it (cli_support.hpp): -c expressions
// against a test server page, a local file, invalid selectors, view, and a
// session piped on standard input.

#include "cli_support.hpp"
#include "support/test_server.hpp"

#include <boost/json/parse.hpp>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/wait.h>

namespace trawl::testing {
namespace {

namespace json = boost::json;

const char* const quotes_page = R"(<!DOCTYPE html>
<html><head><title>Quotes</title></head><body>
<div class="quote"><span class="text">“The world as we have created it”</span> <a href="/page/1">by Einstein</a></div>
<div class="quote"><span class="text">It is our choices, Harry</span> <a href="page/2">by Rowling</a></div>
</body></html>
)";

/// The JSON array printed on one line, as strings.
std::vector<std::string> strings(const json::value& value)
{
    std::vector<std::string> out;
    for (const auto& item : value.as_array()) {
        out.emplace_back(item.as_string());
    }
    return out;
}

using Strings = std::vector<std::string>;

class CliShell : public CliTest {
protected:
    static void SetUpTestSuite()
    {
        TestServerOptions options{.site_pages = 5};
        TestFile quotes;
        quotes.content_type = "text/html; charset=utf-8";
        quotes.body = quotes_page;
        options.files["/quotes"] = std::move(quotes);
        server_ = new TestServer(std::move(options));
    }
    static void TearDownTestSuite()
    {
        delete server_;
        server_ = nullptr;
    }

    RunResult shell(std::vector<std::string> args) const
    {
        args.insert(args.begin(), "shell");
        return trawl(args);
    }

    /// `trawl shell ARGS` with `input` on standard input (a file, so not a
    /// terminal: lines are read plainly). Through /bin/sh, as a script would.
    RunResult shell_with_input(const std::string& args, const std::string& input) const
    {
        write("input.txt", input);
        const std::string command = "cd '" + dir().string() + "' && timeout 60 '" TRAWL_EXECUTABLE "' shell " + args +
                                    " < input.txt > out.txt 2> err.txt";
        const int status = std::system(command.c_str());
        RunResult result;
        result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        result.out = read("out.txt");
        result.err = read("err.txt");
        return result;
    }

    static TestServer* server_;
};

TestServer* CliShell::server_ = nullptr;

TEST_F(CliShell, EvaluatesCssXpathAndReWithC)
{
    const auto result = shell({server_->url("/quotes"), "-c", "css:div.quote span.text::text", "-c",
                               "xpath://a/@href", "-c", R"(css:a::attr(href) re:page/(\d+))", "-c",
                               "css:div.quote span.text::text re:\\w+", "-c", "xpath:count(//div)"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.err, "") << "the shell's log is quiet unless asked";
    const auto out = json_lines(result.out);
    ASSERT_EQ(out.size(), 5u) << result.out;
    EXPECT_EQ(strings(out[0]), (Strings{"“The world as we have created it”", "It is our choices, Harry"}));
    EXPECT_EQ(strings(out[1]), (Strings{"/page/1", "page/2"}));
    EXPECT_EQ(strings(out[2]), (Strings{"1", "2"}));
    EXPECT_EQ(strings(out[3]), (Strings{"The", "world", "as", "we", "have", "created", "it", "It", "is", "our",
                                        "choices", "Harry"}));
    EXPECT_EQ(strings(out[4]), (Strings{"2.0"}));
}

TEST_F(CliShell, NoMatchIsAnEmptyArray)
{
    const auto result = shell({server_->url("/quotes"), "-c", "css:table td"});
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.out, "[]\n");
}

TEST_F(CliShell, ElementsPrintAsMarkup)
{
    const auto result = shell({server_->url("/quotes"), "-c", "css:div.quote a", "-c", "css:title"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    const auto out = json_lines(result.out);
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(strings(out[0]), (Strings{R"(<a href="/page/1">by Einstein</a>)", R"(<a href="page/2">by Rowling</a>)"}));
    EXPECT_EQ(strings(out[1]), (Strings{"<title>Quotes</title>"}));
}

TEST_F(CliShell, LoadsLocalFilesWithTheirEncoding)
{
    // windows-1252 bytes, declared only in the page: decoded as a spider would.
    write("page.html", "<html><head><meta charset=\"windows-1252\"><title>caf\xe9</title></head>"
                       "<body><p class=\"x\">cr\xe8me br\xfbl\xe9" "e</p></body></html>");
    const std::vector<std::string> targets{"page.html", "./page.html", (dir() / "page.html").string(),
                                           "file://" + (dir() / "page.html").string()};
    for (const auto& target : targets) {
        const auto result = shell({target, "-c", "css:title::text", "-c", "css:p.x::text", "-c", "response"});
        ASSERT_EQ(result.exit_code, 0) << target << ": " << result.err;
        const auto out = json_lines(result.out);
        ASSERT_EQ(out.size(), 3u) << result.out;
        EXPECT_EQ(strings(out[0]), (Strings{"café"})) << target;
        EXPECT_EQ(strings(out[1]), (Strings{"crème brûlée"})) << target;
        EXPECT_EQ(out[2].at("encoding").as_string(), "windows-1252") << target;
        EXPECT_EQ(out[2].at("protocol").as_string(), "file") << target;
    }
}

TEST_F(CliShell, InvalidSelectorsAreReportedAndTheRestStillRuns)
{
    const auto result = shell({server_->url("/quotes"), "-c", "css:div[", "-c", "css:title::text", "-c",
                               "xpath://a[", "-c", "css:a re:(unclosed", "-c", "re:x css:a", "-c", "nonsense"});
    EXPECT_EQ(result.exit_code, 1) << "an expression failed";
    const auto out = json_lines(result.out);
    ASSERT_EQ(out.size(), 1u) << "only the valid expression printed:\n" << result.out;
    EXPECT_EQ(strings(out[0]), (Strings{"Quotes"}));
    const auto err = lines(result.err);
    ASSERT_EQ(err.size(), 5u) << result.err;
    EXPECT_NE(err[0].find("invalid CSS selector 'div['"), std::string::npos) << err[0];
    EXPECT_NE(err[0].find(" at 4"), std::string::npos) << "names the position: " << err[0];
    EXPECT_NE(err[1].find("//a["), std::string::npos) << err[1];
    EXPECT_NE(err[2].find("(unclosed"), std::string::npos) << err[2];
    EXPECT_NE(err[3].find("cannot follow 're:'"), std::string::npos) << err[3];
    EXPECT_NE(err[4].find("unknown command 'nonsense'"), std::string::npos) << err[4];
}

TEST_F(CliShell, ViewWritesThePageWithItsBase)
{
    const auto url = server_->url("/quotes");
    const auto named = shell({url, "-c", "view seen.html"});
    ASSERT_EQ(named.exit_code, 0) << named.err;
    EXPECT_EQ(named.out, "seen.html\n");
    const auto page = read("seen.html");
    EXPECT_NE(page.find("<head><meta charset=\"utf-8\"><base href=\"" + url + "\"><title>Quotes</title>"),
              std::string::npos)
        << page;
    EXPECT_NE(page.find("“The world as we have created it”"), std::string::npos) << page;

    const auto temporary = shell({url, "-c", "view"});
    ASSERT_EQ(temporary.exit_code, 0) << temporary.err;
    const std::filesystem::path path = last_line(temporary.out);
    EXPECT_EQ(path.extension(), ".html");
    ASSERT_TRUE(std::filesystem::is_regular_file(path)) << temporary.out;
    std::ifstream in(path, std::ios::binary);
    std::ostringstream written;
    written << in.rdbuf();
    EXPECT_EQ(written.str(), page);
    std::filesystem::remove(path);
}

TEST_F(CliShell, PipedSessionReadsLinesPlainly)
{
    const auto result = shell_with_input(
        "'" + server_->url("/quotes") + "'",
        "css:title::text\n"
        "# a comment, then a blank line\n"
        "\n"
        "fetch " + server_->url("/page/3") + "\n"
        "css:title::text\n"
        "response\n"
        "help\n"
        "quit\n"
        "css:never-run\n");
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.err, "");
    const auto out = lines(result.out);
    ASSERT_GE(out.size(), 4u) << result.out;
    EXPECT_EQ(out[0], R"(["Quotes"])");
    EXPECT_EQ(out[1], R"(["Page 3"])");
    const auto summary = json::parse(out[2]);
    EXPECT_EQ(summary.at("url").as_string(), server_->url("/page/3"));
    EXPECT_EQ(summary.at("status").as_int64(), 200);
    EXPECT_NE(result.out.find("css:QUERY"), std::string::npos) << "help:\n" << result.out;
    EXPECT_EQ(result.out.find("never-run"), std::string::npos);
}

TEST_F(CliShell, PipedSessionGoesOnAfterErrorsAndExitsOne)
{
    const auto result = shell_with_input("'" + server_->url("/quotes") + "' -s RETRY_ENABLED=false",
                                         "css:p[\n"
                                         "fetch " + server_->url("/drop") + "\n"
                                         "css:title::text\n");
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_EQ(result.out, "[\"Quotes\"]\n") << "the failed fetch keeps the page";
    const auto err = lines(result.err);
    ASSERT_EQ(err.size(), 2u) << result.err;
    EXPECT_NE(err[0].find("invalid CSS selector 'p['"), std::string::npos) << err[0];
    EXPECT_NE(err[1].find("/drop"), std::string::npos) << err[1];
}

TEST_F(CliShell, ErrorStatusIsStillAPage)
{
    const auto result = shell({server_->url("/page/99"), "-c", "response"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(json::parse(result.out).at("status").as_int64(), 404);
}

TEST_F(CliShell, FailedLoadExitsOneWithTheReason)
{
    const auto missing = shell({"missing.html", "-c", "css:a"});
    EXPECT_EQ(missing.exit_code, 1);
    EXPECT_TRUE(one_line_error(missing, "shell", "missing.html"));
    EXPECT_EQ(missing.out, "");

    const auto dropped = shell({server_->url("/drop"), "-s", "RETRY_ENABLED=false", "-c", "css:a"});
    EXPECT_EQ(dropped.exit_code, 1);
    EXPECT_TRUE(one_line_error(dropped, "shell", "/drop"));
    EXPECT_EQ(dropped.out, "");

    const auto bad = shell({"ftp://127.0.0.1/x", "-c", "css:a"});
    EXPECT_EQ(bad.exit_code, 1);
    EXPECT_TRUE(one_line_error(bad, "shell", "unsupported scheme"));
}

} // namespace
} // namespace trawl::testing
