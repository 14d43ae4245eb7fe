#include "support/run_coro.hpp"

#include <trawl/downloader.hpp>
#include <trawl/error.hpp>

#include <boost/asio/io_context.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace trawl {
namespace {

using testing::run_coro;

class LocalHandlers : public ::testing::Test {
protected:
    DownloadResult fetch(std::string url) { return run_coro(loop_, downloader_.fetch(Request{std::move(url)})); }

    boost::asio::io_context loop_{1};
    Settings settings_;
    Downloader downloader_{loop_.get_executor(), settings_};
};

TEST_F(LocalHandlers, FileUrl)
{
    auto path = std::filesystem::temp_directory_path() / "trawl local handler test.html";
    std::ofstream(path, std::ios::binary) << "<p>hi</p>";
    auto result = fetch("file://" + std::string(path.parent_path()) + "/trawl%20local%20handler%20test.html");
    std::filesystem::remove(path);
    ASSERT_TRUE(result) << result.error().what();
    EXPECT_EQ(result->status(), 200);
    EXPECT_EQ(result->body(), "<p>hi</p>");
    EXPECT_EQ(result->protocol(), "file");
    EXPECT_EQ(result->request().url, result->url());
}

TEST_F(LocalHandlers, MissingFile)
{
    auto result = fetch("file:///nonexistent/trawl/file.html");
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, errc::file_not_found);
    EXPECT_NE(result.error().message.find("/nonexistent/trawl/file.html"), std::string::npos);
}

TEST_F(LocalHandlers, DataUrls)
{
    auto plain = fetch("data:,Hello%2C%20World%21");
    ASSERT_TRUE(plain) << plain.error().what();
    EXPECT_EQ(plain->body(), "Hello, World!");
    EXPECT_EQ(plain->headers().get("Content-Type"), "text/plain;charset=US-ASCII");

    auto b64 = fetch("data:text/html;base64,PGI+aGk8L2I+");
    ASSERT_TRUE(b64) << b64.error().what();
    EXPECT_EQ(b64->body(), "<b>hi</b>");
    EXPECT_EQ(b64->headers().get("Content-Type"), "text/html");

    auto charset_only = fetch("data:;charset=utf-8,x");
    ASSERT_TRUE(charset_only);
    EXPECT_EQ(charset_only->headers().get("Content-Type"), "text/plain;charset=utf-8");
}

TEST_F(LocalHandlers, BadDataUrls)
{
    EXPECT_EQ(fetch("data:no-comma").error().code, errc::invalid_url);
    EXPECT_EQ(fetch("data:;base64,@@@@").error().code, errc::invalid_url);
}

TEST_F(LocalHandlers, HandlersCanBeTurnedOffPerScheme)
{
    Settings settings;
    settings.set("DOWNLOAD_HANDLERS", boost::json::object{{"data", nullptr}}, SettingPriority::project);
    Downloader downloader{loop_.get_executor(), settings};
    auto result = run_coro(loop_, downloader.fetch(Request{"data:,x"}));
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, errc::unsupported_scheme);
}

TEST_F(LocalHandlers, UnknownHandlerNameIsASettingsError)
{
    Settings settings;
    settings.set("DOWNLOAD_HANDLERS", boost::json::object{{"s3", "boto"}}, SettingPriority::project);
    EXPECT_THROW((Downloader{loop_.get_executor(), settings}), SettingsError);
}

} // namespace
} // namespace trawl
