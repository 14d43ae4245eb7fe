// The files and images pipelines without a crawl: the store paths, the
// image header parser on crafted (and hostile) bytes, the store, and
// process_item with a stub downloader standing in for Crawler::download.

#include "unit/middlewares/middleware_test_support.hpp"

#include <files_pipeline.hpp>
#include <images_pipeline.hpp>
#include <media_image.hpp>
#include <media_path.hpp>
#include <media_store.hpp>

#include <trawl/components.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json/serialize.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

namespace trawl::test {
namespace {

namespace net = boost::asio;
namespace json = boost::json;
using namespace std::string_literals;

// ---- crafted images -------------------------------------------------------

std::string be32(std::uint32_t v)
{
    return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
}
std::string le32(std::uint32_t v)
{
    return {static_cast<char>(v), static_cast<char>(v >> 8), static_cast<char>(v >> 16), static_cast<char>(v >> 24)};
}
std::string le16(std::uint16_t v) { return {static_cast<char>(v), static_cast<char>(v >> 8)}; }
std::string be16(std::uint16_t v) { return {static_cast<char>(v >> 8), static_cast<char>(v)}; }
std::string le24(std::uint32_t v) { return le32(v).substr(0, 3); }

std::string png(std::uint32_t w, std::uint32_t h)
{
    return "\x89PNG\r\n\x1a\n"s + be32(13) + "IHDR" + be32(w) + be32(h) + "\x08\x06\x00\x00\x00"s + be32(0) +
           be32(0) + "IEND" + be32(0xAE426082);
}
std::string gif(std::uint16_t w, std::uint16_t h) { return "GIF89a" + le16(w) + le16(h) + "\x80\x00\x00"s + ";"; }
std::string jpeg(std::uint16_t w, std::uint16_t h, std::uint8_t sof = 0xC0)
{
    std::string s = "\xFF\xD8"s;
    s += "\xFF\xE0"s + be16(16) + "JFIF"s + '\0' + std::string(9, '\x01');  // APP0
    s += "\xFF\xDB"s + be16(4) + "\x00\x01"s;                                  // DQT (shortened)
    s += "\xFF\xC4"s + be16(4) + "\x00\x00"s;                                  // DHT: in the SOF range, not a SOF
    s += "\xFF"s + static_cast<char>(sof) + be16(17) + "\x08"s + be16(h) + be16(w) + "\x03"s + std::string(9, '\x11');
    s += "\xFF\xDA"s + be16(8) + std::string(6, '\0') + "\x12\x34\xFF\xD9"s;
    return s;
}
std::string riff(const std::string& chunk) { return "RIFF" + le32(static_cast<std::uint32_t>(chunk.size() + 4)) + "WEBP" + chunk; }
std::string webp_lossy(std::uint16_t w, std::uint16_t h)
{
    return riff("VP8 " + le32(10) + "\x30\x01\x00\x9D\x01\x2A"s + le16(w) + le16(h));
}
std::string webp_lossless(std::uint32_t w, std::uint32_t h)
{
    return riff("VP8L" + le32(5) + "\x2F"s + le32((w - 1) | ((h - 1) << 14)));
}
std::string webp_extended(std::uint32_t w, std::uint32_t h)
{
    return riff("VP8X" + le32(10) + std::string(4, '\0') + le24(w - 1) + le24(h - 1));
}
std::string bmp(std::int32_t w, std::int32_t h)
{
    return "BM" + le32(54) + le32(0) + le32(54) + le32(40) + le32(static_cast<std::uint32_t>(w)) +
           le32(static_cast<std::uint32_t>(h)) + le16(1) + le16(24) + std::string(24, '\0');
}
std::string box(const std::string& type, const std::string& content)
{
    return be32(static_cast<std::uint32_t>(content.size() + 8)) + type + content;
}
std::string avif(std::uint32_t w, std::uint32_t h)
{
    const auto ftyp = box("ftyp", "avif" + be32(0) + "mif1" + "miaf");
    const auto ispe = box("ispe", be32(0) + be32(w) + be32(h));
    const auto meta = box("meta", be32(0) + box("hdlr", std::string(24, '\0')) + box("iprp", box("ipco", ispe)));
    return ftyp + meta + box("mdat", "xx");
}

// ---- paths ------------------------------------------------------------------

TEST(MediaPath, Sha1AndMd5AreLowerCaseHex)
{
    EXPECT_EQ(media::sha1_hex("http://www.example.com/files/product1.pdf"), "0a79c461a4062ac383dc4fade7bc09f1384a3910");
    EXPECT_EQ(media::md5_hex("hello"), "5d41402abc4b2a76b9719d911017c592");
}

TEST(MediaPath, FilePathIsScrapys)
{
    // The example of Scrapy's media-pipeline documentation.
    EXPECT_EQ(media::file_path("http://www.example.com/files/product1.pdf"),
              "full/0a79c461a4062ac383dc4fade7bc09f1384a3910.pdf");
    EXPECT_EQ(media::path_stem("http://127.0.0.1/a.png"), "full/d3dc3663c7d576720b94971af238519f198f8f23");
}

TEST(MediaPath, ExtensionFromTheUrlPath)
{
    EXPECT_EQ(media::url_extension("http://x/a.pdf"), ".pdf");
    EXPECT_EQ(media::url_extension("http://x/a.PDF"), ".pdf");
    EXPECT_EQ(media::url_extension("http://x/a.tar.gz"), ".gz");
    EXPECT_EQ(media::url_extension("http://x/a.pdf/"), ".pdf");
    EXPECT_EQ(media::url_extension("http://x/a.pdf?x=1.html"), ".pdf");
    EXPECT_EQ(media::url_extension("http://x/a.jpg#f.png"), ".jpg");
    EXPECT_EQ(media::url_extension("http://x/dir/"), "");
    EXPECT_EQ(media::url_extension("http://x/.bashrc"), "");
    EXPECT_EQ(media::url_extension("http://x/a.weird"), "");
    EXPECT_EQ(media::url_extension("http://x/a."), "");
    EXPECT_EQ(media::url_extension("http://x.pdf"), "");
    EXPECT_EQ(media::url_extension("http://x.com/?q=a.pdf"), "");
    EXPECT_EQ(media::url_extension(""), "");
}

// ---- image headers ----------------------------------------------------------

void expect_image(const std::string& body, media::ImageType type, std::uint32_t w, std::uint32_t h)
{
    const auto probed = media::probe_image(body);
    ASSERT_TRUE(probed) << probed.error().reason;
    EXPECT_EQ(probed->type, type);
    EXPECT_EQ(probed->width, w);
    EXPECT_EQ(probed->height, h);
}

void expect_rejected(const std::string& body, std::string_view reason_part)
{
    const auto probed = media::probe_image(body);
    ASSERT_FALSE(probed) << "accepted as " << media::image_type_name(probed->type);
    EXPECT_NE(probed.error().reason.find(reason_part), std::string::npos) << probed.error().reason;
}

TEST(ImageHeader, ReadsEachFormatsSize)
{
    expect_image(png(640, 480), media::ImageType::png, 640, 480);
    expect_image(gif(17, 3), media::ImageType::gif, 17, 3);
    expect_image(jpeg(1024, 768), media::ImageType::jpeg, 1024, 768);
    expect_image(jpeg(50, 60, 0xC2), media::ImageType::jpeg, 50, 60);  // progressive
    expect_image(webp_lossy(300, 200), media::ImageType::webp, 300, 200);
    expect_image(webp_lossless(16384, 1), media::ImageType::webp, 16384, 1);
    expect_image(webp_extended(1 << 24, 5), media::ImageType::webp, 1 << 24, 5);
    expect_image(bmp(32, 16), media::ImageType::bmp, 32, 16);
    expect_image(bmp(32, -16), media::ImageType::bmp, 32, 16);  // top-down
    expect_image(avif(1920, 1080), media::ImageType::avif, 1920, 1080);
}

TEST(ImageHeader, ExtensionsByType)
{
    EXPECT_EQ(media::image_extension(media::ImageType::jpeg), ".jpg");
    EXPECT_EQ(media::image_extension(media::ImageType::png), ".png");
    EXPECT_EQ(media::image_extension(media::ImageType::webp), ".webp");
}

TEST(ImageHeader, RefusesWhatIsNotAnImage)
{
    expect_rejected("", "not an image");
    expect_rejected("<!doctype html><html>404</html>", "not an image");
    expect_rejected("%PDF-1.7", "not an image");
    expect_rejected(png(0, 10), "zero width");
    expect_rejected(png(0x80000000u, 1), "out of range");
    expect_rejected(gif(5, 0), "zero width");
    expect_rejected(bmp(-5, 5), "negative width");
    expect_rejected(riff("ABCD" + le32(10) + std::string(10, '\0')), "unknown first chunk");
    expect_rejected(riff("VP8 " + le32(10) + std::string(10, '\0')), "start code");
    expect_rejected("\xFF\xD8\xFF\xDA"s + be16(8) + std::string(6, '\0'), "before its scan");
    expect_rejected("\xFF\xD8\xFF\xD9"s, "before its end");
    expect_rejected("\xFF\xD8\xFF\xE0\x00\x01"s, "length under 2");
    expect_rejected("\xFF\xD8\xFF\xC0"s + be16(17) + "\x08"s + be16(0) + be16(5) + "\x03", "DNL");
    expect_rejected(box("ftyp", "avif" + be32(0)) + box("mdat", ""), "meta");
}

TEST(ImageHeader, EveryTruncationIsAnErrorNotACrash)
{
    const std::vector<std::string> images{png(640, 480),        gif(17, 3),          jpeg(1024, 768),
                                          webp_lossy(300, 200), webp_lossless(7, 9), webp_extended(8, 8),
                                          bmp(32, 16),          avif(100, 50)};
    for (const auto& image : images) {
        // Each header is whole only at its full length (or close to it):
        // any shorter prefix must fail cleanly (ASan checks the reads).
        std::size_t accepted = 0;
        for (std::size_t n = 0; n < image.size(); ++n) {
            if (media::probe_image(std::string_view(image).substr(0, n))) {
                ++accepted;
            }
        }
        EXPECT_LT(accepted, image.size()) << media::probe_image(image)->width;
    }
    expect_rejected(png(1, 1).substr(0, 20), "truncated PNG");
    expect_rejected(jpeg(1, 1).substr(0, 40), "truncated JPEG");
}

TEST(ImageHeader, HostileBytesNeverCrash)
{
    // Every byte of each image flipped to a few values, and lengths claiming
    // more than the body has: a bounds slip shows under ASan.
    const std::vector<std::string> images{png(640, 480), gif(17, 3), jpeg(1024, 768), webp_lossy(300, 200),
                                          webp_extended(8, 8), bmp(32, 16), avif(100, 50)};
    int probed = 0;
    for (const auto& image : images) {
        for (std::size_t i = 0; i < image.size(); ++i) {
            for (const unsigned char value : {0x00, 0x01, 0x7F, 0xFF}) {
                auto copy = image;
                copy[i] = static_cast<char>(value);
                (void)media::probe_image(copy);
                (void)media::probe_image(std::string_view(copy).substr(0, i + 1));
                ++probed;
            }
        }
    }
    // A JPEG segment whose length runs past the end, an AVIF box of 2^64 - 1
    // bytes, a 64-bit box size smaller than its header.
    expect_rejected("\xFF\xD8\xFF\xE0\xFF\xFF"s + "abc", "truncated JPEG");
    expect_rejected(box("ftyp", "avif" + be32(0)) + be32(1) + "meta" + std::string(8, '\xFF'), "meta");
    expect_rejected(box("ftyp", "avif" + be32(0)) + be32(1) + "meta" + std::string(7, '\0') + "\x04"s, "meta");
    EXPECT_GT(probed, 1000);
}

// ---- the store ----------------------------------------------------------------

class TempDir {
public:
    TempDir()
    {
        std::string pattern = (std::filesystem::temp_directory_path() / "trawl-media-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) {
            throw std::runtime_error(std::strerror(errno));
        }
        path_ = pattern;
    }
    ~TempDir() { std::filesystem::remove_all(path_); }
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

std::string read_file(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(MediaStore, PersistsAtomicallyAndStats)
{
    TempDir dir;
    media::MediaStore store(dir.path() / "store");
    store.check_writable("FILES_STORE");
    EXPECT_TRUE(std::filesystem::is_directory(dir.path() / "store" / "full"));
    EXPECT_FALSE(store.stat("full/x.txt"));
    store.persist("full/x.txt", "first");
    store.persist("full/x.txt", "second");
    EXPECT_EQ(read_file(dir.path() / "store/full/x.txt"), "second");
    const auto stored = store.stat("full/x.txt");
    ASSERT_TRUE(stored);
    EXPECT_EQ(stored->checksum, media::md5_hex("second"));
    // No temporary file is left behind.
    int files = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir.path() / "store/full")) {
        ++files;
    }
    EXPECT_EQ(files, 1);
}

TEST(MediaStore, AnUnwritableStoreIsNamed)
{
    TempDir dir;
    std::ofstream(dir.path() / "a-file") << "x";
    // Under a regular file: unwritable even for root.
    media::MediaStore store(dir.path() / "a-file" / "store");
    try {
        store.check_writable("FILES_STORE");
        FAIL() << "no error";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("FILES_STORE '" + (dir.path() / "a-file/store").string() + "'"),
                  std::string::npos)
            << e.what();
    }
}

// ---- the pipelines with a stub downloader ----------------------------------------

// Answers from a map of URL -> (status, body); counts the calls per URL.
struct StubWeb {
    struct Page {
        int status = 200;
        std::string body;
        std::vector<std::string> flags{};
    };
    std::map<std::string, Page> pages;
    std::map<std::string, int> calls;
    std::chrono::milliseconds delay{0};
    std::vector<Request> requests;

    media::DownloadFunction function()
    {
        return [this](Request request) -> net::awaitable<DownloadResult> {
            ++calls[request.url];
            requests.push_back(request);
            if (delay.count() > 0) {
                net::steady_timer timer(co_await net::this_coro::executor, delay);
                co_await timer.async_wait(net::use_awaitable);
            }
            auto it = pages.find(request.url);
            if (it == pages.end()) {
                DownloadError error{make_error_code(errc::connection_refused), "connect: connection refused",
                                    request.url};
                co_return error;
            }
            co_return make_response(request.url, it->second.status, request, {}, it->second.body, it->second.flags);
        };
    }
};

class FilesPipelineTest : public ::testing::Test {
protected:
    std::unique_ptr<Crawler> crawler_ = make_crawler();
    TempDir dir_;
    StubWeb web_;

    media::MediaOptions options(std::string prefix = "FILES")
    {
        crawler_->settings().set(prefix + "_STORE", json::value((dir_.path() / "store").string()));
        return media::read_media_options(*crawler_, prefix, prefix == "FILES" ? "file" : "image");
    }

    Item item_with(std::vector<std::string> urls, std::string field = "file_urls")
    {
        Item item{"product"};
        json::array list;
        for (auto& url : urls) {
            list.emplace_back(url);
        }
        item[field] = std::move(list);
        return item;
    }

    Item process(media::MediaPipeline& pipeline, Item item)
    {
        auto action = run(pipeline.process_item(std::move(item), crawler_->spider()));
        EXPECT_TRUE(std::holds_alternative<Item>(action));
        return std::get<Item>(std::move(action));
    }
};

TEST_F(FilesPipelineTest, NotConfiguredWithoutAStore)
{
    EXPECT_THROW(FilesPipeline::from_crawler(*crawler_), NotConfigured);
    EXPECT_THROW(ImagesPipeline::from_crawler(*crawler_), NotConfigured);
    crawler_->settings().set("FILES_STORE", "s3://bucket/path");
    EXPECT_THROW(FilesPipeline::from_crawler(*crawler_), NotConfigured);
}

TEST_F(FilesPipelineTest, SettingsAndDefaults)
{
    auto o = options();
    EXPECT_EQ(o.urls_field, "file_urls");
    EXPECT_EQ(o.result_field, "files");
    EXPECT_EQ(o.expires_days, 90);
    EXPECT_FALSE(o.allow_redirects);
    auto i = options("IMAGES");
    EXPECT_EQ(i.urls_field, "image_urls");
    EXPECT_EQ(i.result_field, "images");
    Components components;
    register_builtin_components(components);
    crawler_->settings().set("ITEM_PIPELINES", json::object{{"files", 1}, {"images", 2}});
    auto built = components.build_pipelines(*crawler_);
    ASSERT_EQ(built.size(), 2u);
    EXPECT_EQ(built[0].name, "files");
    EXPECT_EQ(built[1].name, "images");
}

TEST_F(FilesPipelineTest, DownloadsStoresAndReportsInOrder)
{
    web_.pages["http://h/doc.pdf"] = {200, "%PDF-1.4 body"};
    web_.pages["http://h/missing.pdf"] = {404, "not here"};
    web_.pages["http://h/empty.txt"] = {200, ""};
    web_.pages["http://h/data"] = {200, "raw", {"cached"}};
    FilesPipeline pipeline(*crawler_, options(), web_.function());
    run(pipeline.open_spider(crawler_->spider()));
    auto item = process(pipeline, item_with({"http://h/doc.pdf", "http://h/missing.pdf", "http://h/empty.txt",
                                             "http://h/down", "http://h/data"}));
    const auto& files = item.fields().at("files").as_array();
    ASSERT_EQ(files.size(), 2u) << json::serialize(files);
    const auto pdf_path = media::file_path("http://h/doc.pdf");
    json::object expected{{"url", "http://h/doc.pdf"},
                          {"path", pdf_path},
                          {"checksum", media::md5_hex("%PDF-1.4 body")},
                          {"status", "downloaded"}};
    EXPECT_EQ(files[0].as_object(), expected);
    EXPECT_EQ(files[1].at("status").as_string(), "cached");
    EXPECT_EQ(files[1].at("path").as_string(), media::file_path("http://h/data"));
    EXPECT_EQ(read_file(dir_.path() / "store" / pdf_path), "%PDF-1.4 body");
    EXPECT_EQ(stat(*crawler_, "file_count"), 2);
    EXPECT_EQ(stat(*crawler_, "file_status_count/downloaded"), 1);
    EXPECT_EQ(stat(*crawler_, "file_status_count/cached"), 1);
    // Not followed as redirects, never offsite-filtered.
    ASSERT_FALSE(web_.requests.empty());
    EXPECT_EQ(web_.requests[0].meta.at("handle_httpstatus_all"), true);
    EXPECT_EQ(web_.requests[0].meta.at("allow_offsite"), true);
    // The item's other fields are untouched.
    EXPECT_EQ(item.fields().at("file_urls").as_array().size(), 5u);
    EXPECT_EQ(item.kind(), "product");
}

TEST_F(FilesPipelineTest, AnItemWithoutUrlsGetsAnEmptyList)
{
    FilesPipeline pipeline(*crawler_, options(), web_.function());
    Item item{"product"};
    item["name"] = "x";
    auto out = process(pipeline, std::move(item));
    EXPECT_TRUE(out.fields().at("files").as_array().empty());
    auto single = process(pipeline, Item{"p", json::object{{"file_urls", 5}}});
    EXPECT_TRUE(single.fields().at("files").as_array().empty());
}

TEST_F(FilesPipelineTest, AStoredFileIsUpToDateUntilItExpires)
{
    web_.pages["http://h/a.txt"] = {200, "content"};
    {
        FilesPipeline first(*crawler_, options(), web_.function());
        process(first, item_with({"http://h/a.txt"}));
    }
    EXPECT_EQ(web_.calls["http://h/a.txt"], 1);
    {
        FilesPipeline second(*crawler_, options(), web_.function());
        auto item = process(second, item_with({"http://h/a.txt"}));
        const auto& files = item.fields().at("files").as_array();
        ASSERT_EQ(files.size(), 1u);
        EXPECT_EQ(files[0].at("status").as_string(), "uptodate");
        EXPECT_EQ(files[0].at("checksum").as_string(), media::md5_hex("content"));
    }
    EXPECT_EQ(web_.calls["http://h/a.txt"], 1);
    EXPECT_EQ(stat(*crawler_, "file_status_count/uptodate"), 1);

    // 91 days old: expired, fetched again.
    const auto file = dir_.path() / "store" / media::file_path("http://h/a.txt");
    std::filesystem::last_write_time(file, std::filesystem::file_time_type::clock::now() - std::chrono::hours(24 * 91));
    FilesPipeline third(*crawler_, options(), web_.function());
    auto item = process(third, item_with({"http://h/a.txt"}));
    EXPECT_EQ(item.fields().at("files").as_array()[0].at("status").as_string(), "downloaded");
    EXPECT_EQ(web_.calls["http://h/a.txt"], 2);
}

TEST_F(FilesPipelineTest, ConcurrentItemsShareOneDownload)
{
    web_.pages["http://h/a.txt"] = {200, "a"};
    web_.pages["http://h/b.txt"] = {200, "b"};
    web_.delay = std::chrono::milliseconds(20);
    FilesPipeline pipeline(*crawler_, options(), web_.function());
    net::io_context context;
    auto one = net::co_spawn(context, pipeline.process_item(item_with({"http://h/a.txt", "http://h/b.txt"}), crawler_->spider()),
                             net::use_future);
    auto two = net::co_spawn(context, pipeline.process_item(item_with({"http://h/b.txt", "http://h/a.txt", "http://h/a.txt"}),
                                                            crawler_->spider()),
                             net::use_future);
    context.run();
    const auto first = std::get<Item>(one.get());
    const auto second = std::get<Item>(two.get());
    EXPECT_EQ(web_.calls["http://h/a.txt"], 1);
    EXPECT_EQ(web_.calls["http://h/b.txt"], 1);
    ASSERT_EQ(second.fields().at("files").as_array().size(), 3u);
    EXPECT_EQ(second.fields().at("files").as_array()[0].at("url").as_string(), "http://h/b.txt");
    EXPECT_EQ(second.fields().at("files").as_array()[1], first.fields().at("files").as_array()[0]);
    EXPECT_EQ(stat(*crawler_, "file_count"), 2);
}

TEST_F(FilesPipelineTest, RedirectsAllowedWhenAsked)
{
    crawler_->settings().set("MEDIA_ALLOW_REDIRECTS", true);
    web_.pages["http://h/a.txt"] = {200, "a"};
    FilesPipeline pipeline(*crawler_, options(), web_.function());
    process(pipeline, item_with({"http://h/a.txt"}));
    ASSERT_EQ(web_.requests.size(), 1u);
    EXPECT_FALSE(web_.requests[0].meta.contains("handle_httpstatus_all"));
}

TEST_F(FilesPipelineTest, OpenSpiderFailsOnAnUnwritableStore)
{
    std::ofstream(dir_.path() / "a-file") << "x";
    crawler_->settings().set("FILES_STORE", json::value((dir_.path() / "a-file").string()));
    auto pipeline = FilesPipeline::from_crawler(*crawler_);
    EXPECT_THROW(run(pipeline->open_spider(crawler_->spider())), std::runtime_error);
}

TEST_F(FilesPipelineTest, ImagesAreCheckedAndStoredByType)
{
    web_.pages["http://h/logo"] = {200, png(64, 32)};
    web_.pages["http://h/anim.gif"] = {200, gif(300, 300)};
    web_.pages["http://h/tiny.jpg"] = {200, jpeg(10, 10)};
    web_.pages["http://h/page.jpg"] = {200, "<html>not an image</html>"};
    crawler_->settings().set("IMAGES_MIN_WIDTH", 20);
    crawler_->settings().set("IMAGES_MIN_HEIGHT", 20);
    ImagesPipeline pipeline(*crawler_, options("IMAGES"), {20, 20}, web_.function());
    run(pipeline.open_spider(crawler_->spider()));
    auto item = process(pipeline, item_with({"http://h/logo", "http://h/anim.gif", "http://h/tiny.jpg",
                                             "http://h/page.jpg"},
                                            "image_urls"));
    const auto& images = item.fields().at("images").as_array();
    ASSERT_EQ(images.size(), 2u) << json::serialize(images);
    EXPECT_EQ(images[0].at("path").as_string(), media::path_stem("http://h/logo") + ".png");
    EXPECT_EQ(images[0].at("checksum").as_string(), media::md5_hex(png(64, 32)));
    EXPECT_EQ(images[1].at("path").as_string(), media::path_stem("http://h/anim.gif") + ".gif");
    EXPECT_TRUE(std::filesystem::exists(dir_.path() / "store" / (media::path_stem("http://h/logo") + ".png")));
    EXPECT_FALSE(std::filesystem::exists(dir_.path() / "store" / (media::path_stem("http://h/tiny.jpg") + ".jpg")));

    // A second pipeline finds the stored images whatever their type.
    ImagesPipeline again(*crawler_, options("IMAGES"), {20, 20}, web_.function());
    auto second = process(again, item_with({"http://h/anim.gif"}, "image_urls"));
    EXPECT_EQ(second.fields().at("images").as_array()[0].at("status").as_string(), "uptodate");
    EXPECT_EQ(second.fields().at("images").as_array()[0].at("path").as_string(), images[1].at("path").as_string());
    EXPECT_EQ(web_.calls["http://h/anim.gif"], 1);
}

} // namespace
} // namespace trawl::test
