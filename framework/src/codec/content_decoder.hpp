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

struct DecoderLimits {
    /// Total decoded bytes allowed; 0 = unlimited. Exceeding it fails with
    /// trawl::errc::body_too_large.
    std::size_t max_output = 0;
    /// zstd frames asking for a larger window are rejected (decode_error):
    /// 2^27 = 128 MiB is zstd's own default cap for streaming.
    int zstd_max_window_log = 27;
};

class ContentDecoder {
public:
    virtual ~ContentDecoder() = default;

    /// Decodes `input`, appending to `output`. Errors: trawl::errc::decode_error
    /// (corrupt data), trawl::errc::body_too_large (limit passed).
    virtual boost::system::error_code decode(std::string_view input, std::string& output) = 0;

    /// The input has ended. Error trawl::errc::decode_error if the compressed
    /// stream was truncated (an incomplete gzip member, an unfinished brotli
    /// or zstd frame).
    virtual boost::system::error_code finish(std::string& output) = 0;

    /// Decoded bytes produced so far.
    virtual std::size_t total_output() const noexcept = 0;
};

/// Builds the decoder for a Content-Encoding value: one coding or a
/// comma-separated list applied in order (so decoded in reverse). "identity"
/// and empty give a pass-through that still counts the limit. Names are
/// case-insensitive; "x-gzip" is gzip. Unknown coding:
/// trawl::errc::unsupported_encoding.
boost::system::result<std::unique_ptr<ContentDecoder>>
make_content_decoder(std::string_view content_encoding, DecoderLimits limits);

/// The Accept-Encoding value trawl sends: "gzip, deflate, br, zstd".
std::string_view supported_accept_encoding() noexcept;

} // namespace trawl::detail
