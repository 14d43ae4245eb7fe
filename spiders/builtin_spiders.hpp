#pragma once
// Registers the spiders that need no compiling ("links") in a registry,
// for `trawl crawl NAME` and `trawl list`. Explicit rather than a static
// registrar: a static library drops registrar objects nobody references.

namespace trawl {

class SpiderRegistry;

/// Adds "links" (spiders/links_spider.hpp). Calling it again is harmless.
void register_builtin_spiders(SpiderRegistry& registry);

} // namespace trawl
