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

// Rows the writer waits for in the middle of a batch before it wakes:
// waking for every few rows cost more in futex calls and context switches
// than the inserts. SQLITE_FLUSH_SECS still bounds how long rows wait.
constexpr std::size_t wakeup_rows = 256;

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
    bool wake = false;
    {
        std::unique_lock lock{mutex_};
        if (!writer_.joinable() || stopping_) {
            throw std::runtime_error{"sqlite: the database is not open"};
        }
        // Blocks this pool thread, never the loop: backpressure when the
        // disk is slower than the crawl.
        space_.wait(lock, [&] { return filling_.size() < queue_limit(options_.batch_size) || stopping_; });
        // Converting under the lock is a few copies into filling_'s
        // buffers, cheaper than building a row elsewhere and moving it in.
        filling_.add(item);
        if (writer_wants_ != 0 && filling_.size() >= writer_wants_) {
            writer_wants_ = 0;
            wake = true;
        }
    }
    if (wake) {
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
    pipelines::SqlBatch rows;  // taken from filling_; rows before `next` are written
    std::size_t next = 0;
    for (;;) {
        // Idle, the first row starts a batch (and its flush deadline).
        if (next == rows.size() && !take_rows(rows, next, 1, Clock::time_point::max())) {
            return;  // stopping, and everything queued is written
        }
        write_batch(rows, next);
    }
}

// Swaps the written `rows` for filling_ once that holds `wanted` rows, or
// by `deadline` if it holds any, or at once when stopping. False: no rows.
bool SqlitePipeline::take_rows(pipelines::SqlBatch& rows, std::size_t& next, std::size_t wanted,
                               Clock::time_point deadline)
{
    rows.clear();
    next = 0;
    std::unique_lock lock{mutex_};
    auto ready = [&] { return filling_.size() >= wanted || stopping_; };
    if (!ready()) {
        writer_wants_ = wanted;
        if (deadline == Clock::time_point::max()) {
            work_.wait(lock, ready);
        } else {
            work_.wait_until(lock, deadline, ready);
        }
        writer_wants_ = 0;
    }
    if (filling_.empty()) {
        return false;
    }
    std::swap(rows, filling_);
    lock.unlock();
    space_.notify_all();
    return true;
}

// One transaction: up to SQLITE_BATCH_SIZE rows, or those that arrive
// before SQLITE_FLUSH_SECS has passed since the batch began.
void SqlitePipeline::write_batch(pipelines::SqlBatch& rows, std::size_t& next)
{
    const auto deadline = Clock::now() + options_.flush_interval;
    std::size_t taken = 0;
    std::int64_t written = 0;
    bool began = false;
    try {
        store_->begin();
        began = true;
    } catch (const std::exception& e) {
        // The rows still go in, each statement its own implicit transaction.
        logger_.error("{}", e.what());
        crawler_.stats().inc_value("sqlite/errors");
    }
    std::vector<pipelines::SqlRowError> errors;
    for (;;) {
        const auto count = std::min(rows.size() - next, options_.batch_size - taken);
        written += static_cast<std::int64_t>(store_->write(rows, next, next + count, errors));
        for (const auto& error : errors) {
            logger_.error("Could not store a {} item: {}", rows.signature_of(error.row).kind, error.message);
            crawler_.stats().inc_value("sqlite/errors");
        }
        errors.clear();
        next += count;
        taken += count;
        if (taken == options_.batch_size ||
            !take_rows(rows, next, std::min(wakeup_rows, options_.batch_size - taken), deadline)) {
            break;
        }
    }
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
}

} // namespace trawl
