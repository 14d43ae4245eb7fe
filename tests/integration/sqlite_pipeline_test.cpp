// Item pipelines in a real crawl against the test server: the sqlite
// pipeline stores what the spider yields; a database that cannot be opened
// stops the crawl before it fetches; a pipeline that throws fails only the
// items it throws on, counted with the pipeline's name as the reason.

#include "support/collect_pipeline.hpp"
#include "support/test_server.hpp"
#include "unit/middlewares/middleware_test_support.hpp"

#include <trawl/components.hpp>
#include <trawl/crawler.hpp>
#include <trawl/spider.hpp>

#include <boost/json/value.hpp>

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <unistd.h>

namespace trawl::testing {
namespace {

namespace fs = std::filesystem;

constexpr int items_per_page = 30;

/// Yields items_per_page items ("n": 0..29) from each start page.
class ItemsSpider final : public Spider {
public:
    explicit ItemsSpider(std::vector<std::string> urls)
    {
        name = "items";
        start_urls = std::move(urls);
    }
    Callback parse(Response response) override
    {
        for (int n = 0; n < items_per_page; ++n) {
            Item item{"row"};
            item["n"] = n;
            item["url"] = response.url();
            item["title"] = "Zoë " + std::to_string(n);
            co_yield std::move(item);
        }
    }
};

/// A user's pipeline with a bug: throws on every third item.
class ThrowingPipeline final : public ItemPipeline {
public:
    boost::asio::awaitable<ItemAction> process_item(Item item, Spider&) override
    {
        if (item["n"].as_int64() % 3 == 2) {
            throw std::logic_error{"no price in item " + std::to_string(item["n"].as_int64()) + "."};
        }
        co_return item;
    }
};

class PipelinesCrawl : public ::testing::Test {
protected:
    PipelinesCrawl()
    {
        dir_ = fs::temp_directory_path() / ("trawl_pipelines_crawl_" + std::to_string(::getpid()));
        fs::remove_all(dir_);
        fs::create_directories(dir_);
    }
    ~PipelinesCrawl() override { fs::remove_all(dir_); }

    std::unique_ptr<Crawler> make(Settings settings, std::vector<std::string> paths)
    {
        settings.set("LOG_LEVEL", "INFO", SettingPriority::project);
        std::vector<std::string> urls;
        for (const auto& path : paths) {
            urls.push_back(server_.url(path));
        }
        auto crawler = std::make_unique<Crawler>(std::make_unique<ItemsSpider>(std::move(urls)), std::move(settings));
        crawler->components().add_pipeline(
            "collect", [this](Crawler&) { return std::make_unique<CollectPipeline>(collected_); });
        crawler->components().add_pipeline("thrower", [](Crawler&) { return std::make_unique<ThrowingPipeline>(); });
        return crawler;
    }

    TestServer server_{TestServerOptions{.threads = 1}};
    Collected collected_;
    fs::path dir_;
};

TEST_F(PipelinesCrawl, SqliteStoresTheCrawlsItems)
{
    Settings settings;
    settings.set("ITEM_PIPELINES", boost::json::object{{"sqlite", 300}, {"collect", 400}});
    settings.set("SQLITE_PATH", boost::json::value((dir_ / "%(name)s.sqlite").string()));
    settings.set("SQLITE_KEY", boost::json::array{"url", "n"});
    settings.set("SQLITE_BATCH_SIZE", 7);
    auto crawler = make(std::move(settings), {"/page/0", "/page/1", "/page/2"});
    EXPECT_EQ(crawler->crawl(), "finished");
    EXPECT_EQ(collected_.items.size(), 3U * items_per_page);
    EXPECT_EQ(crawler->stats().get_number("sqlite/items_written"), 3 * items_per_page);

    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open_v2((dir_ / "items.sqlite").c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    sqlite3_stmt* statement = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT count(*), count(DISTINCT url), max(n) FROM row", -1, &statement, nullptr),
              SQLITE_OK);
    ASSERT_EQ(sqlite3_step(statement), SQLITE_ROW);
    EXPECT_EQ(sqlite3_column_int(statement, 0), 3 * items_per_page);
    EXPECT_EQ(sqlite3_column_int(statement, 1), 3);
    EXPECT_EQ(sqlite3_column_int(statement, 2), items_per_page - 1);
    sqlite3_finalize(statement);
    sqlite3_close(db);
}

TEST_F(PipelinesCrawl, UnopenableDatabaseStopsTheCrawlBeforeItFetches)
{
    const auto file = dir_ / "not_a_dir";
    std::ofstream{file} << "x";
    Settings settings;
    settings.set("ITEM_PIPELINES", boost::json::object{{"sqlite", 300}});
    settings.set("SQLITE_PATH", boost::json::value((file / "items.sqlite").string()));
    auto crawler = make(std::move(settings), {"/page/0"});
    try {
        crawler->crawl();
        ADD_FAILURE() << "the crawl must fail";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string{e.what()}.find("not_a_dir"), std::string::npos) << e.what();
    }
    EXPECT_EQ(server_.requests_served(), 0U);
}

TEST_F(PipelinesCrawl, ThrowingPipelineFailsOnlyItsItems)
{
    Settings settings;
    settings.set("ITEM_PIPELINES", boost::json::object{{"thrower", 100}, {"collect", 200}});
    auto crawler = make(std::move(settings), {"/page/0", "/page/1"});
    test::LogCapture log;
    EXPECT_EQ(crawler->crawl(), "finished");
    const int failed = 2 * items_per_page / 3;
    EXPECT_EQ(collected_.items.size(), static_cast<std::size_t>(2 * items_per_page - failed));
    for (const auto& item : collected_.items) {
        EXPECT_NE(item.fields().at("n").as_int64() % 3, 2);
    }
    EXPECT_EQ(crawler->stats().get_number("item_failed_count"), failed);
    EXPECT_EQ(crawler->stats().get_number("item_failed_reasons_count/thrower"), failed);
    EXPECT_EQ(crawler->stats().get_number("item_scraped_count"), 2 * items_per_page - failed);
    EXPECT_EQ(log.count("in pipeline thrower: no price in item 5."), 2U);
    EXPECT_EQ(log.count("Error processing row item from <" + server_.url("/page/1") + "> in pipeline thrower: "
                        "no price in item 2."),
              1U);
}

} // namespace
} // namespace trawl::testing
