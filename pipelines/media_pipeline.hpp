#pragma once
// What the files and images pipelines share (Scrapy's MediaPipeline and
// FilesPipeline): for each URL in an item's urls field, reuse a stored copy
// younger than *_EXPIRES days ("uptodate"), else download it through the
// crawl's downloader (its middlewares, slots and robots.txt, as any
// request), check it, store it, and set the item's result field to a list
// of {url, path, checksum, status} in the order of the URLs.
//
// - The downloads of one item run at once; a URL already being fetched
//   (for this or another item) is fetched once and its result shared, and
//   a URL's result is kept for the rest of the crawl, as Scrapy does.
// - A URL that fails (network error, status other than 200, empty body,
//   refused by check()) is logged with the URL and the reason and left out
//   of the result; the item itself always passes.
// - status is "downloaded", "uptodate" or "cached" (the response came from
//   the HTTP cache). Stats: file_count and file_status_count/STATUS per
//   stored or reused file (Scrapy's names, for images too).
// - Redirects are not followed unless MEDIA_ALLOW_REDIRECTS is true (a 3xx
//   is then a failure, as in Scrapy); the requests are never refused as
//   offsite (meta allow_offsite), as Scrapy's never were.
// - Runs on the pipelines' thread (store I/O blocks there, not the loop);
//   the downloads run on the loop (Crawler::download).

#include <trawl/download_result.hpp>
#include <trawl/item_pipeline.hpp>
#include <trawl/log.hpp>
#include <trawl/request.hpp>

#include "media_store.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace trawl {

class Crawler;

namespace media {

struct MediaOptions {
    std::string media_name;     ///< "file" or "image", for the log
    std::string store_setting;  ///< "FILES_STORE": named in errors
    std::filesystem::path store;
    std::string urls_field;
    std::string result_field;
    std::int64_t expires_days = 90;
    bool allow_redirects = false;
};

/// Reads PREFIX_STORE, PREFIX_URLS_FIELD, PREFIX_RESULT_FIELD and
/// PREFIX_EXPIRES (PREFIX "FILES" or "IMAGES") and MEDIA_ALLOW_REDIRECTS.
/// Throws NotConfigured when the store is unset or empty.
MediaOptions read_media_options(const Crawler& crawler, const std::string& prefix, std::string media_name);

/// Downloads a request: Crawler::download on the crawl's loop by default;
/// tests give their own.
using DownloadFunction = std::function<boost::asio::awaitable<DownloadResult>(Request)>;

class MediaPipeline : public ItemPipeline {
public:
    MediaPipeline(Crawler& crawler, MediaOptions options, std::string logger_name, DownloadFunction download = {});
    ~MediaPipeline() override;

    /// Throws std::runtime_error naming the store setting and directory
    /// when the store cannot be written.
    boost::asio::awaitable<void> open_spider(Spider& spider) override;
    boost::asio::awaitable<ItemAction> process_item(Item item, Spider& spider) override;
    boost::asio::awaitable<void> close_spider(Spider& spider) override;

    const MediaOptions& options() const noexcept { return options_; }

protected:
    /// Where `response` (a 200 with a body, for `url`) is stored, relative
    /// to the store; or, in `rejected`, why it is not.
    struct Verdict {
        std::string path;
        std::string rejected;
    };
    virtual Verdict check(const std::string& url, const Response& response) const = 0;
    /// The paths where an earlier crawl may have stored `url`, to look for
    /// an up-to-date copy before downloading.
    virtual std::vector<std::string> stored_paths(const std::string& url) const = 0;

    const Logger& logger() const noexcept { return logger_; }

private:
    struct Pending;
    using Result = std::optional<boost::json::object>;

    std::shared_ptr<Pending> start(const std::string& url, const boost::asio::any_io_executor& executor);
    boost::asio::awaitable<Result> fetch(std::string url);
    std::optional<boost::json::object> uptodate(const std::string& url) const;
    void count(const std::string& status) const;
    std::string capitalised() const;  // "File", "Image"

    Crawler& crawler_;
    MediaOptions options_;
    Logger logger_;
    DownloadFunction download_;
    MediaStore store_;
    std::mutex mutex_;  // guards pending_
    std::unordered_map<std::string, std::shared_ptr<Pending>> pending_;
};

} // namespace media
} // namespace trawl
