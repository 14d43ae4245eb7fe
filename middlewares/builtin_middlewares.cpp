#include "builtin_middlewares.hpp"

#include "downloader/adaptive_concurrency.hpp"
#include "downloader/auto_throttle.hpp"
#include "downloader/cookies.hpp"
#include "downloader/default_headers.hpp"
#include "downloader/download_timeout.hpp"
#include "downloader/downloader_stats.hpp"
#include "downloader/http_cache.hpp"
#include "downloader/http_auth.hpp"
#include "downloader/http_compression.hpp"
#include "downloader/http_proxy.hpp"
#include "downloader/meta_refresh.hpp"
#include "downloader/offsite.hpp"
#include "downloader/proxy_pool.hpp"
#include "downloader/redirect.hpp"
#include "downloader/retry.hpp"
#include "downloader/robots_txt.hpp"
#include "downloader/user_agent.hpp"
#include "spider/depth.hpp"
#include "spider/http_error.hpp"
#include "spider/referer.hpp"
#include "spider/url_length.hpp"

#include <trawl/components.hpp>

namespace trawl {

void register_builtin_middlewares(Components& components)
{
    using namespace trawl::middlewares;
    // Names as in DOWNLOADER_MIDDLEWARES_BASE (framework/src/settings/default_settings.cpp).
    components.add_downloader_middleware<OffsiteMiddleware>("offsite");
    components.add_downloader_middleware<RobotsTxtMiddleware>("robotstxt");
    components.add_downloader_middleware<HttpAuthMiddleware>("httpauth");
    components.add_downloader_middleware<DownloadTimeoutMiddleware>("downloadtimeout");
    components.add_downloader_middleware<DefaultHeadersMiddleware>("defaultheaders");
    components.add_downloader_middleware<UserAgentMiddleware>("useragent");
    components.add_downloader_middleware<RetryMiddleware>("retry");
    components.add_downloader_middleware<MetaRefreshMiddleware>("metarefresh");
    components.add_downloader_middleware<HttpCompressionMiddleware>("httpcompression");
    components.add_downloader_middleware<RedirectMiddleware>("redirect");
    components.add_downloader_middleware<CookiesMiddleware>("cookies");
    components.add_downloader_middleware<ProxyPoolMiddleware>("proxypool");
    components.add_downloader_middleware<HttpProxyMiddleware>("httpproxy");
    components.add_downloader_middleware<DownloaderStats>("downloaderstats");
    components.add_downloader_middleware<AutoThrottleMiddleware>("autothrottle");
    components.add_downloader_middleware<AdaptiveConcurrencyMiddleware>("adaptiveconcurrency");
    components.add_downloader_middleware<HttpCacheMiddleware>("httpcache");
    // Names as in SPIDER_MIDDLEWARES_BASE.
    components.add_spider_middleware<HttpErrorMiddleware>("httperror");
    components.add_spider_middleware<RefererMiddleware>("referer");
    components.add_spider_middleware<UrlLengthMiddleware>("urllength");
    components.add_spider_middleware<DepthMiddleware>("depth");
}

} // namespace trawl
