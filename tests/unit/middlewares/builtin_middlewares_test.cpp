#include "middleware_test_support.hpp"

#include <builtin_middlewares.hpp>

#include <trawl/components.hpp>

#include <boost/json/parse.hpp>

#include <gtest/gtest.h>

namespace trawl::test {
namespace {

template <class T>
std::vector<std::string> names(const std::vector<Components::Built<T>>& built)
{
    std::vector<std::string> out;
    for (const auto& b : built) {
        out.push_back(b.name);
    }
    return out;
}

TEST(BuiltinMiddlewaresTest, RegisteredUnderTheDefaultSettingsNames)
{
    // Only this area's names, so that components other areas have not
    // registered yet do not matter here.
    auto crawler = make_crawler(
        {{"DOWNLOADER_MIDDLEWARES_BASE",
          boost::json::parse(R"({"offsite": 50, "robotstxt": 100, "downloadtimeout": 350, "defaultheaders": 400,
                                 "useragent": 500, "retry": 550, "httpcompression": 590, "redirect": 600,
                                 "cookies": 700, "downloaderstats": 850})")},
         {"SPIDER_MIDDLEWARES_BASE", boost::json::parse(R"({"httperror": 50, "depth": 900})")},
         {"ROBOTSTXT_OBEY", true}});
    Components components;
    register_builtin_middlewares(components);
    EXPECT_EQ(names(components.build_downloader_middlewares(*crawler)),
              (std::vector<std::string>{"offsite", "robotstxt", "downloadtimeout", "defaultheaders", "useragent",
                                        "retry", "httpcompression", "redirect", "cookies", "downloaderstats"}));
    EXPECT_EQ(names(components.build_spider_middlewares(*crawler)), (std::vector<std::string>{"httperror", "depth"}));
}

TEST(BuiltinMiddlewaresTest, NotConfiguredOnesAreLeftOut)
{
    auto crawler = make_crawler({{"DOWNLOADER_MIDDLEWARES_BASE", boost::json::parse(R"({"retry": 550, "redirect": 600})")},
                                 {"RETRY_ENABLED", false}});
    Components components;
    register_builtin_middlewares(components);
    EXPECT_EQ(names(components.build_downloader_middlewares(*crawler)), (std::vector<std::string>{"redirect"}));
}

TEST(BuiltinMiddlewaresTest, SmallMiddlewaresUnderTheirDefaultNames)
{
    auto crawler = make_crawler(
        {{"DOWNLOADER_MIDDLEWARES_BASE", boost::json::parse(R"({"httpauth": 300, "metarefresh": 580})")},
         {"SPIDER_MIDDLEWARES_BASE", boost::json::parse(R"({"referer": 700, "urllength": 800})")},
         {"HTTPAUTH_USER", "user"},
         {"HTTPAUTH_DOMAIN", "example.com"}});
    Components components;
    register_builtin_middlewares(components);
    EXPECT_EQ(names(components.build_downloader_middlewares(*crawler)),
              (std::vector<std::string>{"httpauth", "metarefresh"}));
    EXPECT_EQ(names(components.build_spider_middlewares(*crawler)),
              (std::vector<std::string>{"referer", "urllength"}));
}

} // namespace
} // namespace trawl::test
