#include <builtin_spiders.hpp>
#include <links_spider.hpp>
#include <quotes_spider.hpp>
#include <sitemap_spider.hpp>

#include <trawl/spider.hpp>

#include <memory>

namespace trawl {

void register_builtin_spiders(SpiderRegistry& registry)
{
    registry.add([] { return std::make_unique<spiders::LinksSpider>(); });
    registry.add([] { return std::make_unique<spiders::QuotesSpider>(); });
    registry.add([] { return std::make_unique<spiders::SitemapPagesSpider>(); });
}

} // namespace trawl
