#include "downloader/http_auth.hpp"
#include "downloader/ascii_case.hpp"

#include "downloader/url_origin.hpp"

#include <trawl/basic_auth.hpp>
#include <trawl/crawler.hpp>
#include <trawl/log.hpp>

#include <cctype>
#include <cstdint>

namespace trawl::middlewares {

namespace {

const Logger logger{"trawl.downloadermiddlewares.httpauth"};

// The spider argument `argument` if the spider has it, else the setting
// `setting` if it is a string; nullopt if neither.
std::optional<std::string> spider_or_setting(Crawler& crawler, const std::string& argument, std::string_view setting)
{
    const auto& arguments = crawler.spider().arguments;
    if (auto it = arguments.find(argument); it != arguments.end()) {
        return it->second;
    }
    const auto* value = crawler.settings().find(setting);
    if (value == nullptr || value->is_null()) {
        return std::nullopt;
    }
    return crawler.settings().get_string(setting);
}

} // namespace

std::unique_ptr<HttpAuthMiddleware> HttpAuthMiddleware::from_crawler(Crawler& crawler)
{
    Options options;
    options.user = spider_or_setting(crawler, "http_user", "HTTPAUTH_USER").value_or("");
    options.password = spider_or_setting(crawler, "http_pass", "HTTPAUTH_PASS").value_or("");
    if (options.user.empty() && options.password.empty()) {
        throw NotConfigured("no http_user / http_pass (HTTPAUTH_USER / HTTPAUTH_PASS)");
    }
    options.domain = spider_or_setting(crawler, "http_auth_domain", "HTTPAUTH_DOMAIN");
    if (!options.domain) {
        logger.warning("Basic auth without http_auth_domain (HTTPAUTH_DOMAIN) goes to the domain of the first "
                       "request only: set it explicitly");
    }
    return std::make_unique<HttpAuthMiddleware>(std::move(options));
}

HttpAuthMiddleware::HttpAuthMiddleware(Options options)
    : header_(basic_auth_header(options.user, options.password))
{
    if (options.domain) {
        domain_ = lower(*options.domain);
    }
}

std::string HttpAuthMiddleware::basic_auth_header(std::string_view user, std::string_view password)
{
    return "Basic " + basic_auth_credentials(user, password);
}

bool HttpAuthMiddleware::host_in_domain(std::string_view host, std::string_view domain)
{
    const auto h = lower(host);
    const auto d = lower(domain);
    if (h.empty() || d.empty()) {
        return false;
    }
    return h == d || (h.size() > d.size() && h.ends_with(d) && h[h.size() - d.size() - 1] == '.');
}

boost::asio::awaitable<RequestAction> HttpAuthMiddleware::process_request(Request& request)
{
    RequestAction pass = Continue{};
    if (request.headers.contains("Authorization")) {
        co_return pass;
    }
    const auto host = url_origin(request.url).host;
    if (host.empty()) {
        // data: and file: URLs: nothing to authenticate to, and they must
        // not fix the domain (Scrapy would then send the header everywhere).
        co_return pass;
    }
    std::string domain;
    {
        std::lock_guard lock{mutex_};
        if (!domain_) {
            domain_ = host;
        }
        domain = *domain_;
    }
    if (domain.empty() || host_in_domain(host, domain)) {
        request.headers.set("Authorization", header_);
    }
    co_return pass;
}

} // namespace trawl::middlewares
