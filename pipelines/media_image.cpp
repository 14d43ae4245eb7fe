#include "media_image.hpp"

#include <cstddef>
#include <optional>
#include <utility>

namespace trawl::media {

namespace {

using Result = boost::system::result<ImageInfo, ImageError>;

// Bounds-checked reads: a read past the end gives nullopt, which each
// parser turns into "truncated".
class Bytes {
public:
    explicit Bytes(std::string_view data) : data_(data) {}

    std::size_t size() const noexcept { return data_.size(); }
    bool has(std::size_t pos, std::size_t n) const noexcept { return pos <= data_.size() && n <= data_.size() - pos; }
    bool starts(std::size_t pos, std::string_view magic) const noexcept
    {
        return has(pos, magic.size()) && data_.substr(pos, magic.size()) == magic;
    }
    std::optional<std::uint8_t> u8(std::size_t pos) const noexcept
    {
        if (!has(pos, 1)) {
            return std::nullopt;
        }
        return static_cast<std::uint8_t>(data_[pos]);
    }
    std::optional<std::uint64_t> be(std::size_t pos, std::size_t n) const noexcept
    {
        if (!has(pos, n)) {
            return std::nullopt;
        }
        std::uint64_t v = 0;
        for (std::size_t i = 0; i < n; ++i) {
            v = (v << 8) | static_cast<std::uint8_t>(data_[pos + i]);
        }
        return v;
    }
    std::optional<std::uint64_t> le(std::size_t pos, std::size_t n) const noexcept
    {
        if (!has(pos, n)) {
            return std::nullopt;
        }
        std::uint64_t v = 0;
        for (std::size_t i = n; i-- > 0;) {
            v = (v << 8) | static_cast<std::uint8_t>(data_[pos + i]);
        }
        return v;
    }

private:
    std::string_view data_;
};

Result fail(std::string reason)
{
    ImageError error{std::move(reason)};
    return error;
}

Result sized(ImageType type, std::uint64_t width, std::uint64_t height)
{
    if (width == 0 || height == 0) {
        return fail(std::string(image_type_name(type)) + " with a zero width or height");
    }
    if (width > UINT32_MAX || height > UINT32_MAX) {
        return fail(std::string(image_type_name(type)) + " dimensions out of range");
    }
    ImageInfo info{type, static_cast<std::uint32_t>(width), static_cast<std::uint32_t>(height)};
    return info;
}

Result truncated(ImageType type) { return fail("truncated " + std::string(image_type_name(type)) + " header"); }

Result probe_png(const Bytes& b)
{
    // The signature, then the IHDR chunk, which must come first.
    if (!b.has(0, 24)) {
        return truncated(ImageType::png);
    }
    if (!b.starts(12, "IHDR")) {
        return fail("PNG without an IHDR chunk first");
    }
    const auto width = *b.be(16, 4);
    const auto height = *b.be(20, 4);
    // The PNG spec caps both at 2^31 - 1.
    if (width > 0x7fffffff || height > 0x7fffffff) {
        return fail("PNG dimensions out of range");
    }
    return sized(ImageType::png, width, height);
}

Result probe_gif(const Bytes& b)
{
    const auto width = b.le(6, 2);
    const auto height = b.le(8, 2);
    if (!width || !height) {
        return truncated(ImageType::gif);
    }
    return sized(ImageType::gif, *width, *height);
}

bool is_sof(std::uint8_t marker) noexcept
{
    // SOF0..SOF15, except DHT (C4), JPG (C8) and DAC (CC), which share the range.
    return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
}

Result probe_jpeg(const Bytes& b)
{
    // Walk the segments after SOI up to the first frame header. Each step
    // moves forward by at least one byte, so the walk ends.
    std::size_t pos = 2;
    while (pos < b.size()) {
        if (*b.u8(pos) != 0xFF) {
            ++pos;  // junk between segments: skipped, as decoders do
            continue;
        }
        while (b.u8(pos) == 0xFF) {
            ++pos;  // fill bytes
        }
        const auto marker = b.u8(pos);
        if (!marker) {
            break;
        }
        if (*marker == 0xD8 || *marker == 0x01 || (*marker >= 0xD0 && *marker <= 0xD7)) {
            ++pos;  // standalone markers have no length
            continue;
        }
        if (*marker == 0xD9 || *marker == 0xDA) {
            return fail("JPEG without a frame header before its " + std::string(*marker == 0xD9 ? "end" : "scan"));
        }
        const auto length = b.be(pos + 1, 2);
        if (!length) {
            break;
        }
        if (*length < 2) {
            return fail("JPEG segment with a length under 2");
        }
        if (is_sof(*marker)) {
            // length(2) precision(1) height(2) width(2) components(1)
            if (*length < 8) {
                return fail("JPEG frame header too short");
            }
            const auto height = b.be(pos + 4, 2);
            const auto width = b.be(pos + 6, 2);
            if (!height || !width) {
                break;
            }
            if (*height == 0) {
                // Given later by a DNL segment: too rare to chase.
                return fail("JPEG whose height is defined after the first scan (DNL)");
            }
            return sized(ImageType::jpeg, *width, *height);
        }
        pos += 1 + *length;
    }
    return truncated(ImageType::jpeg);
}

Result probe_webp(const Bytes& b)
{
    // RIFF <size> WEBP, then the first chunk: its fourcc at 12, data at 20.
    if (b.starts(12, "VP8 ")) {
        // Lossy: a 3-byte frame tag, the start code 9D 01 2A, then 14-bit
        // width and height (the top two bits are scaling).
        if (!b.has(20, 10)) {
            return truncated(ImageType::webp);
        }
        if (*b.u8(23) != 0x9D || *b.u8(24) != 0x01 || *b.u8(25) != 0x2A) {
            return fail("WebP VP8 frame without its start code");
        }
        return sized(ImageType::webp, *b.le(26, 2) & 0x3FFF, *b.le(28, 2) & 0x3FFF);
    }
    if (b.starts(12, "VP8L")) {
        // Lossless: signature 0x2F, then width-1 and height-1 in 14 bits each.
        if (!b.has(20, 5)) {
            return truncated(ImageType::webp);
        }
        if (*b.u8(20) != 0x2F) {
            return fail("WebP VP8L chunk without its signature");
        }
        const auto bits = *b.le(21, 4);
        return sized(ImageType::webp, (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1);
    }
    if (b.starts(12, "VP8X")) {
        // Extended: flags(1) reserved(3), then canvas width-1 and height-1 in 24 bits each.
        if (!b.has(20, 10)) {
            return truncated(ImageType::webp);
        }
        return sized(ImageType::webp, *b.le(24, 3) + 1, *b.le(27, 3) + 1);
    }
    if (!b.has(12, 4)) {
        return truncated(ImageType::webp);
    }
    return fail("WebP with an unknown first chunk");
}

Result probe_bmp(const Bytes& b)
{
    const auto header_size = b.le(14, 4);
    if (!header_size) {
        return truncated(ImageType::bmp);
    }
    if (*header_size == 12) {
        // BITMAPCOREHEADER (OS/2 1.x): unsigned 16-bit sizes.
        const auto width = b.le(18, 2);
        const auto height = b.le(20, 2);
        if (!width || !height) {
            return truncated(ImageType::bmp);
        }
        return sized(ImageType::bmp, *width, *height);
    }
    if (*header_size < 16 || *header_size > 4096) {
        return fail("BMP with an unknown header size");
    }
    // BITMAPINFOHEADER and later: signed 32-bit sizes; a negative height is
    // a top-down bitmap.
    const auto width = b.le(18, 4);
    const auto height = b.le(22, 4);
    if (!width || !height) {
        return truncated(ImageType::bmp);
    }
    const auto signed_width = static_cast<std::int64_t>(static_cast<std::int32_t>(*width));
    const auto signed_height = static_cast<std::int64_t>(static_cast<std::int32_t>(*height));
    if (signed_width < 0) {
        return fail("BMP with a negative width");
    }
    return sized(ImageType::bmp, static_cast<std::uint64_t>(signed_width),
                 static_cast<std::uint64_t>(signed_height < 0 ? -signed_height : signed_height));
}

// An ISO BMFF box's content [begin, end), found by type among the boxes in
// [begin, end). A malformed box ends the search.
std::optional<std::pair<std::size_t, std::size_t>> find_box(const Bytes& b, std::size_t begin, std::size_t end,
                                                            std::string_view type)
{
    std::size_t pos = begin;
    while (pos < end && end - pos >= 8) {
        std::uint64_t size = *b.be(pos, 4);
        std::size_t header = 8;
        if (size == 1) {
            const auto large = b.be(pos + 8, 8);
            if (!large || end - pos < 16) {
                return std::nullopt;
            }
            size = *large;
            header = 16;
        } else if (size == 0) {
            size = end - pos;  // to the end of the enclosing box
        }
        if (size < header || size > end - pos) {
            return std::nullopt;
        }
        if (b.starts(pos + 4, type)) {
            return std::pair{pos + header, pos + static_cast<std::size_t>(size)};
        }
        pos += static_cast<std::size_t>(size);
    }
    return std::nullopt;
}

bool is_avif_brand(const Bytes& b, std::size_t pos) { return b.starts(pos, "avif") || b.starts(pos, "avis"); }

bool is_avif(const Bytes& b)
{
    const auto ftyp = find_box(b, 0, b.size(), "ftyp");
    if (!b.starts(4, "ftyp") || !ftyp) {
        return false;
    }
    // major_brand(4) minor_version(4) compatible_brands(4 each)
    if (is_avif_brand(b, ftyp->first)) {
        return true;
    }
    for (std::size_t pos = ftyp->first + 8; pos + 4 <= ftyp->second; pos += 4) {
        if (is_avif_brand(b, pos)) {
            return true;
        }
    }
    return false;
}

Result probe_avif(const Bytes& b)
{
    // meta (a full box: 4 bytes of version and flags) > iprp > ipco > ispe.
    // The first ispe is the primary image's in the files encoders write.
    const auto meta = find_box(b, 0, b.size(), "meta");
    if (!meta || meta->second - meta->first < 4) {
        return fail("AVIF without a meta box");
    }
    const auto iprp = find_box(b, meta->first + 4, meta->second, "iprp");
    const auto ipco = iprp ? find_box(b, iprp->first, iprp->second, "ipco") : std::nullopt;
    const auto ispe = ipco ? find_box(b, ipco->first, ipco->second, "ispe") : std::nullopt;
    if (!ispe || ispe->second - ispe->first < 12) {
        return fail("AVIF without an image size (ispe) property");
    }
    return sized(ImageType::avif, *b.be(ispe->first + 4, 4), *b.be(ispe->first + 8, 4));
}

} // namespace

std::string_view image_type_name(ImageType type) noexcept
{
    switch (type) {
    case ImageType::jpeg: return "JPEG";
    case ImageType::png: return "PNG";
    case ImageType::gif: return "GIF";
    case ImageType::webp: return "WebP";
    case ImageType::bmp: return "BMP";
    case ImageType::avif: return "AVIF";
    }
    return "image";
}

std::string_view image_extension(ImageType type) noexcept
{
    switch (type) {
    case ImageType::jpeg: return ".jpg";
    case ImageType::png: return ".png";
    case ImageType::gif: return ".gif";
    case ImageType::webp: return ".webp";
    case ImageType::bmp: return ".bmp";
    case ImageType::avif: return ".avif";
    }
    return "";
}

boost::system::result<ImageInfo, ImageError> probe_image(std::string_view body)
{
    const Bytes b{body};
    using namespace std::string_view_literals;
    if (b.starts(0, "\x89PNG\r\n\x1a\n"sv)) {
        return probe_png(b);
    }
    if (b.starts(0, "GIF87a") || b.starts(0, "GIF89a")) {
        return probe_gif(b);
    }
    if (b.starts(0, "\xFF\xD8\xFF"sv)) {
        return probe_jpeg(b);
    }
    if (b.starts(0, "RIFF") && b.starts(8, "WEBP")) {
        return probe_webp(b);
    }
    if (b.starts(0, "BM")) {
        return probe_bmp(b);
    }
    if (is_avif(b)) {
        return probe_avif(b);
    }
    return fail("not an image (unknown format)");
}

} // namespace trawl::media
