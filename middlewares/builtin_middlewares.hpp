#pragma once
// Registers trawl's built-in downloader and spider middlewares under the
// short names DOWNLOADER_MIDDLEWARES_BASE and SPIDER_MIDDLEWARES_BASE use
// ("retry", "redirect", "depth", ...). register_builtin_components calls
// this; a test may call it on its own Components.

namespace trawl {

class Components;

/// Downloader: offsite, downloadtimeout, defaultheaders, useragent, retry,
/// httpcompression, redirect, downloaderstats. Spider: httperror, depth.
void register_builtin_middlewares(Components& components);

} // namespace trawl
