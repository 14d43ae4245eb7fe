#include "frontier/builtin_frontier.hpp"

#include "frontier/memory_dupefilter.hpp"
#include "frontier/memory_scheduler.hpp"

#include <trawl/components.hpp>
#include <trawl/crawler.hpp>

namespace trawl {

void register_builtin_frontier(Components& components)
{
    components.add_scheduler("memory", [](Crawler& crawler) -> std::unique_ptr<Scheduler> {
        return detail::MemoryScheduler::from_crawler(crawler);
    });
    components.add_dupefilter("memory", [](Crawler& crawler) -> std::unique_ptr<DupeFilter> {
        return detail::MemoryDupeFilter::from_crawler(crawler);
    });
}

} // namespace trawl
