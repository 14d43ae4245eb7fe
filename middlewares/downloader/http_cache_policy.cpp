#include "downloader/http_cache_policy.hpp"
#include "downloader/ascii_case.hpp"

#include <trawl/settings.hpp>

#include <fmt/format.h>

#include <charconv>
#include <ctime>

namespace trawl::middlewares {

namespace {

std::vector<std::string> lower_list(std::vector<std::string> list)
{
    for (auto& item : list) {
        item = lower(item);
    }
    return list;
}

std::vector<int> status_codes(const Settings& settings, std::string_view name)
{
    std::vector<int> codes;
    for (const auto& text : settings.get_list(name)) {
        int code = 0;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), code);
        if (ec != std::errc{} || end != text.data() + text.size()) {
            throw SettingsError(
                fmt::format("{}: {}: expected HTTP status codes, got '{}'", settings.source(name), name, text));
        }
        codes.push_back(code);
    }
    return codes;
}

std::string_view trim(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
        s.remove_suffix(1);
    }
    return s;
}

} // namespace

std::unique_ptr<HttpCachePolicy> make_http_cache_policy(const Settings& settings)
{
    const auto name = settings.get_string("HTTPCACHE_POLICY", "dummy");
    auto ignore_schemes = lower_list(settings.get_list("HTTPCACHE_IGNORE_SCHEMES"));
    if (name == "dummy" || name == "scrapy.extensions.httpcache.DummyPolicy") {
        DummyPolicyOptions options;
        options.ignore_schemes = std::move(ignore_schemes);
        options.ignore_http_codes = status_codes(settings, "HTTPCACHE_IGNORE_HTTP_CODES");
        return make_dummy_policy(std::move(options));
    }
    if (name == "rfc2616" || name == "scrapy.extensions.httpcache.RFC2616Policy") {
        Rfc2616PolicyOptions options;
        options.ignore_schemes = std::move(ignore_schemes);
        options.always_store = settings.get_bool("HTTPCACHE_ALWAYS_STORE");
        options.ignore_response_cache_controls = lower_list(settings.get_list("HTTPCACHE_IGNORE_RESPONSE_CACHE_CONTROLS"));
        return make_rfc2616_policy(std::move(options));
    }
    throw SettingsError(fmt::format("{}: HTTPCACHE_POLICY: unknown policy '{}'; trawl has 'dummy' and 'rfc2616' "
                                    "(Scrapy's scrapy.extensions.httpcache.DummyPolicy and RFC2616Policy)",
                                    settings.source("HTTPCACHE_POLICY"), name));
}

namespace detail {

CacheControl parse_cache_control(std::string_view field)
{
    CacheControl directives;
    while (true) {
        const auto comma = field.find(',');
        const auto directive = trim(field.substr(0, comma));
        const auto equals = directive.find('=');
        const auto key = directive.substr(0, equals);
        if (!key.empty()) {
            std::optional<std::string> value;
            if (equals != std::string_view::npos) {
                value.emplace(directive.substr(equals + 1));
            }
            // A repeated directive: the last one wins, as in Scrapy's dict.
            directives.insert_or_assign(lower(key), std::move(value));
        }
        if (comma == std::string_view::npos) {
            return directives;
        }
        field.remove_prefix(comma + 1);
    }
}

std::string url_scheme(std::string_view url)
{
    const auto colon = url.find(':');
    if (colon == std::string_view::npos) {
        return {};
    }
    const auto scheme = url.substr(0, colon);
    for (char c : scheme) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' ||
                        c == '-' || c == '.';
        if (!ok) {
            return {};
        }
    }
    return lower(scheme);
}

std::string format_http_date(std::chrono::system_clock::time_point time)
{
    const std::time_t t = std::chrono::system_clock::to_time_t(time);
    std::tm tm{};
    gmtime_r(&t, &tm);
    static constexpr const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    return fmt::format("{}, {:02} {} {} {:02}:{:02}:{:02} GMT", days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
                       tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

} // namespace detail

} // namespace trawl::middlewares
