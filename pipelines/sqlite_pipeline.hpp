#pragma once
// "sqlite": writes items to a SQLite database, a table per item kind.
//   ITEM_PIPELINES: {sqlite: 300}
//   SQLITE_PATH: "items.sqlite"        # %(name)s is the spider's name
//   SQLITE_KEY: {book: [isbn]}         # optional; per kind or a global list
//   SQLITE_BATCH_SIZE: 1000            # items per transaction...
//   SQLITE_FLUSH_SECS: 1.0             # ...or seconds, whichever comes first
//
// Columns come from the fields: INTEGER (ints, bools), REAL, TEXT (strings
// as their bytes; lists and objects as JSON text). A field not seen before
// adds a column (ALTER TABLE ADD COLUMN). With a key, the key columns get a
// UNIQUE index and an item with a key already stored updates the fields it
// has (INSERT ... ON CONFLICT DO UPDATE).
//
// The database runs in WAL mode on the pipeline's own writer thread, so
// process_item only converts the item and queues it. The writer inserts
// runs of rows of one kind and field list with multi-row INSERTs; a row
// that fails is retried alone, so it is the only one lost (and counted in
// sqlite/errors). WAL checkpoints run on a thread of their own
// (sqlite_checkpointer.hpp), so their fsyncs do not hold up the inserts;
// the WAL stays under ~40 MB. What a batch commits
// stays if the process dies; the batch in progress is lost. close_spider
// commits the last batch. A database that cannot be opened fails
// open_spider, which stops the crawl before it fetches anything.
//
// Stats: sqlite/items_written (committed), sqlite/commits, sqlite/errors.

#include "kind_fields.hpp"
#include "sqlite_batch.hpp"
#include "sqlite_store.hpp"

#include <trawl/item_pipeline.hpp>
#include <trawl/log.hpp>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace trawl {

class Crawler;

class SqlitePipeline final : public ItemPipeline {
public:
    struct Options {
        std::string path = "items.sqlite";  ///< before %(name)s is replaced
        pipelines::KindFields key;
        std::size_t batch_size = 1000;
        std::chrono::nanoseconds flush_interval = std::chrono::seconds{1};
    };

    /// Reads SQLITE_*; throws SettingsError for a batch size below 1 or a
    /// negative flush interval.
    static std::unique_ptr<SqlitePipeline> from_crawler(Crawler& crawler);

    SqlitePipeline(Crawler& crawler, Options options);
    ~SqlitePipeline() override;

    /// Opens the database and starts the writer; throws std::runtime_error
    /// naming the path when the database cannot be opened or written.
    boost::asio::awaitable<void> open_spider(Spider& spider) override;
    boost::asio::awaitable<ItemAction> process_item(Item item, Spider& spider) override;
    boost::asio::awaitable<void> close_spider(Spider& spider) override;

    /// The database path once open_spider has run.
    const std::string& path() const noexcept { return path_; }

    /// SQLITE_PATH with %(name)s replaced by `spider_name`.
    static std::string expand_path(const std::string& pattern, const std::string& spider_name);

private:
    using Clock = std::chrono::steady_clock;

    void writer_loop();
    void write_batch(pipelines::SqlBatch& rows, std::size_t& next);
    bool take_rows(pipelines::SqlBatch& rows, std::size_t& next, std::size_t wanted, Clock::time_point deadline);
    void stop();

    Crawler& crawler_;
    Options options_;
    std::string path_;
    std::unique_ptr<pipelines::SqliteStore> store_;  // used on the writer thread only once it runs

    // process_item converts items into filling_; the writer swaps it for
    // the batch it has written, so rows change hands a batch at a time.
    std::mutex mutex_;
    std::condition_variable work_;   // filling_ has the rows the writer waits for, or stopping
    std::condition_variable space_;  // filling_ has room again
    pipelines::SqlBatch filling_;
    std::size_t writer_wants_ = 0;  // the writer sleeps until filling_ has this many rows; 0: it is busy
    bool stopping_ = false;
    std::thread writer_;
    Logger logger_{"trawl.pipelines.sqlite"};
};

} // namespace trawl
