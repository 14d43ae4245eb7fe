#include "extensions/feed_storage.hpp"

#include <trawl/log.hpp>

#include <fmt/format.h>

#include <cerrno>
#include <fcntl.h>
#include <filesystem>
#include <stdexcept>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>

namespace trawl {

namespace {

const Logger logger{"trawl.extensions.feedexport"};

boost::system::error_code last_error()
{
    return {errno, boost::system::system_category()};
}

std::string reason(int error)
{
    return std::generic_category().message(error);
}

class FileFeedStorage final : public FeedStorage {
public:
    explicit FileFeedStorage(const FeedConfig& config) : path_(config.path), overwrite_(config.overwrite) {}
    ~FileFeedStorage() override
    {
        if (fd_ >= 0) {
            ::close(fd_);
        }
    }
    FileFeedStorage(const FileFeedStorage&) = delete;
    FileFeedStorage& operator=(const FileFeedStorage&) = delete;

    void check() const override
    {
        const auto fail = [](const std::string& what) { throw std::runtime_error(what); };
        struct stat status {};
        if (::stat(path_.c_str(), &status) == 0) {
            if (S_ISDIR(status.st_mode)) {
                fail(fmt::format("cannot open '{}' for writing: {}", path_.string(), reason(EISDIR)));
            }
            // Opened without O_CREAT or O_TRUNC: the file stays as it is.
            // O_NONBLOCK so that a FIFO without a reader does not hang.
            const int fd = ::open(path_.c_str(), O_WRONLY | O_CLOEXEC | O_NONBLOCK);
            if (fd < 0 && errno != ENXIO) {
                fail(fmt::format("cannot open '{}' for writing: {}", path_.string(), reason(errno)));
            }
            if (fd >= 0) {
                ::close(fd);
            }
            return;
        }
        if (errno != ENOENT) {
            fail(fmt::format("cannot open '{}' for writing: {}", path_.string(), reason(errno)));
        }
        // The file is missing: find the directories open() would create.
        std::filesystem::path missing = path_;
        std::filesystem::path existing = path_.parent_path();
        while (!existing.empty() && ::stat(existing.c_str(), &status) != 0 && errno == ENOENT) {
            missing = existing;
            existing = existing.parent_path();
        }
        if (existing.empty()) {
            existing = ".";
        }
        if (::stat(existing.c_str(), &status) != 0) {
            fail(fmt::format("cannot create '{}': {}: {}", path_.string(), existing.string(), reason(errno)));
        }
        if (!S_ISDIR(status.st_mode)) {
            fail(fmt::format("cannot create directory '{}': {}", path_.parent_path().string(), reason(ENOTDIR)));
        }
        // access(2) cannot tell a read-only mount or /proc from a writable
        // directory (and root passes every check): try it, and undo it.
        if (missing == path_) {
            const int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
            if (fd < 0 && errno != EEXIST) {
                fail(fmt::format("cannot create '{}': {}", path_.string(), reason(errno)));
            }
            if (fd >= 0) {
                ::close(fd);
                ::unlink(path_.c_str());
            }
        } else {
            if (::mkdir(missing.c_str(), 0777) != 0 && errno != EEXIST) {
                fail(fmt::format("cannot create directory '{}': {}", missing.string(), reason(errno)));
            }
            ::rmdir(missing.c_str());
        }
    }

    bool holds_data() const override
    {
        struct stat status {};
        return !overwrite_ && ::stat(path_.c_str(), &status) == 0 && S_ISREG(status.st_mode) && status.st_size > 0;
    }

    boost::system::error_code open() override
    {
        // As Scrapy's FileFeedStorage: the directory is created.
        if (const auto parent = path_.parent_path(); !parent.empty()) {
            std::error_code ec;
            std::filesystem::create_directories(parent, ec);
            if (ec) {
                return {ec.value(), boost::system::system_category()};
            }
        }
        const int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (overwrite_ ? O_TRUNC : O_APPEND);
        fd_ = ::open(path_.c_str(), flags, 0666);
        if (fd_ < 0) {
            return last_error();
        }
        struct stat status {};
        offset_ = !overwrite_ && ::fstat(fd_, &status) == 0 ? static_cast<std::uint64_t>(status.st_size) : 0;
        return {};
    }

    boost::system::error_code append(std::string_view bytes, std::span<const std::size_t> record_ends) override
    {
        return write_records(fd_, offset_, bytes, record_ends);
    }

    boost::system::error_code commit() override
    {
        // close() is where NFS and some file systems report a failed
        // write-back: the feed is not stored then.
        const int fd = std::exchange(fd_, -1);
        if (fd >= 0 && ::close(fd) != 0) {
            return last_error();
        }
        return {};
    }

    std::string_view stats_name() const override { return "FileFeedStorage"; }

private:
    std::filesystem::path path_;
    bool overwrite_;
    int fd_ = -1;
    std::uint64_t offset_ = 0;
};

class StdoutFeedStorage final : public FeedStorage {
public:
    explicit StdoutFeedStorage(const FeedConfig& config) : overwrite_(config.overwrite) {}

    void check() const override
    {
        if (overwrite_) {
            logger.warning("Standard output (stdout) storage does not support overwriting. To suppress this "
                           "warning, remove the overwrite option from your FEEDS setting, or set it to False.");
        }
    }

    boost::system::error_code open() override
    {
        // Standard output redirected to a file has an offset; a pipe has
        // none (and any start will do: a pipe's writes of up to a page are
        // atomic anyway).
        const off_t at = ::lseek(STDOUT_FILENO, 0, SEEK_CUR);
        offset_ = at > 0 ? static_cast<std::uint64_t>(at) : 0;
        return {};
    }

    boost::system::error_code append(std::string_view bytes, std::span<const std::size_t> record_ends) override
    {
        return write_records(STDOUT_FILENO, offset_, bytes, record_ends);
    }

    boost::system::error_code commit() override { return {}; }  // standard output is not ours to close

    std::string_view stats_name() const override { return "StdoutFeedStorage"; }

private:
    bool overwrite_;
    std::uint64_t offset_ = 0;
};

} // namespace

std::size_t feed_page_size() noexcept
{
    static const std::size_t size = [] {
        const long page = ::sysconf(_SC_PAGESIZE);
        return page > 0 ? static_cast<std::size_t>(page) : std::size_t{4096};
    }();
    return size;
}

boost::system::error_code write_records(int fd, std::uint64_t& offset, std::string_view bytes,
                                        std::span<const std::size_t> record_ends)
{
    const std::uint64_t page = feed_page_size();
    std::size_t done = 0;
    std::size_t next_record = 0;
    while (done < bytes.size()) {
        // 1. The records that fit before the next page boundary, or the
        //    first one alone if it does not fit.
        const std::uint64_t room = page - offset % page;
        std::size_t end = done;
        while (next_record < record_ends.size() && record_ends[next_record] <= bytes.size() &&
               record_ends[next_record] - done <= room) {
            end = record_ends[next_record++];
        }
        if (end == done) {
            end = next_record < record_ends.size() && record_ends[next_record] <= bytes.size()
                      ? record_ends[next_record++]
                      : bytes.size();
        }
        // 2. All of them, however many write(2) calls that takes.
        while (done < end) {
            const ssize_t written = ::write(fd, bytes.data() + done, end - done);
            if (written < 0) {
                if (errno == EINTR) {
                    continue;
                }
                return last_error();
            }
            done += static_cast<std::size_t>(written);
            offset += static_cast<std::uint64_t>(written);
        }
    }
    return {};
}

FeedStorageRegistry& FeedStorageRegistry::instance()
{
    static FeedStorageRegistry registry;
    static const bool registered = [] {
        registry.add("file", [](const FeedConfig& config) { return std::make_unique<FileFeedStorage>(config); });
        registry.add("stdout", [](const FeedConfig& config) { return std::make_unique<StdoutFeedStorage>(config); });
        return true;
    }();
    static_cast<void>(registered);
    return registry;
}

void FeedStorageRegistry::add(std::string name, FeedStorageFactory factory)
{
    if (!factory) {
        throw std::invalid_argument("FeedStorageRegistry::add: empty factory for '" + name + "'");
    }
    std::lock_guard lock{mutex_};
    factories_.insert_or_assign(std::move(name), std::move(factory));
}

bool FeedStorageRegistry::contains(std::string_view name) const
{
    std::lock_guard lock{mutex_};
    return factories_.find(name) != factories_.end();
}

std::vector<std::string> FeedStorageRegistry::names() const
{
    std::lock_guard lock{mutex_};
    std::vector<std::string> names;
    for (const auto& entry : factories_) {
        names.push_back(entry.first);
    }
    return names;
}

std::unique_ptr<FeedStorage> FeedStorageRegistry::create(const FeedConfig& config) const
{
    FeedStorageFactory factory;
    {
        std::lock_guard lock{mutex_};
        if (const auto found = factories_.find(config.storage); found != factories_.end()) {
            factory = found->second;
        }
    }
    if (!factory) {
        throw std::invalid_argument(fmt::format("unknown feed storage '{}' (known: {})", config.storage,
                                                fmt::join(names(), ", ")));
    }
    auto storage = factory(config);
    if (!storage) {
        throw std::logic_error("the feed storage factory of '" + config.storage + "' returned nothing");
    }
    return storage;
}

} // namespace trawl
