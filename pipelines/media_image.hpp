#pragma once
// What the images pipeline checks instead of decoding: the image type from
// the body's magic bytes and the width and height from its header (PNG
// IHDR, GIF logical screen, JPEG SOFn, WebP VP8/VP8L/VP8X, BMP DIB header,
// AVIF ispe). Bodies are untrusted: every read is bounds-checked, a
// truncated or inconsistent header is an error, never a crash, and nothing
// is allocated from a size the header claims.

#include <boost/system/result.hpp>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace trawl::media {

enum class ImageType { jpeg, png, gif, webp, bmp, avif };

/// "JPEG", "PNG", ...
std::string_view image_type_name(ImageType type) noexcept;
/// The extension files of that type are stored under: ".jpg", ".png",
/// ".gif", ".webp", ".bmp", ".avif".
std::string_view image_extension(ImageType type) noexcept;

struct ImageInfo {
    ImageType type;
    std::uint32_t width = 0;
    std::uint32_t height = 0;
};

/// Why a body is not an image we can size: "not an image (unknown format)",
/// "truncated PNG header", "JPEG without a frame header"...
struct ImageError {
    std::string reason;
};

class ImageRejected : public std::runtime_error {
public:
    explicit ImageRejected(const ImageError& e) : std::runtime_error(e.reason) {}
};

[[noreturn]] inline void throw_exception_from_error(const ImageError& e, const boost::source_location&)
{
    throw ImageRejected(e);
}

/// The type and size of the image in `body`, or why there is none. A width
/// or height of 0 is an error.
boost::system::result<ImageInfo, ImageError> probe_image(std::string_view body);

} // namespace trawl::media
