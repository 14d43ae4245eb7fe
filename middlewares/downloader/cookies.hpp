#pragma once
// Keeps cookies across requests (priority 700; Scrapy's CookiesMiddleware),
// in trawl::CookieJar (RFC 6265: <trawl/cookie_jar.hpp>).
//
// process_request sets the Cookie header from the request's jar: any
// Cookie header already on the request is replaced, as in Scrapy (to send
// a hand-written one, set dont_merge_cookies). process_response stores the
// Set-Cookie fields of every response, redirects included: it runs before
// the redirect middleware (600) on the way back, so a cookie a 302 sets is
// in the jar when the redirected request comes through process_request.
//
// Request cookies: trawl's Request has no `cookies` field, so they travel
// in meta "cookies", in either of Scrapy's two forms:
//   {"name": "value", ...}                      values: strings, numbers, booleans
//   [{"name": n, "value": v, "domain": d, "path": p, "secure": b}, ...]
// They are stored in the jar as if the request URL had set them (Secure
// by default over https, as Scrapy does), so they are sent again on later
// requests, and then the Cookie header is built. An entry without a name
// or value, or one the jar refuses, is logged as a warning and skipped. A
// redirected request (meta has redirect_urls) does not apply them again:
// Scrapy's redirect drops Request.cookies, so they reach a new host only
// if the jar says so.
//
// SameSite is enforced as browsers do (see <trawl/cookie_jar.hpp>): the
// request's site for cookies is the page that caused it, meta "referer"
// (set by the links and crawl spiders) or else the Referer header; with
// neither (a start request) the request is same-site. Strict cookies are
// held back on cross-site requests, Lax ones (and ones without SameSite,
// after two minutes) on cross-site POSTs; SameSite=None without Secure
// is refused when set.
//
// Settings: COOKIES_ENABLED (false: NotConfigured), COOKIES_DEBUG (log
// "Sending cookies to: <GET url>" / "Received cookies from: <200 url>"
// with the fields, and "Not sending cookies to: <GET url> (SameSite, ...)"
// with the names held back, at DEBUG), COOKIES_ENFORCE_SAMESITE (default
// true; false sends every matching cookie, as RFC 6265 and Scrapy do).
// Meta read: referer, cookiejar (any JSON value: one jar per distinct value; absent
// or null is the default jar), cookies, dont_merge_cookies (neither sends
// nor stores; the request's own Cookie header is left alone).
// A Set-Cookie field that is malformed or too large is logged as a warning
// with the URL and skipped; one refused for its Domain is logged at DEBUG.
// No stats (Scrapy has none).
//
// Cost: a request with no meta cookies to a jar that is empty (or does not
// exist yet) costs two meta lookups and a header scan; a response without
// Set-Cookie one header scan.

#include <trawl/cookie_jar.hpp>
#include <trawl/downloader_middleware.hpp>

#include <boost/json/value.hpp>

#include <memory>
#include <string>
#include <unordered_map>

namespace trawl::middlewares {

class CookiesMiddleware final : public DownloaderMiddleware {
public:
    /// Throws NotConfigured when COOKIES_ENABLED is false.
    static std::unique_ptr<CookiesMiddleware> from_crawler(Crawler& crawler);
    explicit CookiesMiddleware(bool debug, bool enforce_same_site = true);

    HookSet hooks() const override { return Hook::request | Hook::response; }
    boost::asio::awaitable<RequestAction> process_request(Request& request) override;
    boost::asio::awaitable<ResponseAction> process_response(const Request& request, Response response) override;

    /// The jar meta "cookiejar" `key` selects (nullptr or null: the
    /// default one), made on first use.
    CookieJar& jar(const boost::json::value* key);

    /// The clock cookie expiry is measured against, in every jar.
    void set_wall_clock_for_test(CookieJar::WallClock clock);

private:
    CookieJar* find_jar(const boost::json::object& meta);
    CookieJar& jar_for(const boost::json::object& meta);
    void merge_request_cookies(const Request& request, CookieJar& jar) const;

    bool debug_;
    bool enforce_same_site_;
    CookieJar::WallClock clock_;
    CookieJar default_jar_;
    std::unordered_map<std::string, CookieJar> jars_;  // by the serialised meta value
};

} // namespace trawl::middlewares
