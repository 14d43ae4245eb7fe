#pragma once
// FeedExport (Scrapy's feedexport): writes the scraped items to the feeds
// FEEDS names (feed_settings.hpp), in their formats (trawl/feed_exporter.hpp).
// NotConfigured when FEEDS is empty.
//
// Start-up: from_crawler checks that every feed's file can be written
// (feed_storage.hpp's check(): nothing is created or truncated yet), so
// that an unwritable path fails the crawl before it runs (SettingsError
// with the path and the OS's reason). The files are opened (created,
// truncated for overwrite: true, appended to otherwise) at SpiderOpened,
// after the spider accepted its arguments: a crawl that fails before that
// leaves them untouched. Appending to a non-empty JSON or XML file warns.
//
// Batches (batch_item_count N > 0): a feed's file is closed after N items
// (JSON's "]", XML's end tag: each file is a whole document) and the next
// item opens the next one, its URI with %(batch_id)d one higher and
// %(batch_time)s the time then. No empty file is left after the last batch.
//
// Threads: ItemScraped arrives on the loop thread, which must not block.
// The item is serialised there (cheap) and the bytes are queued for a
// writer thread (a thread_pool of one) that owns the storages. It writes as
// soon as it is free, with nothing held back in a user-space buffer, so the
// file follows the crawl within milliseconds; while it is busy, items pile
// up and go out together. Every write(2) holds whole items and stays
// within a page where the items allow (write_records), so a feed killed at
// any moment (SIGKILL, a crash) is valid up to its last item for JSON
// lines and CSV; the one gap is Linux's: an item straddling a page boundary
// can be cut if the kill lands while the kernel copies it (measured: ~1 in
// 250 random kills of a writer kept busy with 1-3 KB items; none in 1,200
// with items that tile the pages). A crawl closed by a second SIGINT still
// runs SpiderClosed.
//
// Text that is not UTF-8: escaped losslessly by the exporters
// (trawl/feed_exporter.hpp); each feed warns once.
//
// SpiderClosed: each started batch gets its closing bytes (JSON's "]",
// XML's root end tag), the writer drains and commits the storages, and the
// loop waits for it, at most 60 s (then logs an error). A feed with no
// items is left empty unless FEED_STORE_EMPTY / store_empty.
// Log and stats, as Scrapy, per file (batch): "Stored json feed (12 items)
// in: items.json", feedexport/success_count/FileFeedStorage (or
// StdoutFeedStorage); "Error storing ..." and feedexport/failed_count/...
// when a write failed (disk full: the feed stops at the failure, the crawl
// goes on). trawl adds feedexport/item_count/URI, the items in each file.

#include <trawl/components.hpp>
#include <trawl/crawler.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <vector>

namespace boost::asio {
class thread_pool;
} // namespace boost::asio

namespace trawl {

struct FeedConfig;

class FeedExport final : public Extension {
public:
    static std::unique_ptr<FeedExport> from_crawler(Crawler& crawler);

    /// Opens the feeds' files and subscribes to the crawler's signals until
    /// destroyed; `crawler` must outlive this. Throws SettingsError for a
    /// file it cannot open and for exporter options the format refuses.
    FeedExport(Crawler& crawler, std::vector<FeedConfig> feeds);
    /// Closes the feeds if SpiderClosed did not (a crawl that failed).
    ~FeedExport() override;
    FeedExport(const FeedExport&) = delete;
    FeedExport& operator=(const FeedExport&) = delete;

    /// How long SpiderClosed waits for the writer.
    static constexpr std::chrono::seconds close_timeout{60};

private:
    struct Feed;

    void open();
    void export_item(const Item& item);
    void close();
    /// Opens the feed's next file (batch) on the writer.
    void open_batch(Feed& feed);
    /// Writes the exporter's opening bytes, once per batch.
    void start(Feed& feed);
    /// Closes the current batch: its closing bytes, then commit.
    void finish_batch(Feed& feed);
    /// Hands what the feed's exporter wrote (whole items) to the writer.
    void submit(Feed& feed);
    void warn_escaped(Feed& feed);

    Crawler& crawler_;
    std::unique_ptr<boost::asio::thread_pool> writer_;
    std::vector<std::unique_ptr<Feed>> feeds_;
    std::vector<std::size_t> connections_;
    bool opened_ = false;
    bool closed_ = false;
    bool writer_stuck_ = false;
};

} // namespace trawl
