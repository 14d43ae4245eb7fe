// `trawl fetch URL`: downloads one URL through the downloader middlewares
// (default headers, user agent, retry, redirect, decompression, timeout) and
// writes the body to standard output byte for byte, as `scrapy fetch` does;
// --headers prints the request as sent and the response's head instead.
// Any response counts, whatever its status (exit 0); a failed download
// exits 1 with a one-line reason on standard error. The log goes where the
// settings send it (standard error by default), never to standard output.

#include "cli/command_context.hpp"
#include "cli/fetch_page.hpp"

#include <trawl/log.hpp>

#include <fmt/format.h>

#include <cstdio>
#include <memory>

namespace trawl::cli {

namespace {

struct FetchOptions {
    CommonOptions common;
    std::string url;
    bool headers = false;
    bool no_redirect = false;
};

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

    auto page = fetch_page(url, std::move(settings), options.no_redirect);
    if (!page.response) {
        print_error("fetch", page.failure);
        return exit_failure;
    }
    const Response& response = *page.response;
    if (options.headers) {
        print_heads(response);
    } else {
        const auto body = response.body();
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
