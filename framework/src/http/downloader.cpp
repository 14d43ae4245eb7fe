#include <trawl/downloader.hpp>

#include "core/open_file_limit.hpp"
#include "dns/resolver.hpp"
#include "http/connection_pool.hpp"
#include "http/http_handler.hpp"
#include "http/local_handlers.hpp"
#include "http/url_parts.hpp"

#include <trawl/error.hpp>
#include <trawl/log.hpp>

#include <boost/asio/error.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <fmt/format.h>

#include <map>
#include <stdexcept>

namespace trawl {

namespace net = boost::asio;
using namespace net::experimental::awaitable_operators;
using Clock = std::chrono::steady_clock;

namespace {

const Logger logger{"trawl.core.downloader"};

// Sockets are files: leave room under the open-file limit for the files,
// logs, databases and DNS sockets a crawl also opens.
constexpr std::size_t reserved_file_descriptors = 128;

// The handler's own deadlines fire first and say which phase ran out; this
// guard is the backstop for a handler that does not honour them.
constexpr auto total_timeout_grace = std::chrono::milliseconds{250};

std::size_t get_size(const Settings& settings, std::string_view name)
{
    auto value = settings.get_int(name);
    if (value < 0) {
        throw SettingsError(fmt::format("{} ({}): must not be negative, got {}", name, settings.source(name), value));
    }
    return static_cast<std::size_t>(value);
}

detail::ResolverOptions resolver_options(const Settings& settings)
{
    detail::ResolverOptions options;
    options.servers = settings.get_list("DNS_SERVERS");
    options.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(
        settings.get_seconds("DNS_TIMEOUT", std::chrono::seconds{60}));
    options.cache_enabled = settings.get_bool("DNSCACHE_ENABLED", true);
    options.cache_size = get_size(settings, "DNSCACHE_SIZE");
    options.use_hosts_file = settings.get_bool("DNS_USE_HOSTS_FILE", true);
    return options;
}

detail::PoolLimits pool_limits(const Settings& settings)
{
    detail::PoolLimits limits;
    limits.max_per_key = get_size(settings, "DOWNLOAD_POOL_MAX_PER_HOST");
    if (limits.max_per_key == 0) {
        limits.max_per_key = std::max<std::size_t>(1, get_size(settings, "CONCURRENT_REQUESTS_PER_DOMAIN"));
    }
    const std::size_t open_files = detail::raise_open_file_limit();
    const std::size_t ceiling = open_files > 2 * reserved_file_descriptors ? open_files - reserved_file_descriptors
                                                                            : open_files / 2;
    limits.max_total = get_size(settings, "DOWNLOAD_POOL_MAX_TOTAL");
    if (limits.max_total == 0 || limits.max_total > ceiling) {
        limits.max_total = std::max<std::size_t>(1, ceiling);
    }
    limits.idle_timeout = settings.get_seconds("DOWNLOAD_POOL_IDLE_TIMEOUT", std::chrono::seconds{60});
    return limits;
}

// A handler that throws has a bug; its download still ends at once, with
// the exception's text, instead of waiting out the timeout guard. A
// cancellation (the caller gave up) ends as errc::cancelled.
net::awaitable<DownloadResult> guarded_download(std::shared_ptr<DownloadHandler> handler, Request request,
                                                DownloadLimits limits)
{
    std::string url = request.url;
    try {
        co_return co_await handler->download(std::move(request), limits);
    } catch (const boost::system::system_error& e) {
        if (e.code() == net::error::operation_aborted) {
            co_return DownloadError{errc::cancelled, "download cancelled", std::move(url)};
        }
        logger.error("{}: download handler failed: {}", url, e.what());
        co_return DownloadError{errc::internal_error, fmt::format("download handler failed: {}", e.what()),
                                std::move(url)};
    } catch (const std::exception& e) {
        logger.error("{}: download handler failed: {}", url, e.what());
        co_return DownloadError{errc::internal_error, fmt::format("download handler failed: {}", e.what()),
                                std::move(url)};
    }
}

} // namespace

struct Downloader::Impl {
    net::any_io_executor executor;
    DownloadLimits default_limits;
    std::shared_ptr<DownloaderStats> stats = std::make_shared<DownloaderStats>();
    std::shared_ptr<detail::Resolver> resolver;
    std::shared_ptr<detail::ConnectionPool> pool;
    std::map<std::string, std::shared_ptr<DownloadHandler>, std::less<>> handlers;
    // Blocking work (file reads) runs here, never on the loop.
    net::thread_pool blocking{1};
    bool closed = false;

    DownloadError failure(errc code, std::string message, std::string url)
    {
        ++stats->failures;
        return DownloadError{code, std::move(message), std::move(url)};
    }
};

Downloader::Downloader(net::any_io_executor executor, const Settings& settings) : impl_(std::make_unique<Impl>())
{
    auto& d = *impl_;
    d.executor = executor;
    d.default_limits.timeout = settings.get_seconds("DOWNLOAD_TIMEOUT", std::chrono::seconds{180});
    d.default_limits.connect_timeout = settings.get_seconds("DOWNLOAD_CONNECT_TIMEOUT", std::chrono::seconds{30});
    d.default_limits.read_timeout = settings.get_seconds("DOWNLOAD_READ_TIMEOUT", std::chrono::seconds{60});
    d.default_limits.maxsize = get_size(settings, "DOWNLOAD_MAXSIZE");
    d.default_limits.warnsize = get_size(settings, "DOWNLOAD_WARNSIZE");
    d.default_limits.decompress = settings.get_bool("COMPRESSION_ENABLED", true);

    try {
        d.resolver = std::make_shared<detail::Resolver>(executor, resolver_options(settings));
    } catch (const std::invalid_argument& e) {
        throw SettingsError(fmt::format("DNS_SERVERS ({}): {}", settings.source("DNS_SERVERS"), e.what()));
    }
    d.pool = std::make_shared<detail::ConnectionPool>(executor, pool_limits(settings));

    detail::HttpHandlerOptions http_options;
    http_options.max_header_size = get_size(settings, "DOWNLOAD_MAX_HEADER_SIZE");
    http_options.tls.verify = settings.get_bool("DOWNLOAD_TLS_VERIFY", true);
    http_options.tls.ca_file = settings.get_string("DOWNLOAD_TLS_CA_FILE");

    // DOWNLOAD_HANDLERS is merged over DOWNLOAD_HANDLERS_BASE, scheme by
    // scheme; a null value turns a scheme off.
    auto handler_names = settings.get_dict("DOWNLOAD_HANDLERS_BASE");
    for (const auto& [scheme, name] : settings.get_dict("DOWNLOAD_HANDLERS")) {
        handler_names[scheme] = name;
    }
    std::shared_ptr<DownloadHandler> http_handler;
    for (const auto& [scheme, name] : handler_names) {
        if (name.is_null()) {
            continue;
        }
        const auto* text = name.if_string();
        const std::string handler = text ? std::string(*text) : std::string{};
        if (handler == "http") {
            if (!http_handler) {
                http_handler = std::make_shared<detail::HttpDownloadHandler>(executor, d.resolver, d.pool,
                                                                             http_options, d.stats);
            }
            d.handlers[std::string(scheme)] = http_handler;
        } else if (handler == "file") {
            d.handlers[std::string(scheme)] = std::make_shared<detail::FileDownloadHandler>(d.blocking.get_executor());
        } else if (handler == "data") {
            d.handlers[std::string(scheme)] = std::make_shared<detail::DataDownloadHandler>();
        } else {
            throw SettingsError(fmt::format("DOWNLOAD_HANDLERS ({}): unknown handler {} for scheme '{}' "
                                            "(built-in handlers: http, file, data)",
                                            settings.source("DOWNLOAD_HANDLERS"), boost::json::serialize(name),
                                            std::string(scheme)));
        }
    }
}

Downloader::~Downloader()
{
    close();
    impl_->blocking.join();
}

void Downloader::set_handler(std::string scheme, std::shared_ptr<DownloadHandler> handler)
{
    impl_->handlers[std::move(scheme)] = std::move(handler);
}

DownloadLimits Downloader::limits_for(const Request& request) const
{
    DownloadLimits limits = impl_->default_limits;
    auto number = [&](std::string_view key) -> std::optional<double> {
        if (auto it = request.meta.find(key); it != request.meta.end()) {
            if (it->value().is_number()) {
                return it->value().to_number<double>();
            }
        }
        return std::nullopt;
    };
    if (auto timeout = number("download_timeout"); timeout && *timeout > 0) {
        limits.timeout = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::duration<double>(*timeout));
    }
    if (auto maxsize = number("download_maxsize"); maxsize && *maxsize >= 0) {
        limits.maxsize = static_cast<std::size_t>(*maxsize);
    }
    if (auto warnsize = number("download_warnsize"); warnsize && *warnsize >= 0) {
        limits.warnsize = static_cast<std::size_t>(*warnsize);
    }
    return limits;
}

net::awaitable<DownloadResult> Downloader::fetch(Request request)
{
    auto& d = *impl_;
    ++d.stats->requests;
    if (d.closed) {
        co_return d.failure(errc::cancelled, "the downloader is closed", request.url);
    }
    const auto scheme = detail::url_scheme(request.url);
    auto handler = d.handlers.find(scheme);
    if (handler == d.handlers.end()) {
        co_return d.failure(scheme.empty() ? errc::invalid_url : errc::unsupported_scheme,
                            scheme.empty() ? fmt::format("'{}' is not an absolute URL", request.url)
                                           : fmt::format("no download handler for scheme '{}'", scheme),
                            request.url);
    }
    const auto limits = limits_for(request);
    net::steady_timer guard{d.executor, Clock::now() + limits.timeout + total_timeout_grace};
    std::string url = request.url;
    auto outcome = co_await (guarded_download(handler->second, std::move(request), limits) ||
                             guard.async_wait(net::use_awaitable));
    if (outcome.index() == 1) {
        co_return d.failure(errc::timed_out,
                            fmt::format("download took longer than {:.3g} s",
                                        std::chrono::duration<double>(limits.timeout).count()),
                            std::move(url));
    }
    auto& result = std::get<0>(outcome);
    if (result) {
        ++d.stats->responses;
        d.stats->bytes_decoded += result->body().size();
    } else {
        ++d.stats->failures;
    }
    co_return std::move(result);
}

DownloaderStats Downloader::stats() const
{
    DownloaderStats stats = *impl_->stats;
    auto dns = impl_->resolver->stats();
    stats.dns_lookups = dns.lookups;
    stats.dns_cache_hits = dns.cache_hits;
    stats.dns_failures = dns.failures;
    stats.connections_open = impl_->pool->open_connections();
    stats.connections_active = impl_->pool->active_connections();
    return stats;
}

void Downloader::close()
{
    auto& d = *impl_;
    if (d.closed) {
        return;
    }
    d.closed = true;
    for (auto& [scheme, handler] : d.handlers) {
        handler->close();
    }
    d.pool->close();
    d.resolver->shutdown();
}

} // namespace trawl
