#include "downloader/proxy_pool.hpp"

#include "downloader/meta_values.hpp"
#include "downloader/url_origin.hpp"

#include <trawl/crawler.hpp>
#include <trawl/error.hpp>
#include <trawl/log.hpp>
#include <trawl/settings.hpp>
#include <trawl/stats.hpp>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <sstream>

namespace trawl::middlewares {

namespace net = boost::asio;

namespace {

const Logger logger{"trawl.downloadermiddlewares.proxypool"};

constexpr std::string_view pool_key = "_proxy_pool";
constexpr std::string_view retries_key = "proxy_pool_retries";

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

double seconds(std::chrono::nanoseconds d) { return std::chrono::duration<double>(d).count(); }

} // namespace

std::vector<std::string> ProxyPoolMiddleware::parse_proxy_list(std::string_view text)
{
    std::vector<std::string> proxies;
    while (!text.empty()) {
        const auto end = text.find('\n');
        auto line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
        if (auto hash = line.find('#'); hash != std::string_view::npos) {
            line = line.substr(0, hash);
        }
        line = trim(line);
        if (!line.empty()) {
            proxies.emplace_back(line);
        }
    }
    return proxies;
}

bool ProxyPoolMiddleware::is_proxy_failure(const boost::system::error_code& code) noexcept
{
    if (code.category() != trawl::error_category()) {
        return false;
    }
    switch (static_cast<errc>(code.value())) {
    case errc::timed_out:
    case errc::connect_timeout:
    case errc::read_timeout:
    case errc::dns_not_found:
    case errc::dns_failure:
    case errc::connection_refused:
    case errc::connection_reset:
    case errc::host_unreachable:
    case errc::tls_handshake:
    case errc::bad_response: return true;
    default: return false;
    }
}

std::unique_ptr<ProxyPoolMiddleware> ProxyPoolMiddleware::from_crawler(Crawler& crawler)
{
    const auto& settings = crawler.settings();
    Options options;
    options.proxies = settings.get_list("PROXY_POOL");
    if (const auto file = settings.get_string("PROXY_POOL_FILE"); !file.empty()) {
        std::ifstream in{file};
        if (!in) {
            throw SettingsError(
                fmt::format("PROXY_POOL_FILE ({}): cannot read '{}'", settings.source("PROXY_POOL_FILE"), file));
        }
        std::stringstream text;
        text << in.rdbuf();
        for (auto& proxy : parse_proxy_list(text.str())) {
            options.proxies.push_back(std::move(proxy));
        }
    }
    if (options.proxies.empty()) {
        throw NotConfigured("no proxies in PROXY_POOL or PROXY_POOL_FILE");
    }
    options.ban_codes.clear();
    for (const auto& code : settings.get_list("PROXY_POOL_BAN_CODES")) {
        try {
            options.ban_codes.insert(std::stoi(code));
        } catch (const std::exception&) {
            throw SettingsError(fmt::format("PROXY_POOL_BAN_CODES ({}): '{}' is not a status code",
                                            settings.source("PROXY_POOL_BAN_CODES"), code));
        }
    }
    options.ban_markers = settings.get_list("PROXY_POOL_BAN_MARKERS");
    std::erase_if(options.ban_markers, [](const std::string& m) { return m.empty(); });
    options.bench = settings.get_seconds("PROXY_POOL_BENCH_SECS", std::chrono::seconds{60});
    options.max_wait = settings.get_seconds("PROXY_POOL_MAX_WAIT_SECS", std::chrono::seconds{300});
    options.max_retries = settings.get_int("PROXY_POOL_MAX_RETRIES", 5);
    return std::make_unique<ProxyPoolMiddleware>(std::move(options), crawler);
}

ProxyPoolMiddleware::ProxyPoolMiddleware(Options options, Crawler& crawler)
    : options_(std::move(options)), crawler_(crawler), stats_(crawler.stats())
{
    std::map<std::string, int> seen;
    for (auto url : options_.proxies) {
        url = std::string(trim(url));
        if (url.find("://") == std::string::npos) {
            url = "http://" + url;  // as the download handler reads "host:port"
        }
        const auto origin = url_origin(url);
        if (origin.host.empty()) {
            throw SettingsError(fmt::format("PROXY_POOL: an entry has no host (entry {})", proxies_.size() + 1));
        }
        const bool ipv6 = origin.host.find(':') != std::string::npos;
        std::string name = ipv6 ? fmt::format("[{}]:{}", origin.host, effective_port(origin))
                                : fmt::format("{}:{}", origin.host, effective_port(origin));
        // The same proxy with other credentials (a gateway's sessions) is
        // another member of the pool; its name tells them apart.
        if (const int n = ++seen[name]; n > 1) {
            name += fmt::format("#{}", n);
        }
        proxies_.push_back(Proxy{std::move(url), std::move(name), {}, {}});
    }
    logger.info("Proxy pool of {}: {}", proxies_.size(), fmt::join(proxy_names(), ", "));
}

std::vector<std::string> ProxyPoolMiddleware::proxy_names() const
{
    std::vector<std::string> names;
    for (const auto& proxy : proxies_) {
        names.push_back(proxy.name);
    }
    return names;
}

bool ProxyPoolMiddleware::benched(std::string_view name) const
{
    const auto now = SteadyClock::now();
    return std::any_of(proxies_.begin(), proxies_.end(),
                       [&](const Proxy& p) { return p.name == name && p.benched_until > now; });
}

std::optional<std::size_t> ProxyPoolMiddleware::next_healthy(SteadyClock::time_point now)
{
    for (std::size_t i = 0; i < proxies_.size(); ++i) {
        const std::size_t at = (cursor_ + i) % proxies_.size();
        if (proxies_[at].benched_until <= now) {
            cursor_ = at + 1;
            return at;
        }
    }
    return std::nullopt;
}

ProxyPoolMiddleware::Proxy* ProxyPoolMiddleware::assigned(const Request& request)
{
    auto it = request.meta.find(pool_key);
    if (it == request.meta.end() || !it->value().is_string()) {
        return nullptr;
    }
    const auto& name = it->value().get_string();
    auto found = std::find_if(proxies_.begin(), proxies_.end(), [&](const Proxy& p) { return p.name == name; });
    return found == proxies_.end() ? nullptr : &*found;
}

void ProxyPoolMiddleware::bench(Proxy& proxy, std::string reason)
{
    const auto now = SteadyClock::now();
    const bool any_healthy_before =
        std::any_of(proxies_.begin(), proxies_.end(), [&](const Proxy& p) { return p.benched_until <= now; });
    proxy.benched_until = std::max(proxy.benched_until, now + options_.bench);
    proxy.last_reason = std::move(reason);
    stats_.inc_value("proxy_pool/bans");
    stats_.inc_value(fmt::format("proxy_pool/{}/bans", proxy.name));
    logger.info("Benched proxy {} for {:g} s: {}", proxy.name, seconds(options_.bench), proxy.last_reason);
    const bool any_healthy_after =
        std::any_of(proxies_.begin(), proxies_.end(), [&](const Proxy& p) { return p.benched_until <= now; });
    if (!any_healthy_after && (any_healthy_before || !exhausted_since_)) {
        exhausted_since_ = now;
        logger.warning("All {} proxies are benched: requests wait for one to come back (at most {:g} s)",
                       proxies_.size(), seconds(options_.max_wait));
    }
}

std::optional<Request> ProxyPoolMiddleware::retry_elsewhere(const Request& request)
{
    const auto retries = meta_int(request.meta, retries_key).value_or(0);
    if (retries >= options_.max_retries) {
        stats_.inc_value("proxy_pool/max_retries_reached");
        logger.debug("Gave up retrying {} through other proxies (tried {} times)", request.url, retries + 1);
        return std::nullopt;
    }
    Request again = request;
    // Everything the proxy choice left on the request goes, so the next
    // choice starts clean (httpproxy puts the new credentials back).
    again.meta.erase("proxy");
    again.meta.erase(pool_key);
    again.meta.erase("_auth_proxy");
    again.meta.erase("_scheme_proxy");
    again.headers.erase("Proxy-Authorization");
    again.meta[retries_key] = retries + 1;
    again.dont_filter = true;
    stats_.inc_value("proxy_pool/retries");
    return again;
}

void ProxyPoolMiddleware::give_up(SteadyClock::time_point since)
{
    gave_up_ = true;
    std::string reasons;
    for (const auto& proxy : proxies_) {
        reasons += fmt::format("{}{}: {}", reasons.empty() ? "" : "; ", proxy.name,
                               proxy.last_reason.empty() ? "?" : proxy.last_reason);
    }
    const auto message = fmt::format("all {} proxies benched for {:.3g} s; last reasons: {}", proxies_.size(),
                                     seconds(SteadyClock::now() - since), reasons);
    logger.error("Closing the crawl: {}", message);
    stats_.set_value("proxy_pool/error", boost::json::string(message));
    crawler_.close_spider("proxy_pool_exhausted");
}

net::awaitable<RequestAction> ProxyPoolMiddleware::process_request(Request& request)
{
    RequestAction pass = Continue{};
    if (request.meta.contains("proxy") && !request.meta.contains(pool_key)) {
        co_return pass;  // the spider chose (null: no proxy)
    }
    std::optional<net::steady_timer> timer;
    while (true) {
        if (gave_up_) {
            RequestAction ignore = Ignore{"proxy pool exhausted"};
            co_return ignore;
        }
        const auto now = SteadyClock::now();
        if (auto at = next_healthy(now)) {
            exhausted_since_.reset();
            auto& proxy = proxies_[*at];
            request.meta["proxy"] = proxy.url;
            request.meta[pool_key] = proxy.name;
            // A retry's old credentials must not reach the new proxy.
            request.meta.erase("_auth_proxy");
            request.headers.erase("Proxy-Authorization");
            stats_.inc_value("proxy_pool/requests");
            stats_.inc_value(fmt::format("proxy_pool/{}/requests", proxy.name));
            co_return pass;
        }
        if (!exhausted_since_) {
            exhausted_since_ = now;
        }
        const auto deadline = *exhausted_since_ + options_.max_wait;
        if (now >= deadline) {
            give_up(*exhausted_since_);
            continue;
        }
        auto earliest = proxies_.front().benched_until;
        for (const auto& proxy : proxies_) {
            earliest = std::min(earliest, proxy.benched_until);
        }
        if (!timer) {
            timer.emplace(co_await net::this_coro::executor);
            stats_.inc_value("proxy_pool/waits");
        }
        timer->expires_at(std::min(earliest, deadline));
        co_await timer->async_wait(net::use_awaitable);
    }
}

net::awaitable<ResponseAction> ProxyPoolMiddleware::process_response(const Request& request, Response response)
{
    auto* proxy = assigned(request);
    if (proxy == nullptr) {
        co_return response;
    }
    std::string reason;
    if (options_.ban_codes.contains(response.status())) {
        reason = fmt::format("status {}", response.status());
    } else {
        const std::string_view body = response.body();
        for (const auto& marker : options_.ban_markers) {
            if (body.find(marker) != std::string_view::npos) {
                reason = fmt::format("body contains \"{}\"", marker);
                break;
            }
        }
    }
    if (reason.empty()) {
        co_return response;
    }
    bench(*proxy, std::move(reason));
    if (auto again = retry_elsewhere(request)) {
        ResponseAction retry = Reschedule{std::move(*again)};
        co_return retry;
    }
    co_return response;
}

net::awaitable<ExceptionAction> ProxyPoolMiddleware::process_exception(const Request& request, DownloadError error)
{
    ExceptionAction pass = Continue{};
    auto* proxy = assigned(request);
    if (proxy == nullptr || !is_proxy_failure(error.code)) {
        co_return pass;
    }
    // The message names the proxy but never its credentials (the handler's rule).
    bench(*proxy, error.message);
    if (auto again = retry_elsewhere(request)) {
        ExceptionAction retry = Reschedule{std::move(*again)};
        co_return retry;
    }
    co_return pass;
}

} // namespace trawl::middlewares
