// `trawl fetch URL`: downloads one URL through the downloader middlewares
// (default headers, user agent, retry, redirect, decompression, timeout) and
// writes the body to standard output byte for byte, as `scrapy fetch` does;
// --headers prints the request as sent and the response's head instead.
// Any response counts, whatever its status (exit 0); a failed download
// exits 1 with a one-line reason on standard error. The log goes where the
// settings send it (standard error by default), never to standard output.

#include "cli/command_context.hpp"

#include <trawl/crawler.hpp>
#include <trawl/spider.hpp>
#include <trawl/url.hpp>

#include <fmt/format.h>

#include <cstdio>
#include <memory>
#include <optional>
#include <stdexcept>

namespace trawl::cli {

namespace {

struct FetchOptions {
    CommonOptions common;
    std::string url;
    bool headers = false;
    bool no_redirect = false;
};

/// What the crawl ended with. Written by the spider's callbacks (parse
/// pool) and a signal handler (loop thread), read once crawl() has returned
/// and joined both.
struct FetchOutcome {
    std::optional<Response> response;
    std::optional<DownloadError> error;
    std::string dropped;  ///< why a middleware dropped the request, if one did
};

/// Scrapy's DefaultSpider with fetch's one request: through the
/// middlewares, never filtered, any status handed over.
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
        // Without --no-redirect, redirects are followed and any other status
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

/// The URL as the downloader will want it. Throws std::invalid_argument
/// (exit 1, as a download that cannot start) when it is not an absolute URL
/// of a scheme trawl downloads.
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

void print_heads(const Response& response)
{
    for (const auto& [name, value] : response.request().headers) {
        fmt::print("> {}: {}\n", name, value);
    }
    fmt::print(">\n< {} {}\n", response.protocol(), response.status());
    for (const auto& [name, value] : response.headers()) {
        fmt::print("< {}: {}\n", name, value);
    }
}

int run_fetch(const FetchOptions& options)
{
    auto settings = load_settings(options.common);
    const std::string url = checked_url(options.url);
    configure_logging(settings);

    FetchOutcome outcome;
    Crawler crawler{std::make_unique<FetchSpider>(url, options.no_redirect, outcome), std::move(settings)};
    const auto connection = crawler.signals().connect<RequestDropped>(
        [&outcome](const RequestDropped& dropped) { outcome.dropped = dropped.reason; });
    crawler.crawl();
    crawler.signals().disconnect(connection);

    if (!outcome.response) {
        std::string reason = outcome.error ? outcome.error->what()
                             : !outcome.dropped.empty()
                                 ? fmt::format("{}: the request was dropped: {}", url, outcome.dropped)
                                 : fmt::format("{}: no response (see the log)", url);
        print_error("fetch", reason);
        return exit_failure;
    }
    if (options.headers) {
        print_heads(*outcome.response);
    } else {
        const auto body = outcome.response->body();
        std::fwrite(body.data(), 1, body.size(), stdout);
    }
    if (std::fflush(stdout) != 0) {
        print_error("fetch", "cannot write to standard output");
        return exit_failure;
    }
    return exit_ok;
}

} // namespace

void add_fetch_command(CLI::App& app)
{
    auto options = std::make_shared<FetchOptions>();
    auto* command = app.add_subcommand(
        "fetch", "Fetch a URL through the downloader middlewares and write the body to standard output");
    command->add_option("url", options->url, "the URL to fetch (http, https, file or data)")->required();
    command->add_flag("--headers", options->headers,
                      "print the request headers as sent (> ...) and the response status and headers (< ...) "
                      "instead of the body");
    command->add_flag("--no-redirect", options->no_redirect, "do not follow redirects: print a 3xx response as it is");
    add_common_options(*command, options->common);
    command->callback([options] {
        throw CLI::RuntimeError(run_command("fetch", [&] { return run_fetch(*options); }));
    });
}

} // namespace trawl::cli
