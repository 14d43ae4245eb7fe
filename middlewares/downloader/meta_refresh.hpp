#pragma once
// Follows <meta http-equiv="refresh" content="N; url=..."> in HTML
// responses (downloader middleware, priority 580; Scrapy's
// MetaRefreshMiddleware).
//
// An HTML response (Response::is_html) to a request other than HEAD whose
// first 4096 characters of text hold a refresh with a URL and a delay below
// METAREFRESH_MAXDELAY (seconds, default 100) becomes Reschedule{a GET for
// that URL}, through the redirect middleware's follow_redirect(): the same
// redirect_times / redirect_ttl / redirect_urls / REDIRECT_MAX_TIMES
// accounting, with redirect_reasons "meta refresh", and only http(s)
// targets. The text is read as w3lib's get_meta_refresh reads it: the
// content of METAREFRESH_IGNORE_TAGS elements (default none) and HTML
// comments are skipped, character references decoded, and the attribute
// forms `http-equiv=... content=...` and `content=... http-equiv=...`
// matched; "N; url=URL" needs the "url=" (a bare "N" or "N; URL" is not
// followed, as in Scrapy). The URL is resolved against the response URL.
//
// Settings: METAREFRESH_ENABLED (false: NotConfigured; REDIRECT_ENABLED
// does not turn this off, as in Scrapy), METAREFRESH_MAXDELAY,
// METAREFRESH_IGNORE_TAGS, REDIRECT_MAX_TIMES, REDIRECT_PRIORITY_ADJUST.
// Meta read: dont_redirect.

#include "downloader/redirect.hpp"

#include <trawl/downloader_middleware.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace trawl::middlewares {

struct MetaRefresh {
    double interval = 0;  ///< seconds
    std::string url;      ///< as written (entities decoded, quotes stripped)
};

/// The first meta refresh in `html` (w3lib's get_meta_refresh without the
/// URL resolution), or nullopt. `ignore_tags`: elements whose content is
/// skipped ("script", "noscript").
std::optional<MetaRefresh> find_meta_refresh(std::string_view html, const std::vector<std::string>& ignore_tags = {});

class MetaRefreshMiddleware final : public DownloaderMiddleware {
public:
    struct Options {
        RedirectMiddleware::Options redirect{};
        double max_delay = 100;
        std::vector<std::string> ignore_tags{};
    };

    static std::unique_ptr<MetaRefreshMiddleware> from_crawler(Crawler& crawler);
    explicit MetaRefreshMiddleware(Options options) : options_(std::move(options)) {}

    HookSet hooks() const override { return static_cast<HookSet>(Hook::response); }
    boost::asio::awaitable<ResponseAction> process_response(const Request& request, Response response) override;

private:
    Options options_;
};

} // namespace trawl::middlewares
