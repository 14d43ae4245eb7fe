#include "http/connection_pool.hpp"

#include <trawl/error.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace trawl::detail {

namespace net = boost::asio;
using Clock = std::chrono::steady_clock;

// A coroutine waiting for a slot. It sleeps on its timer until the
// deadline; a grant sets `granted` and cancels the timer to wake it, which
// tells a grant from a deadline or an outside cancellation.
struct ConnectionPool::Waiter {
    explicit Waiter(const net::any_io_executor& executor) : timer(executor) {}
    net::steady_timer timer;
    std::unique_ptr<Connection> connection;
    bool granted = false;
};

PoolLease::PoolLease(ConnectionPool& pool, std::string key, std::unique_ptr<Connection> connection)
    : pool_(&pool), key_(std::move(key)), connection_(std::move(connection))
{
}

PoolLease::PoolLease(PoolLease&& other) noexcept
    : pool_(std::exchange(other.pool_, nullptr)),
      key_(std::move(other.key_)),
      connection_(std::move(other.connection_))
{
}

PoolLease::~PoolLease()
{
    if (pool_ != nullptr) {
        connection_.reset();
        pool_->release(key_, nullptr);
    }
}

void PoolLease::keep_alive()
{
    if (pool_ != nullptr) {
        std::exchange(pool_, nullptr)->release(key_, std::move(connection_));
    }
}

ConnectionPool::ConnectionPool(net::any_io_executor executor, PoolLimits limits)
    : executor_(std::move(executor)), limits_(limits), last_sweep_(Clock::now())
{
}

ConnectionPool::~ConnectionPool() { close(); }

bool ConnectionPool::has_room(const Host& host) const noexcept
{
    return host.active < limits_.max_per_key &&
           (!host.idle.empty() || active_total_ + idle_total_ < limits_.max_total);
}

std::unique_ptr<Connection> ConnectionPool::take_slot(Host& host)
{
    ++host.active;
    ++active_total_;
    if (host.idle.empty()) {
        return nullptr;
    }
    // The most recently used connection is the likeliest to still be open;
    // the oldest ones are left to reach the idle timeout.
    auto connection = std::move(host.idle.back());
    host.idle.pop_back();
    --idle_total_;
    return connection;
}

bool ConnectionPool::evict_one_idle_elsewhere(const Host& except)
{
    for (auto& [key, host] : hosts_) {
        if (&host != &except && !host.idle.empty()) {
            host.idle.pop_front();  // destroying it closes the socket
            --idle_total_;
            return true;
        }
    }
    return false;
}

net::awaitable<boost::system::result<PoolLease>>
ConnectionPool::acquire(std::string key, Clock::time_point deadline)
{
    close_expired_idle();
    if (closed_) {
        co_return boost::system::error_code{net::error::operation_aborted};
    }
    Host& host = hosts_[key];
    // Only when nobody is queued for this key, so waiters are served in order.
    if (host.waiters.empty()) {
        if (!has_room(host) && host.active < limits_.max_per_key) {
            evict_one_idle_elsewhere(host);  // the total cap binds: make room
        }
        if (has_room(host)) {
            PoolLease lease{*this, std::move(key), take_slot(host)};
            co_return lease;
        }
    }

    auto waiter = std::make_shared<Waiter>(executor_);
    waiter->timer.expires_at(deadline);
    host.waiters.push_back(waiter);
    ++waiters_total_;
    auto [ec] = co_await waiter->timer.async_wait(net::as_tuple(net::use_awaitable));
    if (waiter->granted) {
        PoolLease lease{*this, std::move(key), std::move(waiter->connection)};
        co_return lease;
    }
    // Not granted: the deadline passed, the caller was cancelled, or the pool
    // closed. `host` may be gone if the pool closed, so look it up again.
    if (auto it = hosts_.find(key); it != hosts_.end()) {
        waiters_total_ -= it->second.waiters.remove(waiter);  // close() may have removed it
    }
    if (!ec) {
        co_return boost::system::error_code{trawl::errc::timed_out};
    }
    co_return boost::system::error_code{net::error::operation_aborted};
}

void ConnectionPool::release(const std::string& key, std::unique_ptr<Connection> reusable)
{
    auto it = hosts_.find(key);
    BOOST_ASSERT(it != hosts_.end() && it->second.active > 0);
    Host& host = it->second;
    --host.active;
    --active_total_;
    if (reusable && !closed_) {
        // An idle connection keeps no read buffer: with thousands of them
        // open, their memory is the pool's largest cost.
        if (reusable->buffer.size() == 0) {
            reusable->buffer.shrink_to_fit();
        }
        reusable->idle_since = Clock::now();
        host.idle.push_back(std::move(reusable));
        ++idle_total_;
    }
    wake_waiters(host);
    if (waiters_total_ > 0 && active_total_ + idle_total_ < limits_.max_total) {
        // The total cap may have been what held others back.
        for (auto& [other_key, other] : hosts_) {
            if (&other != &host) {
                wake_waiters(other);
            }
        }
    }
    if (host.active == 0 && host.idle.empty() && host.waiters.empty()) {
        hosts_.erase(it);
    }
    close_expired_idle();
}

void ConnectionPool::wake_waiters(Host& host)
{
    while (!host.waiters.empty()) {
        if (!has_room(host)) {
            if (host.active >= limits_.max_per_key || !evict_one_idle_elsewhere(host)) {
                return;
            }
        }
        auto waiter = std::move(host.waiters.front());
        host.waiters.pop_front();
        --waiters_total_;
        waiter->connection = take_slot(host);
        waiter->granted = true;
        waiter->timer.cancel();
    }
}

void ConnectionPool::close_expired_idle()
{
    const auto now = Clock::now();
    if (now - last_sweep_ < std::chrono::seconds{1} && idle_total_ < limits_.max_total) {
        return;
    }
    last_sweep_ = now;
    for (auto it = hosts_.begin(); it != hosts_.end();) {
        auto& idle = it->second.idle;
        while (!idle.empty() && now - idle.front()->idle_since >= limits_.idle_timeout) {
            idle.pop_front();
            --idle_total_;
        }
        if (it->second.active == 0 && idle.empty() && it->second.waiters.empty()) {
            it = hosts_.erase(it);
        } else {
            ++it;
        }
    }
}

void ConnectionPool::close()
{
    closed_ = true;
    for (auto& [key, host] : hosts_) {
        idle_total_ -= host.idle.size();
        host.idle.clear();
        for (auto& waiter : host.waiters) {
            waiter->timer.cancel();
        }
        waiters_total_ -= host.waiters.size();
        host.waiters.clear();
    }
}

} // namespace trawl::detail
