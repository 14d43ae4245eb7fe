// `trawl` itself, version, list and --help, and how the command line
// reports its own mistakes: run as a child process (cli_support.hpp).

#include "cli_support.hpp"

#include <gtest/gtest.h>

#include <map>

namespace trawl::testing {
namespace {

using CliBasic = CliTest;

TEST_F(CliBasic, VersionPrintsTheVersion)
{
    const auto result = trawl({"version"});
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_EQ(result.out, std::string("trawl ") + TRAWL_VERSION + "\n");
    EXPECT_EQ(result.err, "");
}

TEST_F(CliBasic, VersionVerboseNamesTheLibraries)
{
    const auto result = trawl({"version", "-v"});
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_EQ(result.out.rfind(std::string("trawl ") + TRAWL_VERSION + "\n", 0), 0u) << result.out;
    for (const char* library : {"Boost", "OpenSSL", "c-ares"}) {
        EXPECT_NE(result.out.find(library), std::string::npos) << library << " missing in:\n" << result.out;
    }
}

TEST_F(CliBasic, HelpNamesEveryCommand)
{
    const auto result = trawl({"--help"});
    EXPECT_EQ(result.exit_code, 0);
    for (const char* command : {"crawl", "demo", "list", "check", "fetch", "shell", "settings", "version"}) {
        EXPECT_NE(result.out.find(command), std::string::npos) << command << " missing in:\n" << result.out;
    }
}

TEST_F(CliBasic, HelpOfEachCommandNamesItsOptions)
{
    const std::map<std::string, std::vector<std::string>> options{
        {"crawl", {"spider", "-a", "-o", "--output", "-O", "--overwrite-output", "--stats-json", "-s", "--set", "-L",
                   "--loglevel", "--logfile", "--nolog", "FILE[:FORMAT]"}},
        {"fetch", {"url", "--headers", "--no-redirect", "-s", "-L", "--logfile", "--nolog"}},
        {"demo", {"--quotes", "-O", "--output", "--stats-json", "-s", "-L", "--logfile", "--nolog"}},
        {"list", {}},
        {"check", {"spider", "-l", "--list", "-s", "-L", "--nolog"}},
        {"settings", {"--get", "--getbool", "--getint", "--getfloat", "--getlist", "SETTING", "-s"}},
        {"version", {"-v", "--verbose"}},
    };
    for (const auto& [command, names] : options) {
        const auto result = trawl({command, "--help"});
        EXPECT_EQ(result.exit_code, 0) << command;
        EXPECT_NE(result.out.find(command), std::string::npos) << result.out;
        for (const auto& name : names) {
            EXPECT_NE(result.out.find(name), std::string::npos) << command << " --help lacks " << name << ":\n"
                                                                << result.out;
        }
    }
}

TEST_F(CliBasic, ListNamesTheBuiltInSpiders)
{
    const auto result = trawl({"list"});
    EXPECT_EQ(result.exit_code, 0);
    const auto names = lines(result.out);
    EXPECT_NE(std::find(names.begin(), names.end(), "links"), names.end()) << result.out;
    EXPECT_NE(std::find(names.begin(), names.end(), "quotes"), names.end()) << result.out;
    EXPECT_EQ(result.err, "");
}

TEST_F(CliBasic, NoCommandIsAUsageError)
{
    const auto result = trawl({});
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_NE(result.err.find("subcommand"), std::string::npos) << result.err;
}

TEST_F(CliBasic, UnknownCommandOrOptionIsAUsageError)
{
    for (const auto& args : {std::vector<std::string>{"scrape"},
                                                std::vector<std::string>{"crawl", "links", "--no-such-option"},
                                                std::vector<std::string>{"crawl"}, std::vector<std::string>{"fetch"}}) {
        const auto result = trawl(args);
        EXPECT_EQ(result.exit_code, 2) << args.front() << ": " << result.err;
        EXPECT_FALSE(result.err.empty());
        EXPECT_EQ(result.out, "");
    }
}

} // namespace
} // namespace trawl::testing
