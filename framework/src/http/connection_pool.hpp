#pragma once
// Keep-alive connections, keyed by scheme + host + port + proxy + TLS
// options, with a cap on connections per key and on connections in all.
//
// A caller takes a lease (acquire): a slot counted against both caps,
// holding an idle connection to reuse or none (open a new one and put it
// in the lease). Destroying the lease frees the slot and closes its
// connection; keep_alive() frees the slot and keeps the connection idle for
// the next request to that key. So a download that fails or is cancelled
// half-way can never leak a slot. Idle connections past the idle timeout
// are closed as the pool is used. All of it runs on the event loop thread:
// no locks. Leases must not outlive the pool.

#include "http/connection.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace trawl::detail {

struct PoolLimits {
    std::size_t max_per_key = 8;
    std::size_t max_total = 1000;
    std::chrono::nanoseconds idle_timeout = std::chrono::seconds{60};
};

class ConnectionPool;

class PoolLease {
public:
    PoolLease() = default;  // holds nothing; for coroutine result types
    PoolLease(ConnectionPool& pool, std::string key, std::unique_ptr<Connection> connection);
    PoolLease(PoolLease&& other) noexcept;
    PoolLease& operator=(PoolLease&&) = delete;
    ~PoolLease();

    /// The connection to use; nullptr until one is opened and set.
    Connection* connection() noexcept { return connection_.get(); }
    void set_connection(std::unique_ptr<Connection> connection) { connection_ = std::move(connection); }
    /// Drops the current connection (closing it) but keeps the slot.
    void discard_connection() noexcept { connection_.reset(); }
    /// Frees the slot and keeps the connection for reuse.
    void keep_alive();
    const std::string& key() const noexcept { return key_; }

private:
    ConnectionPool* pool_ = nullptr;
    std::string key_;
    std::unique_ptr<Connection> connection_;
};

class ConnectionPool {
public:
    ConnectionPool(boost::asio::any_io_executor executor, PoolLimits limits);
    ~ConnectionPool();

    /// A lease for `key`, waiting (FIFO per key) until a slot is free or
    /// `deadline` passes. Fails with trawl::errc::timed_out at the
    /// deadline, or operation_aborted if the awaiting coroutine is cancelled
    /// or the pool closes.
    boost::asio::awaitable<boost::system::result<PoolLease>>
    acquire(std::string key, std::chrono::steady_clock::time_point deadline);

    /// Closes every idle connection and fails every waiter.
    void close();

    std::size_t open_connections() const noexcept { return active_total_ + idle_total_; }
    std::size_t active_connections() const noexcept { return active_total_; }
    std::size_t idle_connections() const noexcept { return idle_total_; }
    const PoolLimits& limits() const noexcept { return limits_; }

private:
    friend class PoolLease;
    struct Waiter;
    struct Host {
        std::size_t active = 0;
        std::deque<std::unique_ptr<Connection>> idle;  // oldest first
        std::list<std::shared_ptr<Waiter>> waiters;    // FIFO
    };

    bool has_room(const Host& host) const noexcept;
    std::unique_ptr<Connection> take_slot(Host& host);
    bool evict_one_idle_elsewhere(const Host& except);
    void release(const std::string& key, std::unique_ptr<Connection> reusable);
    void wake_waiters(Host& host);
    void close_expired_idle();

    boost::asio::any_io_executor executor_;
    PoolLimits limits_;
    std::map<std::string, Host, std::less<>> hosts_;
    std::size_t active_total_ = 0;
    std::size_t idle_total_ = 0;
    std::size_t waiters_total_ = 0;
    std::chrono::steady_clock::time_point last_sweep_;
    bool closed_ = false;
};

} // namespace trawl::detail
