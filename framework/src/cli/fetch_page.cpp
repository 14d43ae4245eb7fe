#include "cli/fetch_page.hpp"

#include <trawl/crawler.hpp>
#include <trawl/signals.hpp>
#include <trawl/spider.hpp>
#include <trawl/url.hpp>

#include <fmt/format.h>

#include <memory>
#include <stdexcept>

namespace trawl::cli {

namespace {

/// What the crawl ended with. Written by the spider's callbacks (parse
/// pool) and a signal handler (loop thread), read once crawl() has returned
/// and joined both.
struct FetchOutcome {
    std::optional<Response> response;
    std::optional<DownloadError> error;
    std::string dropped;  ///< why a middleware dropped the request, if one did
};

/// Scrapy's DefaultSpider with one request: through the middlewares, never
/// filtered, any status handed over.
class FetchSpider final : public Spider {
public:
    FetchSpider(std::string url, bool no_redirect, FetchOutcome& outcome)
        : url_(std::move(url)), no_redirect_(no_redirect), outcome_(outcome)
    {
        name = "fetch";
        errback("failed", &FetchSpider::failed);
    }

    Generator<Request> start_requests() override
    {
        Request request{url_};
        request.dont_filter = true;
        request.errback = "failed";
        if (no_redirect_) {
            // As Scrapy's fetch: a 3xx is the answer, shown as it is.
            request.meta["dont_redirect"] = true;
            request.meta["handle_httpstatus_all"] = true;
        }
        // Without no_redirect, redirects are followed and any other status
        // the httperror middleware refuses reaches failed() with its response.
        co_yield std::move(request);
    }

    Callback parse(Response response) override
    {
        outcome_.response = std::move(response);
        co_return;
    }

    Callback failed(Failure failure)
    {
        if (failure.response) {
            outcome_.response = std::move(*failure.response);
        } else {
            outcome_.error = std::move(failure.error);
        }
        co_return;
    }

private:
    std::string url_;
    bool no_redirect_;
    FetchOutcome& outcome_;
};

} // namespace

std::string checked_url(const std::string& url)
{
    auto absolute = urljoin(url, url);
    if (!absolute) {
        throw std::invalid_argument(
            fmt::format("invalid URL '{}': expected an absolute URL such as https://example.com/", url));
    }
    const auto colon = absolute->find(':');
    const std::string scheme = absolute->substr(0, colon);
    if (scheme != "http" && scheme != "https" && scheme != "file" && scheme != "data") {
        throw std::invalid_argument(
            fmt::format("invalid URL '{}': unsupported scheme '{}' (http, https, file or data)", url, scheme));
    }
    return std::move(*absolute);
}

FetchedPage fetch_page(const std::string& url, Settings settings, bool no_redirect)
{
    FetchOutcome outcome;
    Crawler crawler{std::make_unique<FetchSpider>(url, no_redirect, outcome), std::move(settings)};
    const auto connection = crawler.signals().connect<RequestDropped>(
        [&outcome](const RequestDropped& dropped) { outcome.dropped = dropped.reason; });
    crawler.crawl();
    crawler.signals().disconnect(connection);

    FetchedPage page;
    if (outcome.response) {
        page.response = std::move(outcome.response);
    } else if (outcome.error) {
        page.failure = outcome.error->what();
    } else if (!outcome.dropped.empty()) {
        page.failure = fmt::format("{}: the request was dropped: {}", url, outcome.dropped);
    } else {
        page.failure = fmt::format("{}: no response (see the log)", url);
    }
    return page;
}

} // namespace trawl::cli
