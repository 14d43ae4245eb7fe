#include "media_store.hpp"

#include "media_path.hpp"

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <system_error>

#include <unistd.h>

namespace trawl::media {

namespace {

// Unique per process and call, so two writers of the same path (two
// pipelines, or two crawlers on one store) never share a temporary file.
std::filesystem::path temporary_for(const std::filesystem::path& target)
{
    static std::atomic<unsigned long> counter{0};
    auto name = target.filename().string();
    name += ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter.fetch_add(1));
    return target.parent_path() / name;
}

void write_file(const std::filesystem::path& file, std::string_view content)
{
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    if (!out) {
        throw std::runtime_error("cannot create " + file.string() + ": " + std::strerror(errno));
    }
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    out.close();
    if (!out) {
        throw std::runtime_error("cannot write " + file.string() + ": " + std::strerror(errno));
    }
}

} // namespace

void MediaStore::check_writable(std::string_view setting) const
{
    const auto where = [&] { return std::string(setting) + " '" + root_.string() + "'"; };
    std::error_code ec;
    std::filesystem::create_directories(root_ / "full", ec);
    if (ec) {
        throw std::runtime_error(where() + ": cannot create " + (root_ / "full").string() + ": " + ec.message());
    }
    const auto probe = temporary_for(root_ / "full" / ".write-probe");
    try {
        write_file(probe, "");
    } catch (const std::exception& e) {
        throw std::runtime_error(where() + " is not writable: " + e.what());
    }
    std::filesystem::remove(probe, ec);
}

std::optional<StoredFile> MediaStore::stat(const std::string& path) const
{
    const auto file = root_ / path;
    std::error_code ec;
    const auto time = std::filesystem::last_write_time(file, ec);
    if (ec || !std::filesystem::is_regular_file(file, ec)) {
        return std::nullopt;
    }
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        return std::nullopt;
    }
    const std::string content{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (in.bad()) {
        return std::nullopt;
    }
    return StoredFile{time, md5_hex(content)};
}

void MediaStore::persist(const std::string& path, std::string_view content) const
{
    const auto target = root_ / path;
    std::error_code ec;
    std::filesystem::create_directories(target.parent_path(), ec);
    if (ec) {
        throw std::runtime_error("cannot create " + target.parent_path().string() + ": " + ec.message());
    }
    const auto temporary = temporary_for(target);
    try {
        write_file(temporary, content);
        std::filesystem::rename(temporary, target);
    } catch (const std::exception&) {
        std::filesystem::remove(temporary, ec);
        throw;
    }
}

} // namespace trawl::media
