#pragma once
// Downloading one page the way a spider would, for the commands that show a
// page rather than crawl a site (`trawl fetch`, `trawl shell`): a crawl of a
// single request with the project's settings, through the downloader
// middlewares, never filtered, any status kept.

#include <trawl/response.hpp>
#include <trawl/settings.hpp>

#include <optional>
#include <string>

namespace trawl::cli {

/// The URL as the downloader will want it (resolved, normalised). Throws
/// std::invalid_argument (exit 1, as a download that cannot start) when it
/// is not an absolute URL of a scheme trawl downloads (http, https, file,
/// data).
std::string checked_url(const std::string& url);

struct FetchedPage {
    /// The response, whatever its status: a 404 page is still a page.
    std::optional<Response> response;
    /// Without a response, why there is none, as one line naming the URL
    /// (the download error, or the middleware that dropped the request).
    std::string failure;
};

/// Crawls `url` (a checked_url) with `settings`: redirects are followed
/// unless `no_redirect`, when a 3xx is the answer. Runs on the calling
/// thread until the crawl ends. Throws SettingsError for a configuration
/// error found at start-up. Logging must already be configured.
FetchedPage fetch_page(const std::string& url, Settings settings, bool no_redirect);

} // namespace trawl::cli
