#include "downloader/http_proxy.hpp"
#include "downloader/ascii_case.hpp"

#include "downloader/url_origin.hpp"

#include <trawl/basic_auth.hpp>
#include <trawl/crawler.hpp>
#include <trawl/settings.hpp>

#include <fmt/format.h>

#include <cctype>
#include <cstdint>
#include <cstdlib>

namespace trawl::middlewares {

namespace {

std::string_view trim(std::string_view s)
{
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) {
        s.remove_prefix(1);
    }
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) {
        s.remove_suffix(1);
    }
    return s;
}

int hex_digit(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

// urllib's unquote: %XX decoded, anything else kept.
std::string percent_decode(std::string_view s)
{
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size()) {
            const int hi = hex_digit(s[i + 1]);
            const int lo = hex_digit(s[i + 2]);
            if (hi >= 0 && lo >= 0) {
                out.push_back(static_cast<char>(hi * 16 + lo));
                i += 2;
                continue;
            }
        }
        out.push_back(s[i]);
    }
    return out;
}

// urllib's getproxies_environment for one scheme: the lower-case name
// wins, and set to "" it hides the upper-case one.
std::optional<std::string> environment_value(const HttpProxyMiddleware::Environment& environment,
                                             const std::string& name)
{
    if (auto value = environment(lower(name))) {
        return value->empty() ? std::nullopt : value;
    }
    auto upper = name;
    for (auto& c : upper) {
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    auto value = environment(upper);
    return value && !value->empty() ? value : std::nullopt;
}

std::optional<std::string> process_environment(const std::string& name)
{
    if (const char* value = std::getenv(name.c_str())) {  // NOLINT(concurrency-mt-unsafe): read at start-up
        return std::string(value);
    }
    return std::nullopt;
}

} // namespace

std::unique_ptr<HttpProxyMiddleware> HttpProxyMiddleware::from_crawler(Crawler& crawler)
{
    const auto& settings = crawler.settings();
    if (!settings.get_bool("HTTPPROXY_ENABLED", true)) {
        throw NotConfigured("HTTPPROXY_ENABLED is false");
    }
    Options options;
    const auto encoding = lower(settings.get_string("HTTPPROXY_AUTH_ENCODING", "latin-1"));
    if (encoding == "latin-1" || encoding == "latin1" || encoding == "iso-8859-1" || encoding == "iso8859-1" ||
        encoding == "l1") {
        options.auth_encoding = AuthEncoding::latin1;
    } else if (encoding == "utf-8" || encoding == "utf8") {
        options.auth_encoding = AuthEncoding::utf8;
    } else {
        throw SettingsError(fmt::format("HTTPPROXY_AUTH_ENCODING ({}): unsupported encoding '{}' (use latin-1 or utf-8)",
                                        settings.source("HTTPPROXY_AUTH_ENCODING"), encoding));
    }
    return std::make_unique<HttpProxyMiddleware>(std::move(options));
}

HttpProxyMiddleware::HttpProxyMiddleware(Options options) : auth_encoding_(options.auth_encoding)
{
    const Environment environment = options.environment ? options.environment : Environment{process_environment};
    for (const std::string scheme : {"http", "https"}) {
        if (auto url = environment_value(environment, scheme + "_proxy")) {
            proxies_[scheme] = split_proxy_url(*url);
        }
    }
    no_proxy_ = environment_value(environment, "no_proxy").value_or("");
}

HttpProxyMiddleware::ProxyUrl HttpProxyMiddleware::split_proxy_url(std::string_view url) const
{
    url = trim(url);
    std::string scheme = "http";
    std::string_view rest = url;
    if (auto sep = url.find("://"); sep != std::string_view::npos) {
        scheme = lower(url.substr(0, sep));
        rest = url.substr(sep + 3);
    }
    // The authority ends at the path; the userinfo is what precedes its
    // last '@' (a password may contain '@' unencoded).
    const auto authority = rest.substr(0, rest.find('/'));
    ProxyUrl out;
    std::string_view hostport = authority;
    if (auto at = authority.rfind('@'); at != std::string_view::npos) {
        hostport = authority.substr(at + 1);
        const auto userinfo = authority.substr(0, at);
        const auto colon = userinfo.find(':');
        const auto user = percent_decode(userinfo.substr(0, colon));
        const auto password = colon == std::string_view::npos ? std::string{} : percent_decode(userinfo.substr(colon + 1));
        if (!user.empty()) {
            out.credentials = basic_auth_credentials(user, password, auth_encoding_ == AuthEncoding::latin1);
        }
    }
    out.url = scheme + "://" + std::string(hostport);
    return out;
}

bool HttpProxyMiddleware::bypassed(std::string_view host, std::string_view no_proxy)
{
    no_proxy = trim(no_proxy);
    if (no_proxy == "*") {
        return true;
    }
    const auto h = lower(host);
    if (h.empty()) {
        return false;
    }
    while (!no_proxy.empty()) {
        const auto comma = no_proxy.find(',');
        auto entry = trim(no_proxy.substr(0, comma));
        no_proxy = comma == std::string_view::npos ? std::string_view{} : no_proxy.substr(comma + 1);
        while (!entry.empty() && entry.front() == '.') {
            entry.remove_prefix(1);
        }
        if (entry.empty()) {
            continue;
        }
        const auto name = lower(entry);
        if (h == name || (h.size() > name.size() && h.ends_with(name) && h[h.size() - name.size() - 1] == '.')) {
            return true;
        }
    }
    return false;
}

boost::asio::awaitable<RequestAction> HttpProxyMiddleware::process_request(Request& request)
{
    RequestAction pass = Continue{};
    auto& meta = request.meta;
    if (proxies_.empty() && !meta.contains("proxy") && !meta.contains("_scheme_proxy") &&
        !meta.contains("_auth_proxy")) {
        // No proxy from anywhere (the usual case, checked for every
        // request): all the rules below come down to this.
        request.headers.erase("Proxy-Authorization");
        co_return pass;
    }
    const auto origin = url_origin(request.url);

    // A proxy chosen from the environment for another scheme (the request
    // was redirected from http to https, or back) is chosen again.
    if (auto it = meta.find("_scheme_proxy"); it != meta.end()) {
        const auto* chosen_for = it->value().if_string();
        if (chosen_for == nullptr || *chosen_for != origin.scheme) {
            meta.erase("_scheme_proxy");
            meta.erase("proxy");
        }
    }

    std::optional<ProxyUrl> proxy;
    if (auto it = meta.find("proxy"); it != meta.end()) {
        if (const auto* text = it->value().if_string(); text != nullptr && !text->empty()) {
            proxy = split_proxy_url(*text);
        } else if (!it->value().is_null() && text == nullptr) {
            co_return pass;  // not a URL: the download handler reports it
        }
    } else if (auto env = proxies_.find(origin.scheme);
               env != proxies_.end() && !bypassed(origin.host, no_proxy_)) {
        proxy = env->second;
        meta["_scheme_proxy"] = origin.scheme;
    }

    // Scrapy 2.8's _set_proxy_and_creds.
    if (proxy) {
        meta["proxy"] = proxy->url;
    } else if (auto it = meta.find("proxy"); it != meta.end() && !it->value().is_null()) {
        it->value() = nullptr;
    }
    if (proxy && !proxy->credentials.empty()) {
        request.headers.set("Proxy-Authorization", "Basic " + proxy->credentials);
        meta["_auth_proxy"] = proxy->url;
    } else if (auto it = meta.find("_auth_proxy"); it != meta.end()) {
        const auto* auth_proxy = it->value().if_string();
        if (!proxy || auth_proxy == nullptr || *auth_proxy != proxy->url) {
            request.headers.erase("Proxy-Authorization");
            meta.erase("_auth_proxy");
        }
    } else if (request.headers.contains("Proxy-Authorization")) {
        if (proxy) {
            meta["_auth_proxy"] = proxy->url;
        } else {
            request.headers.erase("Proxy-Authorization");
        }
    }
    co_return pass;
}

} // namespace trawl::middlewares
