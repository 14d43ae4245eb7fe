#include "dns/resolver.hpp"

#include "dns/ares_driver.hpp"
#include "dns/dns_cache.hpp"

#include <trawl/error.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/ip/address_v6.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace trawl::detail {
namespace {

namespace net = boost::asio;
using boost::system::error_code;
using Addresses = std::vector<net::ip::address>;
using Result = boost::system::result<Addresses>;

Result failed(error_code ec)
{
    return Result{boost::system::in_place_error, ec};
}

// "127.0.0.1", "::1", "[::1]"; nullopt for a name. `invalid` is set for a
// bracketed host that is not an IPv6 address ("[example.com]").
std::optional<net::ip::address> numeric_host(std::string_view host, bool& invalid)
{
    error_code ec;
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        auto v6 = net::ip::make_address_v6(host.substr(1, host.size() - 2), ec);
        invalid = static_cast<bool>(ec);
        return ec ? std::nullopt : std::optional<net::ip::address>{v6};
    }
    auto address = net::ip::make_address(host, ec);
    return ec ? std::nullopt : std::optional<net::ip::address>{address};
}

std::string lower_case(std::string name)
{
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) {
        return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    });
    return name;
}

// RFC 6761 §6.3: "localhost" and names under it are the loopback, always.
// Answered here, not by c-ares, because c-ares 1.18 fails the name when
// /etc/hosts is missing (as in a minimal container), and a name server
// must not be asked about it anyway.
bool is_localhost(std::string_view name)
{
    if (name.ends_with('.')) {
        name.remove_suffix(1);
    }
    return name == "localhost" || name.ends_with(".localhost");
}

// One coroutine waiting for a query. The wait is a timer that never expires
// and is cancelled when the answer is in: timers already honour Asio's
// per-operation cancellation, which is how `resolve(h) || timeout` and
// cancellation slots reach a waiter.
struct Waiter {
    explicit Waiter(const net::any_io_executor& executor)
        : timer(executor, net::steady_timer::time_point::max())
    {
    }

    void complete(const Result& answer)
    {
        if (!result) {
            result = answer;
            timer.cancel();
        }
    }

    net::steady_timer timer;
    std::optional<Result> result;
};

} // namespace

struct Resolver::Impl : std::enable_shared_from_this<Resolver::Impl> {
    // A c-ares lookup in flight and the coroutines sharing it.
    class Query final : public LookupCallback {
    public:
        Query(std::weak_ptr<Impl> owner, std::string name) : owner_(std::move(owner)), name_(std::move(name)) {}

        const std::string& name() const noexcept { return name_; }
        void add(std::shared_ptr<Waiter> waiter) { waiters_.push_back(std::move(waiter)); }
        void remove(const std::shared_ptr<Waiter>& waiter)
        {
            waiters_.erase(std::remove(waiters_.begin(), waiters_.end(), waiter), waiters_.end());
        }

        void complete_all(const Result& answer)
        {
            auto waiters = std::move(waiters_);
            waiters_.clear();
            for (const auto& waiter : waiters) {
                waiter->complete(answer);
            }
        }

        void on_lookup(LookupResult result) noexcept override
        {
            // The owner is gone only while it is being destroyed; then no
            // coroutine waits (each holds the owner).
            if (auto owner = owner_.lock()) {
                owner->finish(*this, result);
            }
            complete_all(result.error ? failed(result.error) : Result{std::move(result.addresses)});
        }

    private:
        std::weak_ptr<Impl> owner_;
        std::string name_;
        std::vector<std::shared_ptr<Waiter>> waiters_;
    };

    Impl(net::any_io_executor executor, ResolverOptions opts)
        : options(std::move(opts)),
          driver(AresDriver::create(std::move(executor), options)),
          cache(options.cache_enabled ? options.cache_size : 0)
    {
    }

    ~Impl() { shutdown(); }

    static net::awaitable<Result> resolve(std::shared_ptr<Impl> impl, std::string host);

    std::optional<DnsCache::Answer> cached(const std::string& name)
    {
        if (!options.cache_enabled) {
            return std::nullopt;
        }
        return cache.find(name, DnsCache::Clock::now());
    }

    // Joins the query in flight for `name`, or starts one. The waiter may be
    // complete on return: c-ares answers some lookups synchronously.
    void start_or_join(const std::string& name, const std::shared_ptr<Waiter>& waiter)
    {
        if (auto it = in_flight.find(name); it != in_flight.end()) {
            it->second->add(waiter);
            return;
        }
        auto query = std::make_shared<Query>(weak_from_this(), name);
        query->add(waiter);  // before starting it, for a synchronous answer
        in_flight.emplace(name, query);
        ++stats.queries;
        driver->getaddrinfo(name, query);
    }

    // A waiter that gave up (cancelled): the query goes on for the others
    // and the cache.
    void forget(const std::string& name, const std::shared_ptr<Waiter>& waiter)
    {
        if (auto it = in_flight.find(name); it != in_flight.end()) {
            it->second->remove(waiter);
        }
    }

    void finish(Query& query, const LookupResult& result)
    {
        if (auto it = in_flight.find(query.name()); it != in_flight.end() && it->second.get() == &query) {
            in_flight.erase(it);
        }
        if (result.error == net::error::operation_aborted) {
            return;
        }
        if (result.error) {
            ++stats.failures;
        }
        if (!options.cache_enabled) {
            return;
        }
        auto now = DnsCache::Clock::now();
        if (!result.error && result.ttl.count() > 0) {
            DnsCache::Answer answer{{}, result.addresses};
            cache.insert(query.name(), std::move(answer), now + std::min(result.ttl, options.max_ttl));
        } else if (result.error == trawl::errc::dns_not_found && options.negative_ttl.count() > 0) {
            DnsCache::Answer answer{result.error, {}};
            cache.insert(query.name(), std::move(answer), now + options.negative_ttl);
        }
    }

    void shutdown()
    {
        if (shut_down) {
            return;
        }
        shut_down = true;
        driver->close();  // each pending query's callback fails its waiters
        // c-ares reports every query on close; this is for a broken promise.
        auto left = std::move(in_flight);
        in_flight.clear();
        for (auto& [name, query] : left) {
            query->complete_all(failed(net::error::operation_aborted));
        }
        cache.clear();
    }

    ResolverOptions options;
    std::shared_ptr<AresDriver> driver;
    DnsCache cache;
    std::unordered_map<std::string, std::shared_ptr<Query>> in_flight;
    Stats stats;
    bool shut_down = false;
};

// Holds the Impl, not the Resolver: a Resolver destroyed (or shut down)
// while this waits fails the wait instead of dangling.
net::awaitable<Result> Resolver::Impl::resolve(std::shared_ptr<Impl> impl, std::string host)
{
    bool invalid = false;
    if (auto address = numeric_host(host, invalid)) {
        Addresses addresses{*address};
        co_return addresses;
    }
    if (impl->shut_down) {
        Result aborted = failed(net::error::operation_aborted);
        co_return aborted;
    }
    ++impl->stats.lookups;
    if (invalid || host.empty()) {
        ++impl->stats.failures;
        Result bad = failed(trawl::errc::dns_failure);
        co_return bad;
    }

    std::string name = lower_case(std::move(host));
    if (is_localhost(name)) {
        Addresses loopback{net::ip::address_v4::loopback(), net::ip::address_v6::loopback()};
        co_return loopback;
    }
    if (auto answer = impl->cached(name)) {
        ++impl->stats.cache_hits;
        Result hit = answer->error ? failed(answer->error) : Result{std::move(answer->addresses)};
        co_return hit;
    }

    auto waiter = std::make_shared<Waiter>(co_await net::this_coro::executor);
    impl->start_or_join(name, waiter);
    if (!waiter->result) {
        // Completes when the answer cancels the timer, or with
        // operation_aborted when our own caller cancels us.
        co_await waiter->timer.async_wait(net::as_tuple(net::use_awaitable));
    }
    if (!waiter->result) {
        impl->forget(name, waiter);
        Result aborted = failed(net::error::operation_aborted);
        co_return aborted;
    }
    Result result = std::move(*waiter->result);
    co_return result;
}

Resolver::Resolver(net::any_io_executor executor, ResolverOptions options)
    : impl_(std::make_shared<Impl>(std::move(executor), std::move(options)))
{
}

Resolver::~Resolver()
{
    impl_->shutdown();
}

net::awaitable<Result> Resolver::resolve(std::string host)
{
    return Impl::resolve(impl_, std::move(host));
}

Resolver::Stats Resolver::stats() const
{
    return impl_->stats;
}

void Resolver::shutdown()
{
    impl_->shutdown();
}

} // namespace trawl::detail
