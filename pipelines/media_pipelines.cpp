#include "media_pipelines.hpp"

#include "files_pipeline.hpp"
#include "images_pipeline.hpp"

#include <trawl/components.hpp>

namespace trawl {

void register_media_pipelines(Components& components)
{
    components.add_pipeline<FilesPipeline>("files");
    components.add_pipeline<ImagesPipeline>("images");
}

} // namespace trawl
