#include "extensions/builtin_extensions.hpp"

#include "extensions/close_spider.hpp"
#include "extensions/core_stats.hpp"
#include "extensions/feed_export.hpp"
#include "extensions/log_stats.hpp"

#include <trawl/components.hpp>

namespace trawl {

void register_builtin_extensions(Components& components)
{
    components.add_extension<CoreStats>("corestats");
    components.add_extension<CloseSpider>("closespider");
    components.add_extension<LogStats>("logstats");
    components.add_extension<FeedExport>("feedexport");
}

} // namespace trawl
