#include "downloader/cookies.hpp"

#include "downloader/meta_values.hpp"

#include <trawl/crawler.hpp>
#include <trawl/log.hpp>

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include <fmt/format.h>

#include <cmath>
#include <optional>

namespace trawl::middlewares {

namespace {

const Logger logger{"trawl.downloadermiddlewares.cookies"};

// A Set-Cookie quoted in a log line: a hostile server must not fill the
// log, nor write control characters or invalid UTF-8 into it (a binary
// field would break terminals and log shippers), so only the first 200
// bytes go, with bytes outside printable ASCII as \xNN.
std::string excerpt(std::string_view field)
{
    constexpr std::size_t max_length = 200;
    const bool cut = field.size() > max_length;
    if (cut) {
        field = field.substr(0, max_length);
    }
    std::string out;
    out.reserve(field.size() + 3);
    for (const char c : field) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte >= 0x20 && byte < 0x7F) {
            out.push_back(c);
        } else {
            constexpr char hex[] = "0123456789ABCDEF";
            out.append("\\x").push_back(hex[byte >> 4]);
            out.push_back(hex[byte & 0x0F]);
        }
    }
    if (cut) {
        out.append("...");
    }
    return out;
}

bool is_https(std::string_view url)
{
    constexpr std::string_view scheme = "https:";
    if (url.size() < scheme.size()) {
        return false;
    }
    for (std::size_t i = 0; i < scheme.size(); ++i) {
        const char c = url[i];
        if ((c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c) != scheme[i]) {
            return false;
        }
    }
    return true;
}

// A request cookie's name or value as Scrapy writes it (Python's str()):
// strings as they are, numbers in decimal, booleans True/False; anything
// else (null, lists, objects) is missing.
std::optional<std::string> cookie_text(const boost::json::value* v)
{
    if (!v) {
        return std::nullopt;
    }
    switch (v->kind()) {
    case boost::json::kind::string: return std::string(v->get_string());
    case boost::json::kind::bool_: return v->get_bool() ? "True" : "False";
    case boost::json::kind::int64: return std::to_string(v->get_int64());
    case boost::json::kind::uint64: return std::to_string(v->get_uint64());
    case boost::json::kind::double_: {
        const double d = v->get_double();
        auto text = fmt::format("{}", d);
        if (std::isfinite(d) && text.find_first_of(".e") == std::string::npos) {
            text += ".0";  // Python's str(10.0)
        }
        return text;
    }
    default: return std::nullopt;
    }
}

const boost::json::value* field(const boost::json::object& object, std::string_view key)
{
    auto it = object.find(key);
    return it == object.end() ? nullptr : &it->value();
}

std::string lower_domain(std::string_view domain)
{
    if (domain.starts_with('.')) {
        domain.remove_prefix(1);
    }
    std::string out(domain);
    for (auto& c : out) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c + ('a' - 'A'));
        }
    }
    return out;
}

// The page that caused the request, its "site for cookies": the links and
// crawl spiders put it in meta "referer"; otherwise the Referer header (the
// referer middleware's, possibly cut to an origin by its policy, which is
// still the same site). Neither: a start request, same-site.
std::string_view initiator_url(const Request& request)
{
    if (const auto* referer = request.meta.if_contains("referer"); referer && referer->is_string()) {
        return referer->get_string();
    }
    return request.headers.get("Referer").value_or(std::string_view{});
}

} // namespace

std::unique_ptr<CookiesMiddleware> CookiesMiddleware::from_crawler(Crawler& crawler)
{
    const auto& settings = crawler.settings();
    if (!settings.get_bool("COOKIES_ENABLED", true)) {
        throw NotConfigured("COOKIES_ENABLED is false");
    }
    return std::make_unique<CookiesMiddleware>(settings.get_bool("COOKIES_DEBUG", false),
                                               settings.get_bool("COOKIES_ENFORCE_SAMESITE", true));
}

CookiesMiddleware::CookiesMiddleware(bool debug, bool enforce_same_site)
    : debug_(debug), enforce_same_site_(enforce_same_site)
{
    default_jar_.set_same_site_enforced(enforce_same_site_);
}

void CookiesMiddleware::set_wall_clock_for_test(CookieJar::WallClock clock)
{
    clock_ = std::move(clock);
    default_jar_.set_clock(clock_);
    for (auto& [key, jar] : jars_) {
        jar.set_clock(clock_);
    }
}

CookieJar& CookiesMiddleware::jar(const boost::json::value* key)
{
    if (!key || key->is_null()) {
        return default_jar_;
    }
    auto [it, inserted] = jars_.try_emplace(boost::json::serialize(*key));
    if (inserted) {
        it->second.set_clock(clock_);
        it->second.set_same_site_enforced(enforce_same_site_);
    }
    return it->second;
}

CookieJar* CookiesMiddleware::find_jar(const boost::json::object& meta)
{
    const auto* key = field(meta, "cookiejar");
    if (!key || key->is_null()) {
        return &default_jar_;
    }
    auto it = jars_.find(boost::json::serialize(*key));
    return it == jars_.end() ? nullptr : &it->second;
}

CookieJar& CookiesMiddleware::jar_for(const boost::json::object& meta) { return jar(field(meta, "cookiejar")); }

void CookiesMiddleware::merge_request_cookies(const Request& request, CookieJar& jar) const
{
    const auto& cookies = request.meta.at("cookies");
    const bool secure_default = is_https(request.url);
    auto invalid = [&request](const boost::json::value& entry, std::string_view why) {
        logger.warning("Invalid cookie found in request <{} {}>: {} ({})", request.method, request.url,
                       boost::json::serialize(entry), why);
    };
    // The status when the jar refused the cookie.
    auto store = [&](SetCookie cookie) -> std::optional<CookieStatus> {
        const auto status = jar.set_cookie(request.url, std::move(cookie));
        if (status == CookieStatus::stored || status == CookieStatus::expired) {
            return std::nullopt;
        }
        return status;
    };

    if (cookies.is_object()) {
        for (const auto& [name, value] : cookies.get_object()) {
            auto text = cookie_text(&value);
            if (!text) {
                boost::json::object entry{{"name", name}, {"value", value}};
                invalid(entry, "'value' is missing");
                continue;
            }
            SetCookie cookie;
            cookie.name = std::string(name);
            cookie.value = std::move(*text);
            cookie.secure = secure_default;
            if (auto refused = store(std::move(cookie))) {
                boost::json::object entry{{"name", name}, {"value", value}};
                invalid(entry, to_string(*refused));
            }
        }
        return;
    }
    if (!cookies.is_array()) {
        invalid(cookies, "meta cookies must be an object or a list of objects");
        return;
    }
    for (const auto& entry : cookies.get_array()) {
        if (!entry.is_object()) {
            invalid(entry, "not an object");
            continue;
        }
        const auto& object = entry.get_object();
        auto name = cookie_text(field(object, "name"));
        if (!name) {
            invalid(entry, "'name' is missing");
            continue;
        }
        auto value = cookie_text(field(object, "value"));
        if (!value) {
            invalid(entry, "'value' is missing");
            continue;
        }
        SetCookie cookie;
        cookie.name = std::move(*name);
        cookie.value = std::move(*value);
        if (const auto* domain = field(object, "domain"); domain && domain->is_string() && !domain->get_string().empty()) {
            cookie.domain = lower_domain(domain->get_string());
        }
        if (const auto* path = field(object, "path"); path && path->is_string() && path->get_string().starts_with('/')) {
            cookie.path = std::string(path->get_string());
        }
        cookie.secure = meta_has(object, "secure") ? meta_flag(object, "secure") : secure_default;
        if (auto refused = store(std::move(cookie))) {
            invalid(entry, to_string(*refused));
        }
    }
}

boost::asio::awaitable<RequestAction> CookiesMiddleware::process_request(Request& request)
{
    RequestAction pass = Continue{};
    if (meta_flag(request.meta, "dont_merge_cookies")) {
        co_return pass;
    }
    CookieJar* jar = nullptr;
    // A redirected request's cookies were stored on its first hop; Scrapy's
    // redirect drops Request.cookies so that they do not follow it elsewhere.
    if (meta_has(request.meta, "cookies") && !meta_has(request.meta, "redirect_urls")) {
        jar = &jar_for(request.meta);
        merge_request_cookies(request, *jar);
    } else {
        jar = find_jar(request.meta);
    }
    // The header is rebuilt from the jar every time: one left by an earlier
    // pass (a retry or redirect copies its request) may be stale.
    request.headers.erase("Cookie");
    if (!jar || jar->empty()) {
        co_return pass;
    }
    CookieRequestContext context;
    context.initiator_url = initiator_url(request);
    context.method = request.method;
    std::vector<Cookie> held_back;
    auto header = jar->cookie_header(request.url, context, debug_ ? &held_back : nullptr);
    if (!held_back.empty()) {
        std::string names;
        for (const auto& cookie : held_back) {
            if (!names.empty()) {
                names += ", ";
            }
            names.append(cookie.name).append(" (").append(to_string(cookie.same_site)).append(")");
        }
        logger.debug("Not sending cookies to: <{} {}> (SameSite, cross-site from {}): {}", request.method,
                     request.url, excerpt(context.initiator_url), names);
    }
    if (header.empty()) {
        co_return pass;
    }
    if (debug_) {
        logger.debug("Sending cookies to: <{} {}>\nCookie: {}\n", request.method, request.url, header);
    }
    request.headers.set("Cookie", std::move(header));
    co_return pass;
}

boost::asio::awaitable<ResponseAction> CookiesMiddleware::process_response(const Request& request, Response response)
{
    if (meta_flag(request.meta, "dont_merge_cookies")) {
        co_return response;
    }
    const auto fields = response.headers().get_all("Set-Cookie");
    if (fields.empty()) {
        co_return response;
    }
    auto& jar = jar_for(request.meta);
    for (const auto field : fields) {
        const auto status = jar.set_cookie(request.url, field);
        switch (status) {
        case CookieStatus::stored:
        case CookieStatus::expired:
            break;
        case CookieStatus::malformed:
        case CookieStatus::too_large:
            logger.warning("Ignoring a {} Set-Cookie from <{} {}>: {}", to_string(status), response.status(),
                           response.url(), excerpt(field));
            break;
        default:
            logger.debug("Ignoring a Set-Cookie from <{} {}> ({}): {}", response.status(), response.url(),
                         to_string(status), excerpt(field));
            break;
        }
    }
    if (debug_) {
        std::string lines;
        for (const auto field : fields) {
            if (!lines.empty()) {
                lines += '\n';
            }
            lines.append("Set-Cookie: ").append(field).append("\n");
        }
        logger.debug("Received cookies from: <{} {}>\n{}", response.status(), response.url(), lines);
    }
    co_return response;
}

} // namespace trawl::middlewares
