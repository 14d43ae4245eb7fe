#pragma once
// "files": Scrapy's FilesPipeline. Enable it with ITEM_PIPELINES: {files: 1}
// and FILES_STORE (a directory; unset = disabled). Items list URLs in
// FILES_URLS_FIELD ("file_urls"); each is stored at
// FILES_STORE/full/<sha1 of the URL><extension of the URL's path> and the
// item gets FILES_RESULT_FIELD ("files"):
//   [{"url": ..., "path": "full/3afe....pdf", "checksum": <md5>, "status": "downloaded"}]
// A stored file younger than FILES_EXPIRES days (90) is not downloaded
// again ("uptodate"). See media_pipeline.hpp for the rest.
// Differences from Scrapy: local directories only (no s3://, gs://, ftp://);
// the extension ignores the URL's query (media_path.hpp).

#include "media_pipeline.hpp"

#include <memory>

namespace trawl {

class FilesPipeline final : public media::MediaPipeline {
public:
    /// Throws NotConfigured when FILES_STORE is unset.
    static std::unique_ptr<FilesPipeline> from_crawler(Crawler& crawler);

    FilesPipeline(Crawler& crawler, media::MediaOptions options, media::DownloadFunction download = {});

protected:
    Verdict check(const std::string& url, const Response& response) const override;
    std::vector<std::string> stored_paths(const std::string& url) const override;
};

} // namespace trawl
