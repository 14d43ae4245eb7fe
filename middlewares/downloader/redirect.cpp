#include "downloader/redirect.hpp"

#include "downloader/meta_values.hpp"
#include "downloader/url_origin.hpp"

#include "spider/http_error.hpp"

#include <trawl/crawler.hpp>
#include <trawl/log.hpp>
#include <trawl/url.hpp>

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include <fmt/format.h>

namespace trawl::middlewares {

namespace {

const Logger logger{"trawl.downloadermiddlewares.redirect"};

bool is_redirect_status(int status)
{
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

// meta[key] + [value], keeping what an earlier redirect recorded.
boost::json::array appended(const boost::json::object& meta, std::string_view key, const boost::json::value& value)
{
    boost::json::array list;
    if (auto it = meta.find(key); it != meta.end() && it->value().is_array()) {
        list = it->value().get_array();
    }
    list.push_back(value);
    return list;
}

// The absolute URL a Location header points to, or nullopt if it cannot be
// resolved.
std::optional<std::string> resolve_location(std::string_view location, const Request& request,
                                             const Response& response)
{
    std::string target;
    if (auto safe = safe_url_string(location)) {
        target = std::move(*safe);
    } else {
        target = std::string(location);
    }
    // "//host/path" keeps the scheme of the request (not of the response
    // URL, which may differ after a proxy rewrote it), as Scrapy does.
    if (location.starts_with("//")) {
        const auto scheme = url_origin(request.url).scheme;
        auto rest = std::string_view{target};
        while (rest.starts_with("/")) {
            rest.remove_prefix(1);
        }
        target = (scheme.empty() ? std::string("http") : scheme) + "://" + std::string(rest);
    }
    const std::string& base = response.url().empty() ? request.url : response.url();
    auto joined = urljoin(base, target);
    if (!joined) {
        return std::nullopt;
    }
    return std::move(*joined);
}

} // namespace

RedirectMiddleware::Options redirect_options(Crawler& crawler)
{
    const auto& settings = crawler.settings();
    RedirectMiddleware::Options options;
    options.max_redirect_times = settings.get_int("REDIRECT_MAX_TIMES", 20);
    options.priority_adjust = settings.get_int("REDIRECT_PRIORITY_ADJUST", 2);
    options.spider_httpstatus_list = spider_httpstatus_list(crawler).value_or(std::set<int>{});
    options.referrer_policy = referrer_policy_setting(settings);
    return options;
}

std::unique_ptr<RedirectMiddleware> RedirectMiddleware::from_crawler(Crawler& crawler)
{
    if (!crawler.settings().get_bool("REDIRECT_ENABLED", true)) {
        throw NotConfigured("REDIRECT_ENABLED is false");
    }
    return std::make_unique<RedirectMiddleware>(redirect_options(crawler));
}

Request RedirectMiddleware::build_redirect_request(const Request& request, const std::string& url, int status)
{
    Request redirected = request;
    redirected.url = url;
    // A retry's wait was for the old URL; the engine must not apply it again.
    redirected.meta.erase("retry_delay");

    if ((status == 302 || status == 303) && request.method != "HEAD") {
        redirected.method = "GET";
        redirected.body.clear();
        for (auto name : {"Content-Type", "Content-Length", "Content-Encoding", "Content-Language",
                          "Content-Location"}) {
            redirected.headers.erase(name);
        }
    }

    const bool has_cookie = redirected.headers.contains("Cookie");
    const bool has_authorization = redirected.headers.contains("Authorization");
    if (has_cookie || has_authorization) {
        const auto from = url_origin(request.url);
        const auto to = url_origin(url);
        const bool same_host = from.host == to.host && effective_port(from) == effective_port(to);
        if (has_cookie && (!same_host || (from.scheme == "https" && to.scheme == "http"))) {
            redirected.headers.erase("Cookie");
        }
        if (has_authorization && (!same_host || from.scheme != to.scheme)) {
            redirected.headers.erase("Authorization");
        }
    }
    return redirected;
}

ResponseAction follow_redirect(const Request& request, Response response, const std::string& url, int method_status,
                               const boost::json::value& reason, const RedirectMiddleware::Options& options)
{
    const auto what = reason.is_string() ? std::string(reason.get_string())
                                         : fmt::format("{} redirect", boost::json::serialize(reason));
    if (!has_http_scheme(url)) {
        logger.warning("Not following the {} of <{} {}> to '{}': only http and https URLs are followed", what,
                       request.method, request.url, url);
        return response;
    }

    // redirect_ttl lets a request carry a smaller budget than the setting.
    const auto ttl = meta_int(request.meta, "redirect_ttl").value_or(options.max_redirect_times);
    const auto redirects = meta_int(request.meta, "redirect_times").value_or(0) + 1;
    if (ttl <= 0 || redirects > options.max_redirect_times) {
        logger.debug("Discarding <{} {}>: max redirections reached", request.method, request.url);
        return Ignore{"max redirections reached"};
    }

    Request redirected = RedirectMiddleware::build_redirect_request(request, url, method_status);
    redirected.meta["redirect_times"] = redirects;
    redirected.meta["redirect_ttl"] = ttl - 1;
    redirected.meta["redirect_urls"] = appended(request.meta, "redirect_urls", boost::json::value(request.url));
    redirected.meta["redirect_reasons"] = appended(request.meta, "redirect_reasons", reason);
    redirected.dont_filter = request.dont_filter;
    redirected.priority = static_cast<int>(request.priority + options.priority_adjust);
    if (auto current = redirected.headers.get("Referer"); current && options.referrer_policy) {
        // The Referer stands for the page the chain started from.
        auto value = referrer_after_redirect(*options.referrer_policy, std::string(*current), url, redirected.meta);
        if (!value) {
            redirected.headers.erase("Referer");
        } else if (*value != *current) {
            redirected.headers.set("Referer", std::move(*value));
        }
    }
    logger.debug("Redirecting ({}) to <{} {}> from <{} {}>", reason.is_string() ? what : std::to_string(method_status),
                 redirected.method, redirected.url, request.method, request.url);
    return Reschedule{std::move(redirected)};
}

boost::asio::awaitable<ResponseAction> RedirectMiddleware::process_response(const Request& request,
                                                                            Response response)
{
    const int status = response.status();
    if (meta_flag(request.meta, "dont_redirect") || options_.spider_httpstatus_list.contains(status) ||
        meta_list_contains(request.meta, "handle_httpstatus_list", status) ||
        meta_flag(request.meta, "handle_httpstatus_all")) {
        co_return response;
    }
    const auto location = response.headers().get("Location");
    if (!location || !is_redirect_status(status)) {
        co_return response;
    }
    auto target = resolve_location(*location, request, response);
    if (!target) {
        logger.warning("Not following the {} redirect of <{} {}>: cannot resolve Location '{}'", status,
                     request.method, request.url, *location);
        co_return response;
    }
    auto action = follow_redirect(request, std::move(response), *target, status, boost::json::value(status), options_);
    co_return action;
}

} // namespace trawl::middlewares
