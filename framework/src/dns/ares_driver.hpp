#pragma once
// c-ares driven by the Asio event loop: the owner of one ares_channel, the
// watcher of the sockets c-ares opens, and the timer for its retries. The
// only file that calls c-ares; the Resolver (caching, coalescing, waiters)
// sits on top of it.

#include "dns/resolver.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/system/error_code.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

struct ares_channeldata;  // c-ares' channel; ares_channel is a pointer to it

namespace trawl::detail {

/// What one ares_getaddrinfo() produced.
struct LookupResult {
    /// Empty on success; otherwise trawl::errc::dns_not_found,
    /// trawl::errc::dns_failure or boost::asio::error::operation_aborted
    /// (the driver was closed while the lookup was pending).
    boost::system::error_code error;
    /// IPv4 before IPv6, each family in the server's order, no duplicates.
    std::vector<boost::asio::ip::address> addresses;
    /// The smallest TTL of the answer's records (CNAMEs included); 0 when
    /// the answer carried none (e.g. it came from /etc/hosts).
    std::chrono::seconds ttl{0};
};

/// Receives the result of one lookup, exactly once.
class LookupCallback {
public:
    virtual ~LookupCallback() = default;
    /// Runs inside a driver call (getaddrinfo(), event processing, close()),
    /// on the event loop thread; it must not call back into the driver.
    virtual void on_lookup(LookupResult result) noexcept = 0;
};

/// Single-threaded: every call, and every handler it starts, runs on the
/// executor's thread. Held by shared_ptr so that Asio handlers still queued
/// after its destruction can tell (they hold weak_ptrs).
class AresDriver : public std::enable_shared_from_this<AresDriver> {
public:
    /// Throws std::invalid_argument for bad options (servers, timeout,
    /// tries) and std::runtime_error if c-ares cannot start.
    static std::shared_ptr<AresDriver> create(boost::asio::any_io_executor executor,
                                              const ResolverOptions& options);
    ~AresDriver();
    AresDriver(const AresDriver&) = delete;
    AresDriver& operator=(const AresDriver&) = delete;

    /// Starts an AF_UNSPEC lookup of `name`. The callback may run before
    /// this returns (hosts file, bad name, a send that failed at once).
    void getaddrinfo(const std::string& name, std::shared_ptr<LookupCallback> callback);

    /// Fails every pending lookup with operation_aborted, destroys the
    /// channel and hands its sockets back to c-ares (which closes them).
    /// Idempotent; needs no running event loop.
    void close();

    bool is_open() const noexcept { return channel_ != nullptr; }

private:
    struct ChannelDeleter {
        void operator()(ares_channeldata* channel) const noexcept;
    };
    struct SocketWatcher;
    enum Direction { read = 0, write = 1 };
    friend struct AresCallbacks;

    AresDriver(boost::asio::any_io_executor executor, const ResolverOptions& options);
    void init_channel(const ResolverOptions& options);

    // c-ares told us what it wants from socket `fd`; (false, false) = closing.
    void on_socket_state(int fd, bool readable, bool writable);
    void watch(const std::shared_ptr<SocketWatcher>& watcher, Direction direction, bool ready_now);
    void on_socket_ready(const std::shared_ptr<SocketWatcher>& watcher, Direction direction);
    void drain_readable();
    void arm_timer();
    void on_timer();

    boost::asio::any_io_executor executor_;
    boost::asio::steady_timer timer_;
    std::unordered_map<int, std::shared_ptr<SocketWatcher>> watchers_;
    bool closing_ = false;
    // Last: destroyed first, while the watchers it reports to still exist.
    std::unique_ptr<ares_channeldata, ChannelDeleter> channel_;
};

} // namespace trawl::detail
