// `trawl fetch URL`: downloads one URL and writes the body to standard
// output, as `scrapy fetch` does; --headers prints the request and response
// heads instead. Exits 1 with a one-line reason when the download fails.

#include "cli/command_context.hpp"

#include <trawl/downloader.hpp>
#include <trawl/log.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <fmt/format.h>

#include <cstdio>
#include <iostream>
#include <memory>

namespace trawl::cli {

namespace net = boost::asio;

namespace {

const Logger logger{"trawl.commands.fetch"};

struct FetchOptions {
    CommonOptions common;
    std::string url;
    bool headers = false;
};

// The request's default headers. TODO(trawl): these move to the
// useragent and defaultheaders downloader middlewares once the engine's
// middleware chain exists (issue "engine"); fetch will go through it.
Request make_request(const Settings& settings, std::string url)
{
    Request request{std::move(url)};
    for (const auto& [name, value] : settings.get_dict("DEFAULT_REQUEST_HEADERS")) {
        if (value.is_string()) {
            request.headers.add(std::string(name), std::string(value.get_string()));
        }
    }
    if (auto agent = settings.get_string("USER_AGENT"); !agent.empty()) {
        request.headers.set("User-Agent", agent);
    }
    return request;
}

void print_heads(const Request& request, const Response& response)
{
    for (const auto& [name, value] : request.headers) {
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
    configure_logging(settings);
    for (const auto& warning : settings.unknown_setting_warnings()) {
        logger.warning("{}", warning);
    }
    settings.freeze();

    net::io_context loop{1};
    Downloader downloader{loop.get_executor(), settings};
    auto request = make_request(settings, options.url);
    auto future = net::co_spawn(loop, downloader.fetch(request), net::use_future);
    loop.run();
    auto result = future.get();
    if (!result) {
        fmt::print(stderr, "trawl fetch: error: {}\n", result.error().what());
        return 1;
    }
    logger.debug("Crawled ({}) <GET {}>", result->status(), result->url());
    if (options.headers) {
        print_heads(request, *result);
    } else {
        std::fwrite(result->body().data(), 1, result->body().size(), stdout);
    }
    std::fflush(stdout);
    return 0;
}

} // namespace

void add_fetch_command(CLI::App& app)
{
    auto options = std::make_shared<FetchOptions>();
    auto* command = app.add_subcommand("fetch", "Fetch a URL and write the body to standard output");
    command->add_option("url", options->url, "the URL to fetch (http, https, file or data)")->required();
    command->add_flag("--headers", options->headers, "print the request and response headers instead of the body");
    add_common_options(*command, options->common);
    command->callback([options] { throw CLI::RuntimeError(run_fetch(*options)); });
}

} // namespace trawl::cli
