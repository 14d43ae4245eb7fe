#include "images_pipeline.hpp"

#include "media_image.hpp"
#include "media_path.hpp"

#include <trawl/crawler.hpp>

#include <fmt/format.h>

namespace trawl {

namespace {
constexpr media::ImageType stored_types[] = {media::ImageType::jpeg, media::ImageType::png, media::ImageType::gif,
                                             media::ImageType::webp, media::ImageType::bmp, media::ImageType::avif};
}

std::unique_ptr<ImagesPipeline> ImagesPipeline::from_crawler(Crawler& crawler)
{
    auto options = media::read_media_options(crawler, "IMAGES", "image");
    const auto& settings = crawler.settings();
    Limits limits;
    limits.min_width = settings.get_int("IMAGES_MIN_WIDTH", 0);
    limits.min_height = settings.get_int("IMAGES_MIN_HEIGHT", 0);
    auto pipeline = std::make_unique<ImagesPipeline>(crawler, std::move(options), limits);
    if (const auto* thumbs = settings.find("IMAGES_THUMBS");
        thumbs && !thumbs->is_null() && !(thumbs->is_object() && thumbs->get_object().empty())) {
        pipeline->logger().warning("IMAGES_THUMBS is not supported (trawl has no image library): no thumbnails are made");
    }
    return pipeline;
}

ImagesPipeline::ImagesPipeline(Crawler& crawler, media::MediaOptions options, Limits limits,
                               media::DownloadFunction download)
    : MediaPipeline(crawler, std::move(options), "trawl.pipelines.images", std::move(download)), limits_(limits)
{
}

ImagesPipeline::Verdict ImagesPipeline::check(const std::string& url, const Response& response) const
{
    const auto probed = media::probe_image(response.body());
    if (!probed) {
        return Verdict{{}, probed.error().reason};
    }
    const auto& image = *probed;
    if (image.width < limits_.min_width || image.height < limits_.min_height) {
        return Verdict{{}, fmt::format("Image too small ({}x{} < {}x{})", image.width, image.height,
                                       limits_.min_width, limits_.min_height)};
    }
    return Verdict{media::path_stem(url) + std::string(media::image_extension(image.type)), {}};
}

std::vector<std::string> ImagesPipeline::stored_paths(const std::string& url) const
{
    const auto stem = media::path_stem(url);
    std::vector<std::string> paths;
    for (const auto type : stored_types) {
        paths.push_back(stem + std::string(media::image_extension(type)));
    }
    return paths;
}

} // namespace trawl
