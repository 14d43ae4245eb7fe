#pragma once
// Keeps unsuccessful responses (status outside 200-299) away from callbacks
// (spider middleware, priority 50; Scrapy's HttpErrorMiddleware).
//
// A response is let through when its status is allowed by, in this order:
// meta "handle_httpstatus_all" (true: all); meta "handle_httpstatus_list"
// (when present it alone decides, even over HTTPERROR_ALLOW_ALL);
// HTTPERROR_ALLOW_ALL; the spider's handle_httpstatus_list when it has one
// (it then replaces HTTPERROR_ALLOWED_CODES, as in Scrapy 2.8); else
// HTTPERROR_ALLOWED_CODES.
//
// Scrapy's spider attribute handle_httpstatus_list is, in trawl, the spider
// argument of that name ("-a handle_httpstatus_list=404,500", or
// `arguments["handle_httpstatus_list"] = "404"` in a spider's constructor):
// status codes separated by commas, read when the middleware is built. The
// redirect middleware reads it too.
//
// Otherwise process_spider_input fails the response with an HttpError; the
// engine hands it to the request's errback (Failure::response is set) and to
// process_spider_exception, where this middleware counts
// httperror/response_ignored_count and
// httperror/response_ignored_status_count/<N>, logs it and swallows it (as
// Scrapy, whose errback-less HttpErrors end there).
//
// Thread-safe: its state is read-only after construction; Stats locks.

#include <trawl/error.hpp>
#include <trawl/spider_middleware.hpp>

#include <boost/system/system_error.hpp>

#include <memory>
#include <optional>
#include <set>
#include <string>

namespace trawl {
class Crawler;
class Stats;
} // namespace trawl

namespace trawl::middlewares {

/// The failure of a response refused by HttpErrorMiddleware.
/// Its code is errc::http_status, so an errback sees it in Failure::error.
class HttpError : public boost::system::system_error {
public:
    explicit HttpError(Response response)
        : boost::system::system_error(make_error_code(errc::http_status)),
          message_("Ignoring response <" + std::to_string(response.status()) + " " + response.url() +
                   ">: " + code().message()),
          response_(std::move(response))
    {
    }
    /// "Ignoring response <404 URL>: HTTP status code is not handled or not
    /// allowed" (without system_error's "[trawl:N]" suffix).
    const char* what() const noexcept override { return message_.c_str(); }
    const Response& response() const noexcept { return response_; }
    int status() const noexcept { return response_.status(); }

private:
    std::string message_;
    Response response_;
};

class HttpErrorMiddleware final : public SpiderMiddleware {
public:
    struct Options {
        bool allow_all = false;
        std::set<int> allowed_codes;
        /// The spider's handle_httpstatus_list; nullopt when it has none.
        std::optional<std::set<int>> spider_codes{};
    };

    /// Throws SettingsError for a non-numeric HTTPERROR_ALLOWED_CODES entry
    /// or spider handle_httpstatus_list entry.
    static std::unique_ptr<HttpErrorMiddleware> from_crawler(Crawler& crawler);
    HttpErrorMiddleware(Options options, Stats& stats) : options_(std::move(options)), stats_(stats) {}

    std::exception_ptr process_spider_input(const Response& response) override;
    std::optional<std::vector<Output>> process_spider_exception(const Response& response,
                                                                std::exception_ptr error) override;

    /// True if the response may reach its callback.
    bool allowed(const Response& response) const;

    /// Reads no Referer or meta "depth": the middlewares before it may
    /// complete only the requests that are kept.
    bool needs_completed_requests() const override { return false; }

private:
    Options options_;
    Stats& stats_;
};

/// The spider argument handle_httpstatus_list as status codes; nullopt
/// when the spider has no such argument. Throws SettingsError for an entry
/// that is not a number.
std::optional<std::set<int>> spider_httpstatus_list(Crawler& crawler);

} // namespace trawl::middlewares
