#pragma once
// HTTP proxies for requests (downloader middleware, priority 750; Scrapy
// 2.8's HttpProxyMiddleware).
//
// Which proxy a request goes through:
// - meta "proxy" when the request has it (a URL: "http://user:pass@host:port");
//   null or "" means no proxy, even with one in the environment;
// - otherwise the environment, as Python's urllib reads it: http_proxy for
//   http:// requests, https_proxy for https:// ones (the lower-case names
//   win over HTTP_PROXY / HTTPS_PROXY; a lower-case name set to "" turns
//   the upper-case one off), except for hosts in no_proxy (comma-separated
//   names, each matching itself and its subdomains, a leading dot ignored;
//   "*" matches every host). The request gets meta "proxy" and meta
//   "_scheme_proxy" (the scheme it was chosen for): if a redirect then
//   changes the scheme, the proxy is chosen again for the new one.
// A proxy URL without a scheme ("127.0.0.1:3128") is an http:// proxy.
//
// Credentials move from the proxy URL into "Proxy-Authorization: Basic
// ..." (user and password percent-decoded, encoded as
// HTTPPROXY_AUTH_ENCODING: latin-1 (default; UTF-8 for text that does not
// fit) or utf-8), and meta "proxy" keeps the URL without them, so they
// never show in logs or stats. As in Scrapy 2.8, a Proxy-Authorization
// header that this middleware set (meta "_auth_proxy" names its proxy) is
// removed when the request's proxy changes, and any Proxy-Authorization
// header is removed from a request that has no proxy.
//
// HTTPPROXY_ENABLED false: NotConfigured. The http download handler sends
// Proxy-Authorization to the proxy only (on the CONNECT for https).

#include <trawl/downloader_middleware.hpp>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace trawl::middlewares {

class HttpProxyMiddleware final : public DownloaderMiddleware {
public:
    /// Reads an environment variable; nullopt when unset.
    using Environment = std::function<std::optional<std::string>(const std::string& name)>;
    enum class AuthEncoding { latin1, utf8 };

    struct Options {
        AuthEncoding auth_encoding = AuthEncoding::latin1;
        /// The process environment (std::getenv) when empty.
        Environment environment;
    };

    /// Throws NotConfigured when HTTPPROXY_ENABLED is false, SettingsError
    /// for an HTTPPROXY_AUTH_ENCODING other than latin-1 or utf-8.
    static std::unique_ptr<HttpProxyMiddleware> from_crawler(Crawler& crawler);
    explicit HttpProxyMiddleware(Options options);

    HookSet hooks() const override { return static_cast<HookSet>(Hook::request); }
    boost::asio::awaitable<RequestAction> process_request(Request& request) override;

    /// A proxy URL split as Scrapy's _get_proxy does: the URL without
    /// credentials ("http://host:port") and the base64 of "user:password"
    /// (empty without a user).
    struct ProxyUrl {
        std::string url;
        std::string credentials;
    };
    ProxyUrl split_proxy_url(std::string_view url) const;

    /// Python's proxy_bypass_environment for `host` against a no_proxy value.
    static bool bypassed(std::string_view host, std::string_view no_proxy);

private:
    AuthEncoding auth_encoding_;
    std::map<std::string, ProxyUrl, std::less<>> proxies_;  // by request scheme
    std::string no_proxy_;
};

} // namespace trawl::middlewares
