// startproject and genspider's generation (framework/src/cli/project_generator):
// files, substitutions and refusals, in a temporary folder.

#include "cli/project_generator.hpp"

#include <gtest/gtest.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <algorithm>
#include <sstream>
#include <string>

namespace {

namespace fs = std::filesystem;
using namespace trawl::cli;

class ProjectGeneratorTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        std::string pattern = (fs::temp_directory_path() / "trawl-gen-XXXXXX").string();
        ASSERT_NE(::mkdtemp(pattern.data()), nullptr) << std::strerror(errno);
        dir_ = pattern;
    }
    void TearDown() override
    {
        std::error_code ignored;
        fs::remove_all(dir_, ignored);
    }

    static std::string read(const fs::path& path)
    {
        std::ifstream in(path, std::ios::binary);
        std::ostringstream text;
        text << in.rdbuf();
        return std::move(text).str();
    }

    fs::path dir_;
};

// Leftover {{key}} placeholders: a key of lower-case letters and _, or
// SpiderClass. (No std::regex: libstdc++'s warns under the sanitizers.)
bool has_placeholder(const std::string& text)
{
    for (auto open = text.find("{{"); open != std::string::npos; open = text.find("{{", open + 1)) {
        const auto close = text.find("}}", open + 2);
        if (close == std::string::npos) {
            return false;
        }
        const auto key = text.substr(open + 2, close - open - 2);
        const bool lower_key = !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
            return (c >= 'a' && c <= 'z') || c == '_';
        });
        if (lower_key || key == "SpiderClass") {
            return true;
        }
    }
    return false;
}

TEST(ProjectGenerator, NamesMustBeIdentifiers)
{
    EXPECT_FALSE(invalid_name_reason("demoproj"));
    EXPECT_FALSE(invalid_name_reason("_x9"));
    EXPECT_FALSE(invalid_name_reason("My_Project2"));
    const auto digit = invalid_name_reason("9lives");
    ASSERT_TRUE(digit);
    EXPECT_NE(digit->find("digit"), std::string::npos) << *digit;
    const auto dash = invalid_name_reason("my-project");
    ASSERT_TRUE(dash);
    EXPECT_NE(dash->find("identifier"), std::string::npos) << *dash;
    const auto keyword = invalid_name_reason("class");
    ASSERT_TRUE(keyword);
    EXPECT_NE(keyword->find("keyword"), std::string::npos) << *keyword;
    EXPECT_TRUE(invalid_name_reason("co_await"));
    EXPECT_TRUE(invalid_name_reason(""));
    EXPECT_TRUE(invalid_name_reason("caf\xc3\xa9"));
    EXPECT_TRUE(invalid_name_reason("test"));   // a CMake target name
    EXPECT_TRUE(invalid_name_reason("trawl"));  // trawl's own executable
}

TEST(ProjectGenerator, RenderReplacesOnlyKnownKeys)
{
    const std::map<std::string, std::string, std::less<>> vars{{"name", "x"}};
    EXPECT_EQ(render("a {{name}} b {{name}}", vars), "a x b x");
    EXPECT_EQ(render(R"(ns = {{"dc", "u"}}; f({{.allow = 1}}); {{other}})", vars),
              R"(ns = {{"dc", "u"}}; f({{.allow = 1}}); {{other}})");
    EXPECT_EQ(render("{{{name}}}", vars), "{x}");
    EXPECT_EQ(render("unclosed {{name", vars), "unclosed {{name");
}

TEST(ProjectGenerator, SpiderClassNames)
{
    EXPECT_EQ(spider_class_name("example"), "ExampleSpider");
    EXPECT_EQ(spider_class_name("my_spider"), "MySpiderSpider");
    EXPECT_EQ(spider_class_name("_x"), "XSpider");
}

TEST(ProjectGenerator, SpiderTargets)
{
    auto t = parse_spider_target("example.com");
    EXPECT_EQ(t.allowed_domain, "example.com");
    EXPECT_EQ(t.base_url, "https://example.com");
    EXPECT_EQ(t.start_url, "https://example.com/");

    t = parse_spider_target("http://127.0.0.1:8080/page/0?x=1");
    EXPECT_EQ(t.allowed_domain, "127.0.0.1");
    EXPECT_EQ(t.base_url, "http://127.0.0.1:8080");
    EXPECT_EQ(t.start_url, "http://127.0.0.1:8080/page/0?x=1");

    t = parse_spider_target("HTTPS://User@Shop.Example:443");
    EXPECT_EQ(t.allowed_domain, "shop.example");
    EXPECT_EQ(t.start_url, "https://Shop.Example:443/");

    t = parse_spider_target("example.com/catalog");
    EXPECT_EQ(t.allowed_domain, "example.com");
    EXPECT_EQ(t.start_url, "https://example.com/catalog");

    EXPECT_THROW(parse_spider_target(""), GeneratorError);
    EXPECT_THROW(parse_spider_target("ftp://example.com/"), GeneratorError);
    EXPECT_THROW(parse_spider_target("exa\"mple.com"), GeneratorError);
    EXPECT_THROW(parse_spider_target("example.com:http"), GeneratorError);
    EXPECT_THROW(parse_spider_target("http:///path"), GeneratorError);
}

TEST(ProjectGenerator, EveryTemplateIsEmbedded)
{
    EXPECT_EQ(spider_template_names(), (std::vector<std::string>{"basic", "crawl", "csvfeed", "sitemap", "xmlfeed"}));
    std::vector<std::string> paths;
    for (const auto& t : embedded_templates()) {
        paths.emplace_back(t.path);
        EXPECT_FALSE(t.text.empty()) << t.path;
    }
    for (const char* expected : {"project/CMakeLists.txt.in", "project/settings.yaml.in", "project/main.cpp.in",
                                 "project/README.md.in"}) {
        EXPECT_NE(std::find(paths.begin(), paths.end(), expected), paths.end()) << expected;
    }
}

TEST_F(ProjectGeneratorTest, StartProjectWritesTheProject)
{
    const auto project = start_project("demoproj", dir_ / "nested" / "demoproj");
    EXPECT_EQ(project.dir, dir_ / "nested" / "demoproj");
    for (const char* file : {"CMakeLists.txt", "settings.yaml", "main.cpp", "README.md", "spiders/example.cpp"}) {
        EXPECT_TRUE(fs::is_regular_file(project.dir / file)) << file;
    }
    EXPECT_TRUE(fs::is_directory(project.dir / "pipelines"));
    EXPECT_TRUE(fs::is_directory(project.dir / "middlewares"));
    EXPECT_TRUE(is_project_dir(project.dir));
    for (const auto& file : project.files) {
        EXPECT_NE(file.extension(), ".in") << file;
        const auto text = read(project.dir / file);
        EXPECT_FALSE(has_placeholder(text)) << file;
    }
    const auto cmake = read(project.dir / "CMakeLists.txt");
    EXPECT_NE(cmake.find("project(demoproj LANGUAGES CXX)"), std::string::npos);
    EXPECT_NE(cmake.find("find_package(trawl REQUIRED)"), std::string::npos);
    EXPECT_NE(cmake.find("trawl::trawl"), std::string::npos);
    EXPECT_NE(read(project.dir / "main.cpp").find("run_command_line(argc, argv, \"demoproj\")"), std::string::npos);
    const auto settings = read(project.dir / "settings.yaml");
    EXPECT_NE(settings.find("BOT_NAME: demoproj\n"), std::string::npos);
    EXPECT_NE(settings.find("ROBOTSTXT_OBEY: true\n"), std::string::npos);
    EXPECT_NE(settings.find("FEED_EXPORT_ENCODING: utf-8\n"), std::string::npos);
}

TEST_F(ProjectGeneratorTest, StartProjectDefaultsToTheName)
{
    const auto old = fs::current_path();
    fs::current_path(dir_);
    const auto project = start_project("shop");
    fs::current_path(old);
    EXPECT_EQ(project.dir, dir_ / "shop");
    EXPECT_TRUE(fs::is_regular_file(dir_ / "shop" / "settings.yaml"));
}

TEST_F(ProjectGeneratorTest, StartProjectRefusesWithoutWriting)
{
    fs::create_directories(dir_ / "taken");
    try {
        start_project("demoproj", dir_ / "taken");
        FAIL() << "an existing folder was accepted";
    } catch (const GeneratorError& e) {
        EXPECT_NE(std::string{e.what()}.find("already exists"), std::string::npos) << e.what();
    }
    EXPECT_TRUE(fs::is_empty(dir_ / "taken"));
    EXPECT_THROW(start_project("1st", dir_ / "a"), GeneratorError);
    EXPECT_THROW(start_project("namespace", dir_ / "b"), GeneratorError);
    EXPECT_THROW(start_project("my-proj", dir_ / "c"), GeneratorError);
    EXPECT_FALSE(fs::exists(dir_ / "a"));
    EXPECT_FALSE(fs::exists(dir_ / "b"));
    EXPECT_FALSE(fs::exists(dir_ / "c"));
}

TEST_F(ProjectGeneratorTest, GenspiderInsideAProjectWritesToSpiders)
{
    const auto project = start_project("demoproj", dir_ / "demoproj");
    const auto spider = generate_spider("pages", "http://127.0.0.1:8080/page/0", "crawl", project.dir);
    EXPECT_TRUE(spider.in_project);
    EXPECT_EQ(spider.project_name, "demoproj");
    EXPECT_EQ(spider.file, project.dir / "spiders" / "pages.cpp");
    const auto text = read(spider.file);
    EXPECT_FALSE(has_placeholder(text));
    EXPECT_NE(text.find("class PagesSpider final : public trawl::CrawlSpider"), std::string::npos);
    EXPECT_NE(text.find("name = \"pages\";"), std::string::npos);
    EXPECT_NE(text.find("allowed_domains = {\"127.0.0.1\"};"), std::string::npos);
    EXPECT_NE(text.find("start_urls = {\"http://127.0.0.1:8080/page/0\"};"), std::string::npos);
    EXPECT_NE(text.find("./build/demoproj crawl pages"), std::string::npos);
    EXPECT_NE(text.find("TRAWL_SPIDER(PagesSpider);"), std::string::npos);
    // C++ braces that look like placeholders are left alone.
    EXPECT_NE(text.find("trawl::LinkExtractor{{.allow"), std::string::npos);
}

TEST_F(ProjectGeneratorTest, GenspiderOutsideAProjectWritesToTheFolder)
{
    const auto spider = generate_spider("news", "news.example", "xmlfeed", dir_);
    EXPECT_FALSE(spider.in_project);
    EXPECT_EQ(spider.file, dir_ / "news.cpp");
    const auto text = read(spider.file);
    EXPECT_NE(text.find("start_urls = {\"https://news.example/feed.xml\"};"), std::string::npos);
    EXPECT_NE(text.find("namespaces = {{\"dc\""), std::string::npos);
}

TEST_F(ProjectGeneratorTest, EverySpiderTemplateRenders)
{
    for (const auto& name : spider_template_names()) {
        const auto spider = generate_spider("s_" + name, "example.com", name, dir_);
        const auto text = read(spider.file);
        EXPECT_FALSE(has_placeholder(text)) << name;
        EXPECT_NE(text.find("TRAWL_SPIDER(S" + std::string(1, static_cast<char>(std::toupper(name[0]))) +
                            name.substr(1) + "Spider);"),
                  std::string::npos)
            << name;
    }
}

TEST_F(ProjectGeneratorTest, GenspiderRefusals)
{
    generate_spider("first", "example.com", "basic", dir_);
    const auto before = read(dir_ / "first.cpp");
    try {
        generate_spider("first", "other.example", "crawl", dir_);
        FAIL() << "an existing spider was replaced";
    } catch (const GeneratorError& e) {
        EXPECT_NE(std::string{e.what()}.find("already exists"), std::string::npos) << e.what();
    }
    EXPECT_EQ(read(dir_ / "first.cpp"), before);
    generate_spider("first", "other.example", "crawl", dir_, /*force=*/true);
    EXPECT_NE(read(dir_ / "first.cpp"), before);

    try {
        generate_spider("second", "example.com", "nosuch", dir_);
        FAIL() << "an unknown template was accepted";
    } catch (const GeneratorError& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("unknown template 'nosuch'"), std::string::npos) << what;
        EXPECT_NE(what.find("basic, crawl, csvfeed, sitemap, xmlfeed"), std::string::npos) << what;
    }
    EXPECT_THROW(generate_spider("2nd", "example.com", "basic", dir_), GeneratorError);
    EXPECT_THROW(generate_spider("while", "example.com", "basic", dir_), GeneratorError);
    EXPECT_THROW(generate_spider("third", "not a domain", "basic", dir_), GeneratorError);
    EXPECT_FALSE(fs::exists(dir_ / "second.cpp"));
    EXPECT_FALSE(fs::exists(dir_ / "third.cpp"));
}

} // namespace
