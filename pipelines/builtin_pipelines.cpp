#include "builtin_pipelines.hpp"

#include "dedup_pipeline.hpp"
#include "media_pipelines.hpp"
#include "sqlite_pipeline.hpp"
#include "validate_pipeline.hpp"

#include <trawl/components.hpp>

namespace trawl {

void register_builtin_pipelines(Components& components)
{
    components.add_pipeline<ValidatePipeline>("validate");
    components.add_pipeline<DedupPipeline>("dedup");
    components.add_pipeline<SqlitePipeline>("sqlite");
    register_media_pipelines(components);  // "files", "images"
}

} // namespace trawl
