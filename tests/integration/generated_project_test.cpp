// A user's whole path, end to end: `cmake --install` this build tree into a
// temporary prefix, `trawl startproject`, `trawl genspider` (every
// template, so each one is compiled), configure and build the project
// against the installed package (find_package(trawl)), then run its
// executable's `list` and `crawl` against the test server and read the
// items it wrote (JSON lines and the sqlite pipeline's database). Slow (it
// compiles a project): ctest label "slow".
//
// From the build: TRAWL_BUILD_DIR (the tree to install), TRAWL_CMAKE (the
// cmake program), TRAWL_CXX_LAUNCHER (the parent's compiler launcher, e.g.
// ccache, reused so that a second run is quick; may be empty).

#include "cli_support.hpp"
#include "support/test_server.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/string.hpp>
#include <boost/json/value.hpp>

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using trawl::testing::read_file;
using trawl::testing::run_program;
using trawl::testing::RunResult;

using Run = RunResult;

std::string read(const fs::path& path) { return read_file(path); }

/// Runs argv in `cwd`, killed at `limit`.
Run run(std::vector<std::string> args, const fs::path& cwd, std::chrono::seconds limit)
{
    const std::string program = args.front();
    args.erase(args.begin());
    return run_program(program, args, cwd, limit);
}

std::string describe(const Run& r)
{
    return "exit " + std::to_string(r.exit_code) + "\nstdout:\n" + r.out + "\nstderr:\n" + r.err;
}

void replace_in_file(const fs::path& path, const std::string& from, const std::string& to)
{
    auto text = read(path);
    const auto at = text.find(from);
    ASSERT_NE(at, std::string::npos) << from << " not in " << path;
    text.replace(at, from.size(), to);
    std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

class GeneratedProjectTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        std::string pattern = (fs::temp_directory_path() / "trawl-project-XXXXXX").string();
        ASSERT_NE(::mkdtemp(pattern.data()), nullptr) << std::strerror(errno);
        dir_ = pattern;
    }
    void TearDown() override
    {
        std::error_code ignored;
        fs::remove_all(dir_, ignored);
    }
    fs::path dir_;
};

TEST_F(GeneratedProjectTest, InstallStartprojectGenspiderBuildAndCrawl)
{
    trawl::testing::TestServerOptions options;
    options.site_pages = 20;
    trawl::testing::TestServer server{options};

    // 1. Install this build tree.
    const auto prefix = dir_ / "prefix";
    auto r = run({TRAWL_CMAKE, "--install", TRAWL_BUILD_DIR, "--prefix", prefix.string()}, dir_, 120s);
    ASSERT_EQ(r.exit_code, 0) << describe(r);
    const auto trawl = (prefix / "bin" / "trawl").string();
    ASSERT_TRUE(fs::is_regular_file(trawl));
    ASSERT_TRUE(fs::is_regular_file(prefix / "lib" / "cmake" / "trawl" / "trawlConfig.cmake"));
    ASSERT_TRUE(fs::is_regular_file(prefix / "lib" / "cmake" / "trawl" / "trawlConfigVersion.cmake"));
    ASSERT_TRUE(fs::is_regular_file(prefix / "include" / "trawl" / "spider.hpp"));
    EXPECT_FALSE(fs::exists(prefix / "include" / "cli")) << "internal headers were installed";

    // 2. A project, and its refusals.
    const auto project = dir_ / "demoproj";
    r = run({trawl, "startproject", "demoproj", project.string()}, dir_, 60s);
    ASSERT_EQ(r.exit_code, 0) << describe(r);
    EXPECT_NE(r.out.find("genspider"), std::string::npos) << r.out;
    r = run({trawl, "startproject", "demoproj", project.string()}, dir_, 60s);
    EXPECT_EQ(r.exit_code, 2) << describe(r);
    EXPECT_NE(r.err.find("already exists"), std::string::npos) << r.err;
    r = run({trawl, "startproject", "9lives"}, dir_, 60s);
    EXPECT_EQ(r.exit_code, 2) << describe(r);
    EXPECT_NE(r.err.find("digit"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(dir_ / "9lives"));

    // 3. Spiders: the crawl one against the test server, the others compiled only.
    r = run({trawl, "genspider", "--list"}, project, 60s);
    ASSERT_EQ(r.exit_code, 0) << describe(r);
    EXPECT_EQ(r.out, "Available templates:\n  basic\n  crawl\n  csvfeed\n  sitemap\n  xmlfeed\n");
    r = run({trawl, "genspider", "-t", "crawl", "pages", server.url("/page/0")}, project, 60s);
    ASSERT_EQ(r.exit_code, 0) << describe(r);
    ASSERT_TRUE(fs::is_regular_file(project / "spiders" / "pages.cpp")) << r.out;
    // What a user does next: point the rule at the site's item pages.
    replace_in_file(project / "spiders" / "pages.cpp", R"x(R"(Items/)")x", R"x(R"(/page/\d+$)")x");
    for (const std::string kind : {"basic", "sitemap", "xmlfeed", "csvfeed"}) {
        r = run({trawl, "genspider", "-t", kind, "t_" + kind, "https://example.com/"}, project, 60s);
        EXPECT_EQ(r.exit_code, 0) << describe(r);
    }
    r = run({trawl, "genspider", "pages", "example.com"}, project, 60s);
    EXPECT_EQ(r.exit_code, 2) << describe(r);
    EXPECT_NE(r.err.find("already exists"), std::string::npos) << r.err;
    r = run({trawl, "genspider", "-t", "nosuch", "other", "example.com"}, project, 60s);
    EXPECT_EQ(r.exit_code, 2) << describe(r);
    EXPECT_NE(r.err.find("basic, crawl, csvfeed, sitemap, xmlfeed"), std::string::npos) << r.err;

    // 4. Configure and build against the installed package.
    const auto build = project / "build";
    std::vector<std::string> configure{TRAWL_CMAKE,      "-S", project.string(), "-B", build.string(), "-G", "Ninja",
                                       "-DCMAKE_PREFIX_PATH=" + prefix.string(),
                                       // Compiling fast matters more here than the code.
                                       "-DCMAKE_BUILD_TYPE=Debug", "-DCMAKE_CXX_FLAGS_DEBUG=-O0"};
    if (std::string launcher = TRAWL_CXX_LAUNCHER; !launcher.empty()) {
        configure.push_back("-DCMAKE_CXX_COMPILER_LAUNCHER=" + launcher);
    }
    r = run(configure, project, 120s);
    ASSERT_EQ(r.exit_code, 0) << describe(r);
    r = run({TRAWL_CMAKE, "--build", build.string(), "-j2"}, project, 600s);
    ASSERT_EQ(r.exit_code, 0) << describe(r);
    const auto program = (build / "demoproj").string();
    // trawl::allocator came through the installed package: the project
    // allocates as the trawl executable does (jemalloc, unless this is a
    // sanitizer build or jemalloc is not installed).
    auto uses_jemalloc = [&](const std::string& binary) {
        auto libraries = run({"ldd", binary}, project, 60s);
        EXPECT_EQ(libraries.exit_code, 0) << describe(libraries);
        return libraries.out.find("libjemalloc") != std::string::npos;
    };
    EXPECT_EQ(uses_jemalloc(program), uses_jemalloc(TRAWL_EXECUTABLE));

    // 5. Its own command line, with its spiders.
    r = run({program, "list"}, project, 60s);
    ASSERT_EQ(r.exit_code, 0) << describe(r);
    for (const char* name : {"example", "pages", "t_basic", "t_sitemap", "t_xmlfeed", "t_csvfeed"}) {
        EXPECT_NE(r.out.find(name), std::string::npos) << name << " not listed:\n" << r.out;
    }
    // The built-in sqlite pipeline too, enabled as a user would in
    // settings.yaml, and the project's own middleware by its registered name
    // (an unknown name would stop the crawl with exit 2).
    std::ofstream(project / "settings.yaml", std::ios::app)
        << "ITEM_PIPELINES:\n  sqlite: 300\nSQLITE_PATH: items.sqlite\n"
        << "DOWNLOADER_MIDDLEWARES:\n  demoproj.project_header: 543\n";
    r = run({program, "check", "pages", "-s", "ITEM_PIPELINES={demoproj.require_fields: 300}"}, project, 60s);
    EXPECT_EQ(r.exit_code, 0) << describe(r);
    r = run({program, "crawl", "pages", "-o", "items.jsonl", "-s", "LOG_LEVEL=INFO"}, project, 120s);
    ASSERT_EQ(r.exit_code, 0) << describe(r);

    // 6. The items: one per page the rule found, each with its page's title.
    std::istringstream lines{read(project / "items.jsonl")};
    const auto page_prefix = server.base_url() + "/page/";
    std::set<std::string> urls;
    for (std::string line; std::getline(lines, line);) {
        if (line.empty()) {
            continue;
        }
        const auto item = boost::json::parse(line).as_object();
        const std::string url{item.at("url").as_string()};
        ASSERT_EQ(url.rfind(page_prefix, 0), 0u) << url;
        const auto number = url.substr(page_prefix.size());
        ASSERT_FALSE(number.empty()) << url;
        ASSERT_TRUE(std::all_of(number.begin(), number.end(), [](char c) { return c >= '0' && c <= '9'; })) << url;
        EXPECT_EQ(item.at("title").as_string(), "Page " + number) << line;
        urls.insert(url);
    }
    // /page/0 links to /page/1, which links to /page/2, ...: every page but
    // the start page is reached through the rule at least.
    EXPECT_GE(urls.size(), 19u) << describe(r);

    // 7. The same items in SQLite: a table per item kind.
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open_v2((project / "items.sqlite").c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    sqlite3_stmt* count = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT COUNT(DISTINCT url) FROM \"item\"", -1, &count, nullptr), SQLITE_OK)
        << sqlite3_errmsg(db);
    ASSERT_EQ(sqlite3_step(count), SQLITE_ROW);
    EXPECT_EQ(static_cast<std::size_t>(sqlite3_column_int64(count, 0)), urls.size());
    sqlite3_finalize(count);
    sqlite3_close(db);
}

} // namespace
