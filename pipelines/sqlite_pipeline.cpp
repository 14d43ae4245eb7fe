#include "sqlite_pipeline.hpp"

#include <trawl/components.hpp>
#include <trawl/crawler.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <stdexcept>
#include <vector>

namespace trawl {

namespace {

// Rows queued ahead of the writer before process_item waits: enough to
// keep it busy through a commit, few enough to bound memory.
std::size_t queue_limit(std::size_t batch_size)
{
    return 2 * batch_size + 64;
}

} // namespace

std::unique_ptr<SqlitePipeline> SqlitePipeline::from_crawler(Crawler& crawler)
{
    auto& settings = crawler.settings();
    Options options;
    options.path = settings.get_string("SQLITE_PATH", "items.sqlite");
    if (options.path.empty()) {
        throw SettingsError{fmt::format("SQLITE_PATH ({}): empty", settings.source("SQLITE_PATH"))};
    }
    options.key = pipelines::KindFields::from_setting(settings, "SQLITE_KEY");
    const auto batch = settings.get_int("SQLITE_BATCH_SIZE", 1000);
    if (batch < 1) {
        throw SettingsError{fmt::format("SQLITE_BATCH_SIZE ({}): must be at least 1, got {}",
                                        settings.source("SQLITE_BATCH_SIZE"), batch)};
    }
    options.batch_size = static_cast<std::size_t>(batch);
    options.flush_interval = settings.get_seconds("SQLITE_FLUSH_SECS", std::chrono::seconds{1});
    if (options.flush_interval.count() < 0) {
        throw SettingsError{fmt::format("SQLITE_FLUSH_SECS ({}): must not be negative",
                                        settings.source("SQLITE_FLUSH_SECS"))};
    }
    return std::make_unique<SqlitePipeline>(crawler, std::move(options));
}

SqlitePipeline::SqlitePipeline(Crawler& crawler, Options options) : crawler_(crawler), options_(std::move(options))
{
}

SqlitePipeline::~SqlitePipeline()
{
    stop();
}

std::string SqlitePipeline::expand_path(const std::string& pattern, const std::string& spider_name)
{
    static constexpr std::string_view placeholder = "%(name)s";
    std::string out;
    std::size_t at = 0;
    for (auto found = pattern.find(placeholder); found != std::string::npos;
         found = pattern.find(placeholder, at)) {
        out.append(pattern, at, found - at);
        out += spider_name;
        at = found + placeholder.size();
    }
    out.append(pattern, at);
    return out;
}

boost::asio::awaitable<void> SqlitePipeline::open_spider(Spider& spider)
{
    path_ = expand_path(options_.path, spider.name);
    const auto parent = std::filesystem::path{path_}.parent_path();
    if (!parent.empty()) {
        std::error_code ec;
        std::filesystem::create_directories(parent, ec);
        if (ec) {
            throw std::runtime_error{
                fmt::format("sqlite: cannot create the directory of '{}': {}", path_, ec.message())};
        }
    }
    store_ = std::make_unique<pipelines::SqliteStore>(path_, options_.key);
    stopping_ = false;
    writer_ = std::thread{[this] { writer_loop(); }};
    logger_.info("Writing items to {}", path_);
    co_return;
}

boost::asio::awaitable<ItemAction> SqlitePipeline::process_item(Item item, Spider&)
{
    auto row = pipelines::to_sql_row(item);
    bool was_empty = false;
    {
        std::unique_lock lock{mutex_};
        if (!writer_.joinable() || stopping_) {
            throw std::runtime_error{"sqlite: the database is not open"};
        }
        // Blocks this pool thread, never the loop: backpressure when the
        // disk is slower than the crawl.
        space_.wait(lock, [&] { return queue_.size() < queue_limit(options_.batch_size) || stopping_; });
        was_empty = queue_.empty();
        queue_.push_back(std::move(row));
    }
    // The writer only waits on an empty queue: waking it for every item
    // would cost a futex call each.
    if (was_empty) {
        work_.notify_one();
    }
    co_return item;
}

boost::asio::awaitable<void> SqlitePipeline::close_spider(Spider&)
{
    stop();
    co_return;
}

void SqlitePipeline::stop()
{
    {
        std::lock_guard lock{mutex_};
        stopping_ = true;
    }
    work_.notify_all();
    space_.notify_all();
    if (writer_.joinable()) {
        writer_.join();
        logger_.info("Stored {} items in {}",
                     static_cast<std::int64_t>(crawler_.stats().get_number("sqlite/items_written")), path_);
    }
    store_.reset();
}

void SqlitePipeline::writer_loop()
{
    std::unique_lock lock{mutex_};
    for (;;) {
        work_.wait(lock, [&] { return !queue_.empty() || stopping_; });
        if (queue_.empty()) {
            return;  // stopping, and everything queued is written
        }
        std::deque<pipelines::SqlRow> pending;
        write_batch(pending, lock);
    }
}

// One transaction: up to SQLITE_BATCH_SIZE rows, or those that arrive
// before SQLITE_FLUSH_SECS has passed since the batch began.
void SqlitePipeline::write_batch(std::deque<pipelines::SqlRow>& pending, std::unique_lock<std::mutex>& lock)
{
    const auto deadline = std::chrono::steady_clock::now() + options_.flush_interval;
    std::size_t taken = 0;
    std::int64_t written = 0;
    bool began = false;
    lock.unlock();
    try {
        store_->begin();
        began = true;
    } catch (const std::exception& e) {
        // The rows still go in, each in its own implicit transaction.
        logger_.error("{}", e.what());
        crawler_.stats().inc_value("sqlite/errors");
    }
    lock.lock();
    while (taken < options_.batch_size) {
        if (queue_.empty()) {
            if (stopping_ || !work_.wait_until(lock, deadline, [&] { return !queue_.empty() || stopping_; }) ||
                queue_.empty()) {
                break;
            }
        }
        const auto count = std::min(queue_.size(), options_.batch_size - taken);
        std::move(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(count), std::back_inserter(pending));
        queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(count));
        taken += count;
        space_.notify_all();
        lock.unlock();
        for (auto& row : pending) {
            try {
                store_->write(row);
                ++written;
            } catch (const std::exception& e) {
                logger_.error("Could not store a {} item: {}", row.kind, e.what());
                crawler_.stats().inc_value("sqlite/errors");
            }
        }
        pending.clear();
        lock.lock();
    }
    lock.unlock();
    try {
        if (began) {
            store_->commit();
        }
        crawler_.stats().inc_value("sqlite/items_written", written);
        crawler_.stats().inc_value("sqlite/commits");
    } catch (const std::exception& e) {
        logger_.error("Lost a batch of {} items: {}", written, e.what());
        crawler_.stats().inc_value("sqlite/errors");
        store_->rollback();
    }
    lock.lock();
}

} // namespace trawl
