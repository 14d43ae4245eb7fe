#pragma once
// FeedExport (Scrapy's feedexport): writes the scraped items to the feeds
// FEEDS names (feed_settings.hpp), in their formats (trawl/feed_exporter.hpp).
// NotConfigured when FEEDS is empty.
//
// Start-up: from_crawler opens every file (creating its directory), so that
// an unwritable path fails the crawl before it runs (SettingsError with the
// path and the reason). overwrite: true truncates; false appends, and warns
// when that makes a non-empty JSON or XML file invalid.
//
// Threads: ItemScraped arrives on the loop thread, which must not block.
// The item is serialised there (cheap) and the bytes are queued for a
// writer thread (a thread_pool of one) that owns the files: while it is
// busy, items pile up and go out in one write(2), so the file gets whole
// items, in ItemScraped order, as soon as the disk keeps up. A feed is
// therefore valid up to its last item if the process dies (JSON lines,
// CSV), and a crawl closed by a second SIGINT still runs SpiderClosed.
//
// SpiderClosed: each started feed gets its closing bytes (JSON's "]",
// XML's root end tag), the writer drains and closes the files, and the
// loop waits for it, at most 60 s (then logs an error). A feed with no
// items is left empty unless FEED_STORE_EMPTY / store_empty.
// Log and stats, as Scrapy: "Stored json feed (12 items) in: items.json",
// feedexport/success_count/FileFeedStorage (or StdoutFeedStorage) per feed
// stored; "Error storing ..." and feedexport/failed_count/... when a write
// failed (disk full: the feed stops at the failure, the crawl goes on).
// trawl adds feedexport/item_count/URI, the items written to each feed.

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
    void start(Feed& feed);
    /// Hands what the feed's exporter wrote to the writer.
    void submit(Feed& feed);

    Crawler& crawler_;
    std::unique_ptr<boost::asio::thread_pool> writer_;
    std::vector<std::unique_ptr<Feed>> feeds_;
    std::vector<std::size_t> connections_;
    bool opened_ = false;
    bool closed_ = false;
    bool writer_stuck_ = false;
};

} // namespace trawl
