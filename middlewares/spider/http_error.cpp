#include "spider/http_error.hpp"

#include "downloader/meta_values.hpp"

#include <trawl/crawler.hpp>
#include <trawl/log.hpp>

#include <fmt/format.h>

#include <charconv>
#include <string_view>

namespace trawl::middlewares {

namespace {

const Logger logger{"trawl.spidermiddlewares.httperror"};

std::string_view trimmed(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '[')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == ']')) {
        s.remove_suffix(1);
    }
    return s;
}

} // namespace

std::optional<std::set<int>> spider_httpstatus_list(Crawler& crawler)
{
    const auto& arguments = crawler.spider().arguments;
    auto it = arguments.find("handle_httpstatus_list");
    if (it == arguments.end()) {
        return std::nullopt;
    }
    std::set<int> codes;
    std::string_view rest = it->second;
    while (!rest.empty()) {
        const auto comma = rest.find(',');
        const auto text = trimmed(rest.substr(0, comma));
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
        if (text.empty()) {
            continue;
        }
        int code = 0;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), code);
        if (ec != std::errc{} || end != text.data() + text.size()) {
            throw SettingsError(fmt::format(
                "spider argument handle_httpstatus_list: expected HTTP status codes separated by commas, got '{}'",
                text));
        }
        codes.insert(code);
    }
    return codes;
}

std::unique_ptr<HttpErrorMiddleware> HttpErrorMiddleware::from_crawler(Crawler& crawler)
{
    const auto& settings = crawler.settings();
    Options options;
    options.allow_all = settings.get_bool("HTTPERROR_ALLOW_ALL", false);
    for (const auto& text : settings.get_list("HTTPERROR_ALLOWED_CODES")) {
        int code = 0;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), code);
        if (ec != std::errc{} || end != text.data() + text.size()) {
            throw SettingsError(fmt::format("{}: HTTPERROR_ALLOWED_CODES: expected HTTP status codes, got '{}'",
                                            settings.source("HTTPERROR_ALLOWED_CODES"), text));
        }
        options.allowed_codes.insert(code);
    }
    options.spider_codes = spider_httpstatus_list(crawler);
    return std::make_unique<HttpErrorMiddleware>(std::move(options), crawler.stats());
}

bool HttpErrorMiddleware::allowed(const Response& response) const
{
    const int status = response.status();
    if (status >= 200 && status < 300) {
        return true;
    }
    const auto& meta = response.request().meta;
    if (meta_flag(meta, "handle_httpstatus_all")) {
        return true;
    }
    if (meta.contains("handle_httpstatus_list")) {
        return meta_list_contains(meta, "handle_httpstatus_list", status);
    }
    if (options_.allow_all) {
        return true;
    }
    return options_.spider_codes ? options_.spider_codes->contains(status) : options_.allowed_codes.contains(status);
}

std::exception_ptr HttpErrorMiddleware::process_spider_input(const Response& response)
{
    if (allowed(response)) {
        return nullptr;
    }
    return std::make_exception_ptr(HttpError(response));
}

std::optional<std::vector<Output>> HttpErrorMiddleware::process_spider_exception(const Response& response,
                                                                                 std::exception_ptr error)
{
    if (!error) {
        return std::nullopt;
    }
    try {
        std::rethrow_exception(error);
    } catch (const HttpError&) {
        stats_.inc_value("httperror/response_ignored_count");
        stats_.inc_value(fmt::format("httperror/response_ignored_status_count/{}", response.status()));
        logger.info("Ignoring response <{} {}>: HTTP status code is not handled or not allowed",
                     response.status(), response.url());
        return std::vector<Output>{};
    } catch (...) {
        return std::nullopt;
    }
}

} // namespace trawl::middlewares
