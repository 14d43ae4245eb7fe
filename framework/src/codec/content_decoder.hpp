#pragma once
// Streaming decompression of HTTP bodies (Content-Encoding): gzip (including
// multi-member), deflate (zlib-wrapped or raw), br, zstd (window capped),
// and chains such as "gzip, br". Output is produced in bounded chunks and
// counted against a limit, so a compression bomb is cut off after at most
// one chunk past the limit, never inflated in full.

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace trawl::detail {

/// Most output any decoding stage produces in one step before the limit is
/// checked: a decoder stops at most this many bytes past max_output, and holds
/// one buffer of this size per stage.
inline constexpr std::size_t decoder_chunk_size = 64 * 1024;

struct DecoderLimits {
    /// Total decoded bytes allowed; 0 = unlimited. Exceeding it fails with
    /// trawl::errc::body_too_large.
    std::size_t max_output = 0;
    /// zstd frames asking for a larger window are rejected (decode_error):
    /// 2^27 = 128 MiB is zstd's own default cap for streaming. Must lie in
    /// zstd's range [10, 31] (std::invalid_argument otherwise).
    int zstd_max_window_log = 27;
};

/// Not thread-safe; one per response body. Input may be sliced anywhere.
class ContentDecoder {
public:
    virtual ~ContentDecoder() = default;

    /// Decodes `input`, appending to `output` (never clearing it; the caller
    /// may clear it between calls). Errors: trawl::errc::decode_error
    /// (corrupt data, including trailing bytes after the end of the stream
    /// that are not zero padding), trawl::errc::body_too_large (limit
    /// passed: `output` then holds up to decoder_chunk_size bytes past the
    /// limit, which the caller should discard). Errors are sticky: every
    /// later decode() and finish() returns the first one. Not to be called
    /// after finish().
    virtual boost::system::error_code decode(std::string_view input, std::string& output) = 0;

    /// The input has ended. Error trawl::errc::decode_error if the compressed
    /// stream was truncated (an incomplete gzip member, an unfinished brotli
    /// or zstd frame). A body of zero bytes is accepted as empty output
    /// whatever the coding: servers send Content-Encoding: gzip (or br...)
    /// on HEAD, 204 and 304 responses, and browsers accept them. All output
    /// was already produced by decode(); `output` is for future codings.
    virtual boost::system::error_code finish(std::string& output) = 0;

    /// Decoded bytes produced so far, including any the caller has cleared.
    virtual std::size_t total_output() const noexcept = 0;
};

/// Builds the decoder for a Content-Encoding value: one coding or a
/// comma-separated list applied in order (so decoded in reverse). "identity"
/// and empty give a pass-through that still counts the limit; identity and
/// empty elements inside a list are skipped. Names are case-insensitive;
/// "x-gzip" is gzip. Unknown coding, or more than 4 codings:
/// trawl::errc::unsupported_encoding.
///
/// - gzip: multi-member bodies are decoded member after member.
/// - deflate: zlib-wrapped (RFC 1950, as specified) or raw (RFC 1951, as
///   some servers send it), told apart by the first two bytes.
/// - Trailing zero bytes after the end of any coding's stream are ignored (as
///   browsers do for gzip); any other trailing byte is decode_error (for
///   gzip: it starts another member, which must then be valid and complete).
/// - In a chain, each intermediate stage's output is capped too, at
///   max_output + max_output/64 + decoder_chunk_size (body_too_large): enough
///   for any real compressed data, but a small body cannot make an outer
///   stage inflate terabytes that the inner one merely skips (padding,
///   skippable frames).
///
/// Throws std::invalid_argument if limits.zstd_max_window_log is out of range
/// (a configuration error), whatever the coding.
boost::system::result<std::unique_ptr<ContentDecoder>>
make_content_decoder(std::string_view content_encoding, DecoderLimits limits);

} // namespace trawl::detail
