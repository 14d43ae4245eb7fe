#pragma once
// Asynchronous DNS on the event loop with c-ares: no getaddrinfo, no thread.
// Internal header (framework/src): it exposes Asio types, so public headers
// must not include it.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/system/result.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace trawl::detail {

struct ResolverOptions {
    /// DNS servers as "ip" or "ip:port" ("127.0.0.1:5353", "[::1]:53");
    /// empty = the system's (/etc/resolv.conf, with its search domains).
    /// Given servers get names as they are, without resolv.conf's search
    /// list. A malformed entry throws std::invalid_argument.
    std::vector<std::string> servers;
    std::chrono::milliseconds timeout{5000};  ///< per try (> 0)
    int tries = 2;                            ///< >= 1
    /// Answers are cached for their TTL, capped at this (Scrapy: DNSCACHE_*).
    bool cache_enabled = true;
    std::size_t cache_size = 10000;
    std::chrono::seconds max_ttl{300};
    /// dns_not_found answers (NXDOMAIN, no address) are cached this long;
    /// failures (SERVFAIL, timeouts) are not cached.
    std::chrono::seconds negative_ttl{30};
    /// Also read /etc/hosts (c-ares lookups "fb"); off in tests that want
    /// every name to go to the stub server.
    bool use_hosts_file = true;
};

/// Not thread-safe: construct it, call it and destroy it on the thread that
/// runs `executor` (trawl's event loop), and await resolve() there too.
class Resolver {
public:
    Resolver(boost::asio::any_io_executor executor, ResolverOptions options);
    ~Resolver();
    Resolver(const Resolver&) = delete;
    Resolver& operator=(const Resolver&) = delete;

    /// Resolves `host` to its addresses, IPv4 before IPv6. A numeric host
    /// ("127.0.0.1", "::1", "[::1]") is returned at once without a query.
    /// Errors: trawl::errc::dns_not_found (no such name / no address),
    /// trawl::errc::dns_failure (server failure, refused, timeout, bad name).
    /// Concurrent calls for one name share one query. Cancelling the
    /// awaiting coroutine (its cancellation slot, e.g. `resolve(h) || timer`)
    /// completes it with boost::asio::error::operation_aborted; the query
    /// goes on for the other waiters and the cache.
    boost::asio::awaitable<boost::system::result<std::vector<boost::asio::ip::address>>>
    resolve(std::string host);

    struct Stats {
        std::uint64_t lookups = 0;     ///< resolve() calls that were not numeric
        std::uint64_t cache_hits = 0;
        std::uint64_t queries = 0;     ///< queries sent to c-ares
        std::uint64_t failures = 0;    ///< queries (and bad names) that failed, cancels aside
    };
    Stats stats() const;

    /// Fails every pending query with operation_aborted and releases c-ares;
    /// later resolve() calls of names fail the same way. Idempotent, and
    /// safe when the event loop no longer runs. The destructor calls it.
    void shutdown();

private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

} // namespace trawl::detail
