#pragma once
// Test-side compressors: the codec tests build their own inputs with the
// real zlib, brotli and zstd encoders.

#include <cstddef>
#include <string>
#include <string_view>

namespace trawl::test {

enum class Format {
    gzip,     ///< RFC 1952
    zlib,     ///< RFC 1950 ("deflate" as the RFC means it)
    raw,      ///< RFC 1951 ("deflate" as many servers send it)
    br,
    zstd,     ///< with a content checksum, so corruption is always caught
};

const char* format_name(Format format) noexcept;

/// The Content-Encoding value a server would send for `format`.
const char* content_encoding(Format format) noexcept;

/// Compresses `data` repeated `repeat` times, streaming, so that a 100 MiB
/// bomb never needs its plain text in memory.
std::string compress(Format format, std::string_view data, std::size_t repeat = 1);

/// Compresses `prefix` followed by `data` repeated `repeat` times.
std::string compress_with_prefix(Format format, std::string_view prefix, std::string_view data,
                                 std::size_t repeat);

/// A zstd frame with the given window log, long-distance matching on and no
/// content size in the header (so the decoder must honour the window).
std::string compress_zstd_window(std::string_view data, int window_log);

/// Deterministic text that compresses about 3:1, like HTML.
std::string sample_text(std::size_t size);

} // namespace trawl::test
