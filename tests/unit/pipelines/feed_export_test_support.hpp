#pragma once
// Shared by the feed export tests: a temporary directory per test, a
// crawler whose FEEDS point into it, and the signals a crawl sends.

#include "../crawler/crawler_test_support.hpp"
#include "exporter_test_support.hpp"

#include "extensions/feed_export.hpp"

#include <trawl/downloader_middleware.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace trawl::test {

inline std::string read_file(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

inline void write_file(const std::filesystem::path& path, std::string_view content)
{
    std::ofstream out(path, std::ios::binary);
    out << content;
}

/// A temporary directory, and crawlers whose FEEDS point into it.
class FeedExportTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        std::string pattern = (std::filesystem::temp_directory_path() / "trawl-feeds-XXXXXX").string();
        ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
        dir_ = pattern;
    }
    void TearDown() override
    {
        std::error_code ignored;
        std::filesystem::remove_all(dir_, ignored);
    }

    std::string path(std::string_view name) const { return (dir_ / name).string(); }

    /// A crawler whose FEEDS is `feeds` (JSON) with "{dir}" replaced by the
    /// test's directory, on an io_context of the test's own as its loop.
    std::unique_ptr<Crawler> crawler(std::string feeds,
                                     std::initializer_list<std::pair<const char*, boost::json::value>> values = {})
    {
        for (std::size_t at; (at = feeds.find("{dir}")) != std::string::npos;) {
            feeds.replace(at, 5, dir_.string());
        }
        Settings settings;
        settings.set("FEEDS", boost::json::parse(feeds));
        for (const auto& [name, value] : values) {
            settings.set(name, value);
        }
        auto built = test::make_crawler(std::move(settings));
        built->attach_executor(loop_.get_executor());
        return built;
    }

    /// What the engine sends for a crawl that scrapes `items`.
    static void crawl(Crawler& crawler, const std::vector<Item>& items)
    {
        crawler.signals().send(SpiderOpened{});
        for (const auto& item : items) {
            crawler.signals().send(ItemScraped{item});
        }
        crawler.signals().send(SpiderClosed{"finished"});
    }

    static std::vector<Item> two_items()
    {
        return {item_from(R"({"name": "a \"b\", c", "n": 1})"), item_from(R"({"name": "d", "n": 2.5})")};
    }

    std::filesystem::path dir_;
    boost::asio::io_context loop_;
};

} // namespace trawl::test
