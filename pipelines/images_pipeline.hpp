#pragma once
// "images": Scrapy's ImagesPipeline, without an image library. Enable it
// with ITEM_PIPELINES: {images: 1} and IMAGES_STORE (unset = disabled).
// Items list URLs in IMAGES_URLS_FIELD ("image_urls"); the result goes to
// IMAGES_RESULT_FIELD ("images"), as the files pipeline's does (see
// files_pipeline.hpp and media_pipeline.hpp). IMAGES_EXPIRES (90 days).
//
// Each body must be a JPEG, PNG, GIF, WebP, BMP or AVIF image (told by its
// magic bytes) at least IMAGES_MIN_WIDTH x IMAGES_MIN_HEIGHT (0 x 0) pixels,
// read from its header (media_image.hpp); anything else is left out with a
// warning saying why.
//
// Differences from Scrapy, which decodes with Pillow:
// - The image is stored as downloaded, not converted to RGB JPEG: the file
//   is full/<sha1 of the URL>.<extension of its type> (.png, .gif, ...),
//   not always .jpg, and the checksum is the MD5 of the downloaded bytes.
// - Only the header is read: a body whose header is valid but whose pixel
//   data is corrupt is accepted.
// - No thumbnails (IMAGES_THUMBS is warned about and ignored) and other
//   formats Pillow knows (TIFF, ICO, ...) are refused.

#include "media_pipeline.hpp"

#include <cstdint>
#include <memory>

namespace trawl {

class ImagesPipeline final : public media::MediaPipeline {
public:
    struct Limits {
        std::int64_t min_width = 0;
        std::int64_t min_height = 0;
    };

    /// Throws NotConfigured when IMAGES_STORE is unset.
    static std::unique_ptr<ImagesPipeline> from_crawler(Crawler& crawler);

    ImagesPipeline(Crawler& crawler, media::MediaOptions options, Limits limits, media::DownloadFunction download = {});

protected:
    Verdict check(const std::string& url, const Response& response) const override;
    std::vector<std::string> stored_paths(const std::string& url) const override;

private:
    Limits limits_;
};

} // namespace trawl
