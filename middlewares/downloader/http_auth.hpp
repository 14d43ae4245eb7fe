#pragma once
// HTTP basic authentication (downloader middleware, priority 300; Scrapy's
// HttpAuthMiddleware).
//
// Credentials come from the spider arguments http_user, http_pass and
// http_auth_domain (Scrapy's spider attributes of those names: "-a
// http_user=me", or set in a spider's constructor), else from the settings
// HTTPAUTH_USER, HTTPAUTH_PASS and HTTPAUTH_DOMAIN (trawl's; a spider's
// custom_settings can set them). With neither a user nor a password the
// middleware is disabled (NotConfigured).
//
// "Authorization: Basic base64(user:pass)" is added to a request that has
// no Authorization header yet, when its host is the auth domain or a
// subdomain of it. The domain:
// - set to a host ("example.com"): that host and its subdomains;
// - set to "" (Scrapy's None or empty): every host;
// - not set (no argument, HTTPAUTH_DOMAIN null): the host of the first
//   request that goes through, as Scrapy 2.8 does, with a warning that says
//   to set it.
// Unlike Scrapy 2.8, which compares the domain with the netloc (so a URL
// with a port never matched), the host is compared without its port.
// user:pass is encoded as Latin-1 (Scrapy's default) when every character
// fits, else as UTF-8. Credentials are never logged.
//
// The redirect middleware drops Authorization on a redirect to another
// origin; the redirected request comes back through here and gets the
// header again only if its host is within the auth domain.

#include <trawl/downloader_middleware.hpp>

#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace trawl::middlewares {

class HttpAuthMiddleware final : public DownloaderMiddleware {
public:
    struct Options {
        std::string user;
        std::string password;
        /// nullopt: the first request's host; "": every host.
        std::optional<std::string> domain;
    };

    static std::unique_ptr<HttpAuthMiddleware> from_crawler(Crawler& crawler);
    explicit HttpAuthMiddleware(Options options);

    HookSet hooks() const override { return static_cast<HookSet>(Hook::request); }
    boost::asio::awaitable<RequestAction> process_request(Request& request) override;

    /// "Basic " + base64(user ":" password), as w3lib's basic_auth_header.
    static std::string basic_auth_header(std::string_view user, std::string_view password);

    /// True if `host` is `domain` or a subdomain of it (both compared in
    /// lower case).
    static bool host_in_domain(std::string_view host, std::string_view domain);

private:
    std::string header_;
    std::mutex mutex_;  // guards domain_ (set by the first request)
    std::optional<std::string> domain_;
};

} // namespace trawl::middlewares
