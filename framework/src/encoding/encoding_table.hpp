#pragma once
// The encodings trawl decodes and the labels that name them (internal).

#include <cstddef>
#include <string_view>

namespace trawl::detail {

enum class DecoderKind {
    utf8,        ///< validated here, copied only when something must change
    single_byte, ///< a 256-entry table, built once from iconv
    iconv,       ///< glibc's iconv, one converter per thread and encoding
};

struct EncodingInfo {
    std::string_view name;  ///< canonical (WHATWG) name
    const char* iconv_name; ///< what iconv calls it (nullptr for UTF-8)
    DecoderKind kind;
    /// Bytes skipped, as one U+FFFD, after an invalid sequence: a code unit
    /// for UTF-16/32, else one byte (the next byte may start a character).
    unsigned char unit;
    std::size_t index; ///< position in the table, for per-encoding caches
};

/// The encoding a label names, or nullptr.
const EncodingInfo* find_encoding(std::string_view label) noexcept;
const EncodingInfo& utf8_encoding() noexcept;
/// How many encodings there are (every EncodingInfo::index is below it).
std::size_t encoding_count() noexcept;

} // namespace trawl::detail
