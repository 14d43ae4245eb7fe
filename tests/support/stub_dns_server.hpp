#pragma once
// A tiny authoritative DNS server on 127.0.0.1 (UDP, and TCP on the same
// port number for answers truncated over UDP past 512 bytes), on a port the
// system picks, for the resolver tests: it answers A and AAAA queries from a
// table, NXDOMAIN for unknown names, NODATA (no answers) for a known name
// without a record of the asked type, and can be told to fail (SERVFAIL), to
// stay silent (timeouts), or to answer slowly. Thread-safe: it runs on its
// own thread; configure it from any other.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace trawl::testing {

class StubDnsServer {
public:
    StubDnsServer();   // starts at once on its own thread
    ~StubDnsServer();
    StubDnsServer(const StubDnsServer&) = delete;
    StubDnsServer& operator=(const StubDnsServer&) = delete;

    std::uint16_t port() const noexcept;
    /// "127.0.0.1:PORT", for ResolverOptions::servers.
    std::string address() const;

    /// Adds a record: `ip` is IPv4 (A) or IPv6 (AAAA) text. Names are
    /// case-insensitive, without the trailing dot.
    void add_record(std::string name, std::string ip, std::uint32_t ttl_seconds = 60);
    /// Queries for `name` get SERVFAIL.
    void fail_name(std::string name);
    /// Queries for `name` are never answered.
    void ignore_name(std::string name);
    /// Every answer waits this long first.
    void set_delay(std::chrono::milliseconds delay);

    /// Queries received so far, UDP and TCP (to check caching).
    std::uint64_t queries_received() const noexcept;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace trawl::testing
