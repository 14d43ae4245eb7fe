#pragma once
// Follows HTTP redirects (priority 600; Scrapy's RedirectMiddleware, HTTP
// part only: meta refresh is the metarefresh middleware's job).
//
// A 301, 302, 303, 307 or 308 response with a Location header becomes
// Reschedule{the redirected request}. Location is made safe
// (trawl::safe_url_string) and resolved against the response URL; a
// scheme-relative "//host/path" takes the request's scheme. 301, 307 and 308
// keep the method and body (Scrapy 2.8); 302 and 303 turn anything but HEAD
// into a GET without body and drop the body's headers (Content-Type,
// Content-Length, Content-Encoding, Content-Language, Content-Location).
//
// Credentials do not follow a redirect to another origin: Authorization is
// dropped when the scheme, host or port changes (as newer Scrapy does, after
// the fetch standard), and Cookie when the host or port changes (Scrapy 2.8
// compares netlocs) or the redirect goes from https to http (newer Scrapy).
// The cookies middleware, when there is one, sets Cookie again for the new
// host from its jar.
//
// Settings: REDIRECT_ENABLED (false: NotConfigured), REDIRECT_MAX_TIMES,
// REDIRECT_PRIORITY_ADJUST. Meta read: dont_redirect,
// handle_httpstatus_list, handle_httpstatus_all (the response is passed on
// as it is), redirect_ttl; meta written on the new request: redirect_times,
// redirect_ttl, redirect_urls (every URL before this one),
// redirect_reasons (the statuses); a pending retry_delay is removed. Past
// REDIRECT_MAX_TIMES the request is ignored with "max redirections
// reached". A spider argument handle_httpstatus_list ("-a
// handle_httpstatus_list=301,302", Scrapy's spider attribute) also passes
// those statuses on. No stats (Scrapy has none).
//
// Only http and https targets are followed: a Location of another scheme
// (ftp:, file:, data:, javascript:, mailto:) is not followed, with a
// warning, and the 3xx response goes on as it is (the httperror middleware
// then drops it). Scrapy 2.8 would follow it and fail in the downloader;
// following file: or data: would let a server make the crawler read local
// files.
//
// follow_redirect() is the part shared with the metarefresh middleware
// (Scrapy's BaseRedirectMiddleware._redirect).

#include "spider/referer.hpp"

#include <trawl/downloader_middleware.hpp>

#include <boost/json/value.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>

namespace trawl::middlewares {

class RedirectMiddleware final : public DownloaderMiddleware {
public:
    struct Options {
        std::int64_t max_redirect_times = 20;
        std::int64_t priority_adjust = 2;
        /// The spider's handle_httpstatus_list (see above).
        std::set<int> spider_httpstatus_list{};
        /// REFERRER_POLICY while the referer middleware is on: the Referer
        /// of a redirected request is recomputed for its new URL.
        std::optional<ReferrerPolicy> referrer_policy{};
    };

    static std::unique_ptr<RedirectMiddleware> from_crawler(Crawler& crawler);
    explicit RedirectMiddleware(Options options) : options_(std::move(options)) {}

    HookSet hooks() const override { return static_cast<HookSet>(Hook::response); }
    boost::asio::awaitable<ResponseAction> process_response(const Request& request, Response response) override;

    /// `request` sent to `url` after a `status` redirect: method, body and
    /// headers changed as described above; meta and the rest copied.
    static Request build_redirect_request(const Request& request, const std::string& url, int status);

private:
    Options options_;
};

/// The redirect of `request` to `url` (absolute), shared by the redirect
/// and metarefresh middlewares:
/// - `url` not http(s): a warning naming the reason ("302 redirect",
///   "meta refresh") and `response` is passed on unchanged;
/// - redirect_ttl or REDIRECT_MAX_TIMES used up: Ignore{"max redirections
///   reached"};
/// - else Reschedule of build_redirect_request(request, url,
///   `method_status`) with redirect_times, redirect_ttl, redirect_urls,
///   redirect_reasons (+ `reason`), dont_filter and priority + adjust,
///   and its Referer recomputed for the new URL (see referer.hpp).
ResponseAction follow_redirect(const Request& request, Response response, const std::string& url, int method_status,
                               const boost::json::value& reason, const RedirectMiddleware::Options& options);

/// Settings REDIRECT_MAX_TIMES, REDIRECT_PRIORITY_ADJUST and the spider's
/// handle_httpstatus_list.
RedirectMiddleware::Options redirect_options(Crawler& crawler);

} // namespace trawl::middlewares
