#pragma once
// Where a feed's bytes go, as Scrapy's feed storages: FEED_STORAGES(_BASE)
// map a URI scheme to a storage name, and FeedStorageRegistry maps that
// name to a factory. trawl has "file" (a path or file:// URI;
// FileFeedStorage in the stats) and "stdout" ("stdout:";
// StdoutFeedStorage). Adding one (S3, FTP, ...) is a FeedStorage
// subclass, a factory registered under a new name, and the scheme mapped
// to it in FEED_STORAGES.
//
// Life of a storage, one per feed file (a batch):
//   check()   start-up, loop thread: would open() work? No side effects.
//   open()    writer thread: create / truncate / connect.
//   append()  writer thread, any number of times: whole records (items).
//   commit()  writer thread, once: the data is stored (or the error says
//             why not).
// Crash safety: a storage that writes in pieces splits only between
// records, so that a killed process leaves whole items (see
// write_records below).

#include "extensions/feed_settings.hpp"

#include <boost/system/error_code.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace trawl {

class FeedStorage {
public:
    virtual ~FeedStorage() = default;

    /// Throws std::runtime_error saying why open() would fail (the path
    /// and the OS's reason), without creating, truncating or writing
    /// anything.
    virtual void check() const {}
    /// Whether the target already holds data that this feed would follow
    /// (appending JSON or XML to it makes an invalid document).
    virtual bool holds_data() const { return false; }

    virtual boost::system::error_code open() = 0;
    /// `bytes` is one or more whole records; `record_ends` are their end
    /// offsets in `bytes`, ascending, the last one bytes.size().
    virtual boost::system::error_code append(std::string_view bytes, std::span<const std::size_t> record_ends) = 0;
    virtual boost::system::error_code commit() = 0;

    /// The name in the stats: feedexport/success_count/FileFeedStorage.
    virtual std::string_view stats_name() const = 0;
};

using FeedStorageFactory = std::function<std::unique_ptr<FeedStorage>(const FeedConfig& config)>;

/// Storages by name (FEED_STORAGES' values). Thread-safe.
class FeedStorageRegistry {
public:
    /// The process's registry, with "file" and "stdout".
    static FeedStorageRegistry& instance();

    FeedStorageRegistry() = default;
    FeedStorageRegistry(const FeedStorageRegistry&) = delete;
    FeedStorageRegistry& operator=(const FeedStorageRegistry&) = delete;

    void add(std::string name, FeedStorageFactory factory);
    bool contains(std::string_view name) const;
    std::vector<std::string> names() const;
    /// Throws std::invalid_argument for an unknown name.
    std::unique_ptr<FeedStorage> create(const FeedConfig& config) const;

private:
    mutable std::mutex mutex_;
    std::map<std::string, FeedStorageFactory, std::less<>> factories_;
};

/// Writes `bytes` (whole records ending at `record_ends`) to `fd`, whose
/// current end is at `offset` (advanced by what was written), retrying
/// partial writes and EINTR.
///
/// Why not one write(2): Linux copies a write into the page cache a page
/// at a time and gives up between pages when the process is being killed,
/// so a SIGKILL can cut a write of several pages anywhere, even inside an
/// item. Each write(2) here holds whole records and, where they allow, ends
/// at or before the next page boundary: it is then copied in one piece.
/// Only a record crossing a page boundary can still be torn, and only by a
/// kill landing between its page copies (mm/filemap.c,
/// generic_perform_write, checks fatal_signal_pending before each page).
/// Closing that gap would take a writer outside the process.
boost::system::error_code write_records(int fd, std::uint64_t& offset, std::string_view bytes,
                                        std::span<const std::size_t> record_ends);

/// The page size write_records aligns to.
std::size_t feed_page_size() noexcept;

} // namespace trawl
