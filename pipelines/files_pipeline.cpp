#include "files_pipeline.hpp"

#include "media_path.hpp"

#include <trawl/crawler.hpp>

namespace trawl {

std::unique_ptr<FilesPipeline> FilesPipeline::from_crawler(Crawler& crawler)
{
    return std::make_unique<FilesPipeline>(crawler, media::read_media_options(crawler, "FILES", "file"));
}

FilesPipeline::FilesPipeline(Crawler& crawler, media::MediaOptions options, media::DownloadFunction download)
    : MediaPipeline(crawler, std::move(options), "trawl.pipelines.files", std::move(download))
{
}

FilesPipeline::Verdict FilesPipeline::check(const std::string& url, const Response&) const
{
    return Verdict{media::file_path(url), {}};
}

std::vector<std::string> FilesPipeline::stored_paths(const std::string& url) const
{
    return {media::file_path(url)};
}

} // namespace trawl
