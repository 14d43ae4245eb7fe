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
// reached". No stats (Scrapy has none).

#include <trawl/downloader_middleware.hpp>

#include <cstdint>
#include <memory>
#include <optional>

namespace trawl::middlewares {

class RedirectMiddleware final : public DownloaderMiddleware {
public:
    struct Options {
        std::int64_t max_redirect_times = 20;
        std::int64_t priority_adjust = 2;
    };

    static std::unique_ptr<RedirectMiddleware> from_crawler(Crawler& crawler);
    explicit RedirectMiddleware(Options options) : options_(options) {}

    HookSet hooks() const override { return static_cast<HookSet>(Hook::response); }
    boost::asio::awaitable<ResponseAction> process_response(const Request& request, Response response) override;

    /// `request` sent to `url` after a `status` redirect: method, body and
    /// headers changed as described above; meta and the rest copied.
    static Request build_redirect_request(const Request& request, const std::string& url, int status);

private:
    Options options_;
};

} // namespace trawl::middlewares
