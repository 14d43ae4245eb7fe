#include "extensions/feed_export.hpp"

#include "extensions/feed_settings.hpp"

#include <trawl/downloader_middleware.hpp>
#include <trawl/feed_exporter.hpp>
#include <trawl/log.hpp>

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <fcntl.h>
#include <filesystem>
#include <future>
#include <mutex>
#include <string>
#include <string_view>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>

namespace trawl {

namespace net = boost::asio;

namespace {

const Logger logger{"trawl.extensions.feedexport"};

// Bytes waiting for the disk past which the feed says the disk is slower
// than the crawl (once per feed): the loop cannot wait for it.
constexpr std::size_t backlog_warning_bytes = std::size_t{64} << 20;

std::string error_text(int error)
{
    return std::generic_category().message(error);
}

// The writer's side of a feed: its file descriptor and the bytes waiting
// for it. The loop thread queues; the writer thread drains and closes.
// Shared with the writer's pending tasks, which may outlive the extension
// when the writer is stuck at close.
class FeedFile {
public:
    FeedFile(int fd, bool owned, std::string uri) : fd_(fd), owned_(owned), uri_(std::move(uri)) {}
    ~FeedFile()
    {
        if (owned_ && fd_ >= 0) {
            ::close(fd_);
        }
    }
    FeedFile(const FeedFile&) = delete;
    FeedFile& operator=(const FeedFile&) = delete;

    /// Loop thread. True when the writer has to be woken (no drain is
    /// queued yet); `backlog` is what is waiting now.
    bool queue(std::string_view bytes, std::size_t& backlog)
    {
        std::lock_guard lock{mutex_};
        pending_.append(bytes);
        backlog = pending_.size();
        return !std::exchange(scheduled_, true);
    }

    /// Writer thread: writes everything queued so far, in one write(2)
    /// when the disk keeps up, so the file only ever gets whole items.
    void drain()
    {
        {
            std::lock_guard lock{mutex_};
            writing_.swap(pending_);
            scheduled_ = false;
        }
        write_all(writing_);
        writing_.clear();
        if (writing_.capacity() > (std::size_t{1} << 20)) {
            writing_.shrink_to_fit();  // a burst's buffer is not kept for the rest of the crawl
        }
    }

    /// Writer thread: drains and closes. error() is valid afterwards.
    void close()
    {
        drain();
        if (owned_ && fd_ >= 0) {
            // close() is where NFS and some file systems report a failed
            // write-back: the feed is not stored then.
            if (::close(fd_) != 0 && error_ == 0) {
                error_ = errno;
            }
            fd_ = -1;
        }
    }

    int error() const noexcept { return error_; }

private:
    void write_all(std::string_view bytes)
    {
        while (!bytes.empty() && error_ == 0) {
            const ssize_t written = ::write(fd_, bytes.data(), bytes.size());
            if (written < 0) {
                if (errno == EINTR) {
                    continue;
                }
                error_ = errno;
                logger.error("Feed {}: write failed: {}; later items are not stored", uri_, error_text(error_));
                return;
            }
            bytes.remove_prefix(static_cast<std::size_t>(written));
        }
    }

    int fd_;
    bool owned_;
    std::string uri_;
    std::mutex mutex_;
    std::string pending_;    // guarded by mutex_
    bool scheduled_ = false;  // guarded by mutex_: a drain is queued
    std::string writing_;    // writer thread only
    int error_ = 0;          // writer thread; read after close() completed
};

} // namespace

struct FeedExport::Feed {
    FeedConfig config;
    StringSink sink;  // the exporter writes here, on the loop thread
    std::unique_ptr<FeedExporter> exporter;
    std::shared_ptr<FeedFile> file;
    bool started = false;
    std::int64_t items = 0;
    bool backlog_warned = false;
};

namespace {

const char* storage_name(const FeedConfig& config)
{
    return config.storage == FeedConfig::Storage::file ? "FileFeedStorage" : "StdoutFeedStorage";
}

std::shared_ptr<FeedFile> open_feed_file(const FeedConfig& config, const FeedExporter& exporter,
                                         const std::string& source)
{
    const auto fail = [&](std::string_view what) {
        throw SettingsError(fmt::format("{}: FEEDS: '{}': {}", source, config.uri, what));
    };
    if (config.storage == FeedConfig::Storage::stdout_stream) {
        if (config.overwrite) {
            logger.warning("Standard output (stdout) storage does not support overwriting. To suppress this "
                         "warning, remove the overwrite option from your FEEDS setting, or set it to False.");
        }
        return std::make_shared<FeedFile>(STDOUT_FILENO, false, config.uri);
    }
    // As Scrapy's FileFeedStorage: the directory is created.
    if (const auto parent = config.path.parent_path(); !parent.empty()) {
        std::error_code ec;
        std::filesystem::create_directories(parent, ec);
        if (ec) {
            fail(fmt::format("cannot create directory '{}': {}", parent.string(), ec.message()));
        }
    }
    const int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (config.overwrite ? O_TRUNC : O_APPEND);
    const int fd = ::open(config.path.c_str(), flags, 0666);
    if (fd < 0) {
        fail(fmt::format("cannot open '{}' for writing: {}", config.path.string(), error_text(errno)));
    }
    auto file = std::make_shared<FeedFile>(fd, true, config.uri);
    struct stat status {};
    if (!config.overwrite && !exporter.appendable() && ::fstat(fd, &status) == 0 && status.st_size > 0) {
        logger.warning("FEEDS: appending {} items to '{}', which is not empty, makes it invalid {}: set "
                     "overwrite: true (crawl -O) to replace the file instead",
                     config.format, config.path.string(), config.format);
    }
    return file;
}

} // namespace

std::unique_ptr<FeedExport> FeedExport::from_crawler(Crawler& crawler)
{
    if (crawler.settings().get_dict("FEEDS").empty()) {
        throw NotConfigured("FEEDS is empty");
    }
    auto configs = read_feed_configs(crawler.settings(), crawler.spider(), std::chrono::system_clock::now());
    return std::make_unique<FeedExport>(crawler, std::move(configs));
}

FeedExport::FeedExport(Crawler& crawler, std::vector<FeedConfig> feeds)
    : crawler_(crawler), writer_(std::make_unique<net::thread_pool>(1))
{
    const std::string source = crawler_.settings().source("FEEDS");
    for (auto& config : feeds) {
        auto feed = std::make_unique<Feed>();
        feed->config = std::move(config);
        try {
            feed->exporter =
                FeedExporterRegistry::instance().create(feed->config.exporter, feed->sink, feed->config.options);
        } catch (const std::invalid_argument& e) {
            throw SettingsError(fmt::format("{}: FEEDS: '{}': {}", source, feed->config.uri, e.what()));
        }
        feed->file = open_feed_file(feed->config, *feed->exporter, source);
        feeds_.push_back(std::move(feed));
    }
    Signals& signals = crawler_.signals();
    connections_.push_back(signals.connect<SpiderOpened>([this](const SpiderOpened&) { open(); }));
    connections_.push_back(
        signals.connect<ItemScraped>([this](const ItemScraped& scraped) { export_item(scraped.item); }));
    connections_.push_back(signals.connect<SpiderClosed>([this](const SpiderClosed&) { close(); }));
}

FeedExport::~FeedExport()
{
    for (const std::size_t id : connections_) {
        crawler_.signals().disconnect(id);
    }
    try {
        close();  // a crawl that failed before SpiderClosed still gets complete files
    } catch (const std::exception& e) {
        logger.error("Feed export: closing the feeds failed: {}", e.what());
    }
    if (writer_stuck_) {
        // Its thread is blocked in a write that did not return in time:
        // joining would hang the exit. Left running, it owns only FeedFiles
        // (shared), never this.
        writer_->stop();
        static_cast<void>(writer_.release());
        return;
    }
    writer_->join();
}

void FeedExport::open()
{
    if (closed_) {
        return;
    }
    opened_ = true;
    for (auto& feed : feeds_) {
        if (feed->config.store_empty) {
            start(*feed);
        }
    }
}

void FeedExport::start(Feed& feed)
{
    if (feed.started) {
        return;
    }
    feed.started = true;
    feed.exporter->start();
    submit(feed);
}

void FeedExport::submit(Feed& feed)
{
    if (feed.sink.str().empty()) {
        return;
    }
    std::size_t backlog = 0;
    const bool wake = feed.file->queue(feed.sink.str(), backlog);
    feed.sink.clear();
    if (wake) {
        net::post(writer_->get_executor(), [file = feed.file] { file->drain(); });
    }
    if (backlog > backlog_warning_bytes && !feed.backlog_warned) {
        feed.backlog_warned = true;
        logger.warning("Feed {}: {} MiB are waiting to be written: the disk is slower than the crawl",
                     feed.config.uri, backlog >> 20);
    }
}

void FeedExport::export_item(const Item& item)
{
    if (closed_) {
        return;  // the files are closed: an item still in flight is not written
    }
    for (auto& feed : feeds_) {
        const auto& kinds = feed->config.item_classes;
        if (!kinds.empty() && std::find(kinds.begin(), kinds.end(), item.kind()) == kinds.end()) {
            continue;
        }
        try {
            start(*feed);
            feed->exporter->export_item(item);
        } catch (const std::exception& e) {
            // Part of an item would corrupt the feed: drop what it wrote.
            feed->sink.clear();
            logger.error("Feed {}: cannot export an item of kind '{}': {}", feed->config.uri, item.kind(),
                          e.what());
            continue;
        }
        ++feed->items;
        submit(*feed);
    }
}

void FeedExport::close()
{
    if (closed_) {
        return;
    }
    closed_ = true;
    std::vector<std::shared_ptr<FeedFile>> files;
    for (auto& feed : feeds_) {
        // store_empty feeds start at SpiderOpened; a crawl that never
        // opened writes nothing.
        if (feed->config.store_empty && opened_) {
            start(*feed);
        }
        if (feed->started) {
            feed->exporter->finish();
            submit(*feed);
        }
        files.push_back(feed->file);
    }
    // The writer runs its tasks in order: this one comes after every drain.
    auto done = std::make_shared<std::promise<void>>();
    auto written = done->get_future();
    net::post(writer_->get_executor(), [files = std::move(files), done] {
        for (const auto& file : files) {
            file->close();
        }
        done->set_value();
    });
    if (written.wait_for(close_timeout) != std::future_status::ready) {
        writer_stuck_ = true;
        logger.error("Feed export: the files are still being written after {} s; the feeds may be incomplete",
                      close_timeout.count());
        return;
    }

    Stats& stats = crawler_.stats();
    for (const auto& feed : feeds_) {
        const FeedConfig& config = feed->config;
        if (feed->started) {
            stats.set_value(fmt::format("feedexport/item_count/{}", config.uri), feed->items);
        }
        const std::string message = fmt::format("{} feed ({} items) in: {}", config.format, feed->items, config.uri);
        if (const int error = feed->file->error()) {
            logger.error("Error storing {}: {}", message, error_text(error));
            stats.inc_value(fmt::format("feedexport/failed_count/{}", storage_name(config)));
        } else if (feed->items > 0 || config.store_empty) {
            logger.info("Stored {}", message);
            stats.inc_value(fmt::format("feedexport/success_count/{}", storage_name(config)));
        }
    }
}

} // namespace trawl
