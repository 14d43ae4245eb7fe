// The files and images pipelines in whole crawls against the test server:
// a spider yields one item naming files and images (and URLs that fail);
// they land on disk under their SHA-1 names with their MD5 checksums in the
// item; a second crawl reports them "uptodate" without requesting them;
// an unwritable store stops the crawl at start naming the setting.

#include "support/collect_pipeline.hpp"
#include "support/test_server.hpp"

#include <trawl/components.hpp>
#include <trawl/crawler.hpp>
#include <trawl/spider.hpp>

#include <boost/json/serialize.hpp>

#include <openssl/evp.h>

#include <gtest/gtest.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

namespace trawl::testing {
namespace {

namespace json = boost::json;
using namespace std::string_literals;

// Written here rather than taken from the pipeline's helpers, so the test
// checks the names against an independent computation.
std::string hex_digest(const EVP_MD* md, std::string_view data)
{
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int size = 0;
    EVP_Digest(data.data(), data.size(), digest.data(), &size, md, nullptr);
    std::string out;
    for (unsigned int i = 0; i < size; ++i) {
        out += fmt::format("{:02x}", digest[i]);
    }
    return out;
}

std::string be32(std::uint32_t v)
{
    return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
}
std::string be16(std::uint16_t v) { return {static_cast<char>(v >> 8), static_cast<char>(v)}; }

const std::string png_body = "\x89PNG\r\n\x1a\n"s + be32(13) + "IHDR" + be32(120) + be32(80) + "\x08\x02\x00\x00\x00"s +
                             be32(0x12345678) + be32(0) + "IEND" + be32(0xAE426082);
const std::string gif_body = "GIF89a\x40\x00\x30\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02\x44\x01\x00;"s;
const std::string jpeg_body = "\xFF\xD8\xFF\xE0"s + be16(16) + "JFIF"s + '\0' + std::string(9, '\x01') + "\xFF\xC0"s +
                              be16(17) + "\x08"s + be16(5) + be16(6) + "\x03"s + std::string(9, '\x11') + "\xFF\xD9"s;
const std::string pdf_body = "%PDF-1.4\n% a small document\n%%EOF\n";

TestFile served(std::string content_type, std::string body)
{
    TestFile file;
    file.content_type = std::move(content_type);
    file.body = std::move(body);
    return file;
}

class MediaSpider final : public Spider {
public:
    explicit MediaSpider(const TestServer& server)
    {
        name = "media";
        start_urls = {server.url("/")};
        file_urls_ = {server.url("/files/manual.pdf"), server.url("/status/404"), server.url("/files/notes")};
        image_urls_ = {server.url("/img/logo.png"), server.url("/img/dot.gif"), server.url("/img/photo.jpg"),
                       server.url("/bytes/100")};
    }
    Callback parse(Response) override
    {
        Item item{"product"};
        item["file_urls"] = json::value_from(file_urls_);
        item["image_urls"] = json::value_from(image_urls_);
        co_yield std::move(item);
    }

private:
    std::vector<std::string> file_urls_;
    std::vector<std::string> image_urls_;
};

class FilesPipelineCrawl : public ::testing::Test {
protected:
    void SetUp() override
    {
        std::string pattern = (std::filesystem::temp_directory_path() / "trawl-files-XXXXXX").string();
        ASSERT_NE(::mkdtemp(pattern.data()), nullptr) << std::strerror(errno);
        dir_ = pattern;
        TestServerOptions options;
        options.files["/files/manual.pdf"] = served("application/pdf", pdf_body);
        options.files["/files/notes"] = served("text/plain", "plain notes");
        options.files["/img/logo.png"] = served("image/png", png_body);
        options.files["/img/dot.gif"] = served("image/gif", gif_body);
        options.files["/img/photo.jpg"] = served("image/jpeg", jpeg_body);
        server_ = std::make_unique<TestServer>(options);
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    struct Result {
        std::string reason;
        std::vector<Item> items;
        boost::json::object stats;
    };

    Result crawl(std::filesystem::path files_store, std::filesystem::path images_store)
    {
        Settings settings;
        settings.set("LOG_LEVEL", "WARNING", SettingPriority::project);
        settings.set("FILES_STORE", json::value(files_store.string()), SettingPriority::project);
        settings.set("IMAGES_STORE", json::value(images_store.string()), SettingPriority::project);
        settings.set("IMAGES_MIN_WIDTH", 10, SettingPriority::project);  // the 5x6 JPEG is too small
        settings.set("ITEM_PIPELINES", json::object{{"files", 1}, {"images", 2}, {"collect", 100}},
                     SettingPriority::project);
        Collected collected;
        Crawler crawler(std::make_unique<MediaSpider>(*server_), std::move(settings));
        crawler.components().add_pipeline("collect",
                                          [&](Crawler&) { return std::make_unique<CollectPipeline>(collected); });
        Result result;
        result.reason = crawler.crawl();
        result.items = collected.items;
        result.stats = crawler.stats().snapshot();
        return result;
    }

    static double stat(const Result& result, std::string_view key)
    {
        auto it = result.stats.find(key);
        return it == result.stats.end() ? 0 : it->value().to_number<double>();
    }

    static std::string read(const std::filesystem::path& path)
    {
        std::ifstream in(path, std::ios::binary);
        return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    }

    std::string sha1(const std::string& path) const { return hex_digest(EVP_sha1(), server_->url(path)); }

    std::filesystem::path dir_;
    std::unique_ptr<TestServer> server_;
};

TEST_F(FilesPipelineCrawl, StoresFilesAndImagesThenFindsThemUpToDate)
{
    const auto files_store = dir_ / "files";
    const auto images_store = dir_ / "images";
    auto first = crawl(files_store, images_store);
    ASSERT_EQ(first.reason, "finished");
    ASSERT_EQ(first.items.size(), 1u);
    const auto& fields = first.items[0].fields();

    // Files: the 404 is left out; the others in order with Scrapy's paths.
    const auto& files = fields.at("files").as_array();
    ASSERT_EQ(files.size(), 2u) << json::serialize(files);
    const auto pdf_path = "full/" + sha1("/files/manual.pdf") + ".pdf";
    EXPECT_EQ(files[0].as_object(), (json::object{{"url", server_->url("/files/manual.pdf")},
                                                  {"path", pdf_path},
                                                  {"checksum", hex_digest(EVP_md5(), pdf_body)},
                                                  {"status", "downloaded"}}));
    EXPECT_EQ(files[1].at("path").as_string(), "full/" + sha1("/files/notes"));
    EXPECT_EQ(read(files_store / pdf_path), pdf_body);
    EXPECT_EQ(read(files_store / "full" / sha1("/files/notes")), "plain notes");

    // Images: stored by detected type; the too small JPEG and the
    // non-image are left out.
    const auto& images = fields.at("images").as_array();
    ASSERT_EQ(images.size(), 2u) << json::serialize(images);
    const auto png_path = "full/" + sha1("/img/logo.png") + ".png";
    const auto gif_path = "full/" + sha1("/img/dot.gif") + ".gif";
    EXPECT_EQ(images[0].at("path").as_string(), png_path);
    EXPECT_EQ(images[0].at("checksum").as_string(), hex_digest(EVP_md5(), png_body));
    EXPECT_EQ(images[1].at("path").as_string(), gif_path);
    EXPECT_EQ(read(images_store / png_path), png_body);
    EXPECT_EQ(read(images_store / gif_path), gif_body);
    EXPECT_FALSE(std::filesystem::exists(images_store / "full" / (sha1("/img/photo.jpg") + ".jpg")));

    // Counted when downloaded (as Scrapy does), so the refused JPEG and
    // non-image count too; the 404 does not.
    EXPECT_EQ(stat(first, "file_count"), 6);
    EXPECT_EQ(stat(first, "file_status_count/downloaded"), 6);
    EXPECT_EQ(stat(first, "item_scraped_count"), 1);

    // The second crawl: the four stored ones are up to date and not
    // requested; the start page and the three failures are requested again.
    const auto served_before = server_->requests_served();
    auto second = crawl(files_store, images_store);
    ASSERT_EQ(second.reason, "finished");
    ASSERT_EQ(second.items.size(), 1u);
    EXPECT_EQ(server_->requests_served() - served_before, 4u);
    EXPECT_EQ(stat(second, "file_status_count/uptodate"), 4);
    EXPECT_EQ(stat(second, "file_status_count/downloaded"), 2);
    for (const auto* field : {"files", "images"}) {
        const auto& results = second.items[0].fields().at(field).as_array();
        const auto& before = fields.at(field).as_array();
        ASSERT_EQ(results.size(), before.size()) << field;
        for (std::size_t i = 0; i < results.size(); ++i) {
            EXPECT_EQ(results[i].at("status").as_string(), "uptodate");
            EXPECT_EQ(results[i].at("path").as_string(), before[i].at("path").as_string());
            EXPECT_EQ(results[i].at("checksum").as_string(), before[i].at("checksum").as_string());
        }
    }
}

TEST_F(FilesPipelineCrawl, AnUnwritableStoreFailsAtStart)
{
    std::ofstream(dir_ / "a-file") << "x";
    const auto store = dir_ / "a-file" / "store";
    try {
        crawl(store, dir_ / "images");
        FAIL() << "the crawl ran";
    } catch (const std::exception& e) {
        EXPECT_NE(std::string(e.what()).find("FILES_STORE '" + store.string() + "'"), std::string::npos) << e.what();
    }
    EXPECT_EQ(server_->requests_served(), 0u);
}

} // namespace
} // namespace trawl::testing
