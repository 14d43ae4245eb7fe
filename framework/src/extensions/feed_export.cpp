#include "extensions/feed_export.hpp"

#include "extensions/feed_settings.hpp"
#include "extensions/feed_storage.hpp"

#include <trawl/downloader_middleware.hpp>
#include <trawl/feed_exporter.hpp>
#include <trawl/log.hpp>

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace trawl {

namespace net = boost::asio;

namespace {

const Logger logger{"trawl.extensions.feedexport"};

// Bytes waiting for the disk past which the feed says the disk is slower
// than the crawl (once per feed): the loop cannot wait for it.
constexpr std::size_t backlog_warning_bytes = std::size_t{64} << 20;

// One file of a feed (its only one without batches): its storage and the
// bytes waiting for it. The loop thread queues whole items; the writer
// thread opens, drains and commits, in the order they were posted. Shared
// with the writer's pending tasks, which may outlive the extension when
// the writer is stuck at close.
class BatchFile {
public:
    BatchFile(std::unique_ptr<FeedStorage> storage, std::string uri)
        : storage_(std::move(storage)), stats_name_(storage_->stats_name()), uri_(std::move(uri))
    {
    }
    BatchFile(const BatchFile&) = delete;
    BatchFile& operator=(const BatchFile&) = delete;

    /// Loop thread: `record` is one whole item (or the opening or closing
    /// bytes). True when the writer has to be woken (no drain is queued
    /// yet); `backlog` is what is waiting now.
    bool queue(std::string_view record, std::size_t& backlog)
    {
        std::lock_guard lock{mutex_};
        pending_.append(record);
        pending_ends_.push_back(pending_.size());
        backlog = pending_.size();
        return !std::exchange(scheduled_, true);
    }

    /// Writer thread.
    void open()
    {
        error_ = storage_->open();
        if (error_) {
            logger.error("Feed {}: cannot open it for writing: {}", uri_, error_.message());
        }
    }

    /// Writer thread: writes everything queued so far.
    void drain()
    {
        {
            std::lock_guard lock{mutex_};
            writing_.swap(pending_);
            writing_ends_.swap(pending_ends_);
            scheduled_ = false;
        }
        if (!error_ && !writing_.empty()) {
            error_ = storage_->append(writing_, writing_ends_);
            if (error_) {
                logger.error("Feed {}: write failed: {}; later items are not stored", uri_, error_.message());
            }
        }
        writing_.clear();
        writing_ends_.clear();
        if (writing_.capacity() > (std::size_t{1} << 20)) {
            writing_.shrink_to_fit();  // a burst's buffer is not kept for the rest of the crawl
        }
    }

    /// Writer thread: drains and commits. error() is valid afterwards.
    void commit()
    {
        drain();
        const auto committed = storage_->commit();
        if (!error_) {
            error_ = committed;
        }
        storage_.reset();  // its file descriptor is not kept until the crawl ends
    }

    /// Read after commit() completed.
    const boost::system::error_code& error() const noexcept { return error_; }
    const std::string& uri() const noexcept { return uri_; }
    std::string_view stats_name() const noexcept { return stats_name_; }

    // Loop thread only.
    std::int64_t items = 0;
    bool started = false;

private:
    std::unique_ptr<FeedStorage> storage_;
    std::string stats_name_;
    std::string uri_;
    std::mutex mutex_;
    std::string pending_;                   // guarded by mutex_
    std::vector<std::size_t> pending_ends_;  // guarded by mutex_
    bool scheduled_ = false;                // guarded by mutex_: a drain is queued
    std::string writing_;                   // writer thread only
    std::vector<std::size_t> writing_ends_;  // writer thread only
    boost::system::error_code error_;       // writer thread; read after commit() completed
};

} // namespace

struct FeedExport::Feed {
    FeedConfig config;  // batch 1's
    StringSink sink;    // the exporter writes here, on the loop thread
    std::unique_ptr<FeedExporter> exporter;  // the current batch's
    std::unique_ptr<FeedStorage> first_storage;  // checked at start-up, opened at SpiderOpened
    std::shared_ptr<BatchFile> batch;            // the file being written, if any
    std::vector<std::shared_ptr<BatchFile>> batches;  // every one opened, for the log and the stats
    std::int64_t batch_id = 0;
    bool backlog_warned = false;
    bool escaped_warned = false;
};

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
        const auto fail = [&](std::string_view what) {
            throw SettingsError(fmt::format("{}: FEEDS: '{}': {}", source, feed->config.uri, what));
        };
        try {
            feed->exporter =
                FeedExporterRegistry::instance().create(feed->config.exporter, feed->sink, feed->config.options);
            feed->first_storage = FeedStorageRegistry::instance().create(feed->config);
        } catch (const std::invalid_argument& e) {
            fail(e.what());
        }
        try {
            feed->first_storage->check();
        } catch (const std::runtime_error& e) {
            fail(e.what());
        }
        if (!feed->config.overwrite && !feed->exporter->appendable() && feed->first_storage->holds_data()) {
            logger.warning("FEEDS: appending {} items to '{}', which is not empty, makes it invalid {}: set "
                           "overwrite: true (crawl -O) to replace the file instead",
                           feed->config.format, feed->config.uri, feed->config.format);
        }
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
        // joining would hang the exit. Left running, it owns only BatchFiles
        // (shared), never this.
        writer_->stop();
        static_cast<void>(writer_.release());
        return;
    }
    writer_->join();
}

void FeedExport::open()
{
    if (closed_ || opened_) {
        return;
    }
    opened_ = true;
    for (auto& feed : feeds_) {
        try {
            if (!feed->batch) {
                open_batch(*feed);
            }
            if (feed->config.store_empty) {
                start(*feed);
            }
        } catch (const std::exception& e) {
            logger.error("Feed {}: cannot start it: {}", feed->config.uri, e.what());
        }
    }
}

void FeedExport::open_batch(Feed& feed)
{
    const std::int64_t id = feed.batch_id + 1;
    std::unique_ptr<FeedStorage> storage;
    std::string uri = feed.config.uri;
    if (id == 1) {
        storage = std::move(feed.first_storage);
    } else {
        const FeedConfig config = feed_batch_config(feed.config, id, std::chrono::system_clock::now());
        storage = FeedStorageRegistry::instance().create(config);
        // Each file is a document of its own: a fresh exporter writes its
        // opening bytes (CSV: its header) again.
        feed.sink.clear();
        feed.exporter = FeedExporterRegistry::instance().create(config.exporter, feed.sink, config.options);
        uri = config.uri;
    }
    feed.batch_id = id;
    feed.batch = std::make_shared<BatchFile>(std::move(storage), std::move(uri));
    feed.batches.push_back(feed.batch);
    net::post(writer_->get_executor(), [file = feed.batch] { file->open(); });
}

void FeedExport::start(Feed& feed)
{
    if (feed.batch->started) {
        return;
    }
    feed.batch->started = true;
    feed.exporter->start();
    submit(feed);
}

void FeedExport::finish_batch(Feed& feed)
{
    if (!feed.batch) {
        return;
    }
    if (feed.batch->started) {
        feed.exporter->finish();
        submit(feed);
    }
    net::post(writer_->get_executor(), [file = feed.batch] { file->commit(); });
    feed.batch.reset();
}

void FeedExport::submit(Feed& feed)
{
    if (feed.sink.str().empty()) {
        return;
    }
    std::size_t backlog = 0;
    const bool wake = feed.batch->queue(feed.sink.str(), backlog);
    feed.sink.clear();
    if (wake) {
        net::post(writer_->get_executor(), [file = feed.batch] { file->drain(); });
    }
    if (backlog > backlog_warning_bytes && !feed.backlog_warned) {
        feed.backlog_warned = true;
        logger.warning("Feed {}: {} MiB are waiting to be written: the disk is slower than the crawl",
                       feed.config.uri, backlog >> 20);
    }
}

void FeedExport::warn_escaped(Feed& feed)
{
    if (feed.escaped_warned || feed.exporter->escaped_strings() == 0) {
        return;
    }
    feed.escaped_warned = true;
    logger.warning("Feed {}: items hold text that is not valid UTF-8; its bytes are kept, escaped as the {} "
                   "exporter documents (trawl/feed_exporter.hpp), not replaced",
                   feed.config.uri, feed.config.exporter);
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
            if (!feed->batch) {
                open_batch(*feed);
            }
            start(*feed);
            feed->exporter->export_item(item);
        } catch (const std::exception& e) {
            // Part of an item would corrupt the feed: drop what it wrote.
            feed->sink.clear();
            logger.error("Feed {}: cannot export an item of kind '{}': {}", feed->config.uri, item.kind(),
                         e.what());
            continue;
        }
        ++feed->batch->items;
        submit(*feed);
        warn_escaped(*feed);
        if (feed->config.batch_item_count > 0 && feed->batch->items >= feed->config.batch_item_count) {
            finish_batch(*feed);
        }
    }
}

void FeedExport::close()
{
    if (closed_) {
        return;
    }
    closed_ = true;
    for (auto& feed : feeds_) {
        finish_batch(*feed);  // a crawl that never opened has none
    }
    // The writer runs its tasks in order: this one comes after every
    // commit.
    auto done = std::make_shared<std::promise<void>>();
    auto written = done->get_future();
    net::post(writer_->get_executor(), [done] { done->set_value(); });
    if (written.wait_for(close_timeout) != std::future_status::ready) {
        writer_stuck_ = true;
        logger.error("Feed export: the files are still being written after {} s; the feeds may be incomplete",
                     close_timeout.count());
        return;
    }

    Stats& stats = crawler_.stats();
    for (const auto& feed : feeds_) {
        const FeedConfig& config = feed->config;
        for (const auto& batch : feed->batches) {
            if (batch->started) {
                stats.set_value(fmt::format("feedexport/item_count/{}", batch->uri()), batch->items);
            }
            const std::string message =
                fmt::format("{} feed ({} items) in: {}", config.format, batch->items, batch->uri());
            if (batch->error()) {
                logger.error("Error storing {}: {}", message, batch->error().message());
                stats.inc_value(fmt::format("feedexport/failed_count/{}", batch->stats_name()));
            } else if (batch->items > 0 || config.store_empty) {
                logger.info("Stored {}", message);
                stats.inc_value(fmt::format("feedexport/success_count/{}", batch->stats_name()));
            }
        }
    }
}

} // namespace trawl
