#pragma once
// The directory store behind FILES_STORE / IMAGES_STORE (Scrapy's
// FSFilesStore): paths relative to the store's root, files written
// atomically (a temporary file in the same directory, then a rename), so a
// crawl stopped mid-write never leaves a partial file under its final name.
// Blocking file I/O: call it from the pipelines' thread, never the loop.

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace trawl::media {

struct StoredFile {
    std::filesystem::file_time_type last_modified;
    std::string checksum;  ///< MD5 hex of the content
};

class MediaStore {
public:
    explicit MediaStore(std::filesystem::path root) : root_(std::move(root)) {}

    const std::filesystem::path& root() const noexcept { return root_; }

    /// Creates the root and its "full" directory and proves a file can be
    /// written there. Throws std::runtime_error naming `setting` and the
    /// directory when it cannot.
    void check_writable(std::string_view setting) const;

    /// The stored file's time and checksum, or nullopt when there is none.
    std::optional<StoredFile> stat(const std::string& path) const;

    /// Writes `content` under `path`, replacing what was there. Throws
    /// std::runtime_error naming the file on failure.
    void persist(const std::string& path, std::string_view content) const;

private:
    std::filesystem::path root_;
};

} // namespace trawl::media
