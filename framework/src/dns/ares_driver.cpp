#include "dns/ares_driver.hpp"

#include <trawl/error.hpp>

#include <boost/asio/error.hpp>
#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/ip/address_v6.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>

#include <ares.h>
#include <netinet/in.h>
#include <poll.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <stdexcept>

namespace trawl::detail {
namespace {

namespace net = boost::asio;
using boost::system::error_code;

void init_library_once()
{
    static std::once_flag once;
    static int status = ARES_SUCCESS;
    // Never cleaned up: other channels (or other threads' resolvers) may
    // still use the library when any one of them goes away.
    std::call_once(once, [] { status = ares_library_init(ARES_LIB_INIT_ALL); });
    if (status != ARES_SUCCESS) {
        throw std::runtime_error(std::string{"c-ares initialisation failed: "} + ares_strerror(status));
    }
}

// The epoll reactor is edge-triggered, and c-ares does not always drain a
// socket: it reads one piece of a TCP answer per call and stops reading UDP
// at a datagram from the wrong address. Whatever it leaves behind would
// never be reported again, so check before waiting for the next edge.
bool ready_now(int fd, short events)
{
    pollfd p{fd, events, 0};
    return ::poll(&p, 1, 0) > 0 && (p.revents & (events | POLLERR | POLLHUP)) != 0;
}

struct AddrinfoDeleter {
    void operator()(ares_addrinfo* ai) const noexcept { ares_freeaddrinfo(ai); }
};

error_code map_status(int status)
{
    switch (status) {
    case ARES_SUCCESS: return {};
    case ARES_ENOTFOUND:
    case ARES_ENODATA: return trawl::errc::dns_not_found;
    case ARES_ECANCELLED:
    case ARES_EDESTRUCTION: return net::error::operation_aborted;
    default: return trawl::errc::dns_failure;
    }
}

LookupResult to_result(int status, const ares_addrinfo* ai)
{
    LookupResult result;
    result.error = map_status(status);
    if (result.error || ai == nullptr) {
        if (!result.error) {
            result.error = trawl::errc::dns_not_found;
        }
        return result;
    }

    std::vector<net::ip::address> v6;
    int ttl = -1;
    auto add = [](std::vector<net::ip::address>& to, const net::ip::address& address) {
        if (std::find(to.begin(), to.end(), address) == to.end()) {
            to.push_back(address);
        }
    };
    for (const ares_addrinfo_node* node = ai->nodes; node != nullptr; node = node->ai_next) {
        if (node->ai_family == AF_INET && node->ai_addrlen >= sizeof(sockaddr_in)) {
            sockaddr_in sin{};
            std::memcpy(&sin, node->ai_addr, sizeof sin);
            add(result.addresses, net::ip::address_v4{ntohl(sin.sin_addr.s_addr)});
        } else if (node->ai_family == AF_INET6 && node->ai_addrlen >= sizeof(sockaddr_in6)) {
            sockaddr_in6 sin6{};
            std::memcpy(&sin6, node->ai_addr, sizeof sin6);
            net::ip::address_v6::bytes_type bytes;
            std::memcpy(bytes.data(), &sin6.sin6_addr, bytes.size());
            add(v6, net::ip::address_v6{bytes, sin6.sin6_scope_id});
        } else {
            continue;
        }
        ttl = ttl < 0 ? node->ai_ttl : std::min(ttl, node->ai_ttl);
    }
    // An alias is only as fresh as the CNAME record that led to it.
    for (const ares_addrinfo_cname* cname = ai->cnames; cname != nullptr; cname = cname->next) {
        ttl = std::min(ttl, cname->ttl);
    }
    result.addresses.insert(result.addresses.end(), v6.begin(), v6.end());
    if (result.addresses.empty()) {
        result.error = trawl::errc::dns_not_found;
    }
    result.ttl = std::chrono::seconds{std::max(ttl, 0)};
    return result;
}

} // namespace

// The C callbacks c-ares calls; a friend, to reach the driver's privates.
struct AresCallbacks {
    struct Lookup {
        AresDriver* driver;
        std::shared_ptr<LookupCallback> callback;
    };

    static void on_socket_state(void* data, ares_socket_t fd, int readable, int writable) noexcept
    {
        static_cast<AresDriver*>(data)->on_socket_state(fd, readable != 0, writable != 0);
    }

    // c-ares calls this exactly once per ares_getaddrinfo(), including when
    // the channel is cancelled or destroyed.
    static void on_addrinfo(void* arg, int status, int /*timeouts*/, ares_addrinfo* ai) noexcept
    {
        std::unique_ptr<Lookup> lookup{static_cast<Lookup*>(arg)};
        std::unique_ptr<ares_addrinfo, AddrinfoDeleter> owned{ai};
        LookupResult result = to_result(status, ai);
        // A close() cancels queries, but an answer half-received by then
        // (A without AAAA) would still be reported as a success.
        if (lookup->driver->closing_) {
            result = LookupResult{};
            result.error = net::error::operation_aborted;
        }
        lookup->callback->on_lookup(std::move(result));
    }
};

struct AresDriver::SocketWatcher {
    SocketWatcher(const net::any_io_executor& executor, int fd) : descriptor(executor), fd(fd)
    {
        error_code ec;
        descriptor.assign(fd, ec);
        open = !ec;
    }
    ~SocketWatcher() { release(); }
    SocketWatcher(const SocketWatcher&) = delete;
    SocketWatcher& operator=(const SocketWatcher&) = delete;

    // c-ares owns the socket: take it out of the reactor (which aborts our
    // waits) but never let Asio close it.
    void release() noexcept
    {
        open = false;
        if (descriptor.is_open()) {
            descriptor.release();
        }
    }

    net::posix::stream_descriptor descriptor;
    int fd;
    bool open = false;
    bool wanted[2] = {false, false};   // by c-ares, per Direction
    bool waiting[2] = {false, false};  // a wait (or posted retry) is outstanding
};

void AresDriver::ChannelDeleter::operator()(ares_channeldata* channel) const noexcept
{
    ares_destroy(channel);
}

std::shared_ptr<AresDriver> AresDriver::create(net::any_io_executor executor, const ResolverOptions& options)
{
    std::shared_ptr<AresDriver> driver{new AresDriver(std::move(executor), options)};
    driver->init_channel(options);
    return driver;
}

AresDriver::AresDriver(net::any_io_executor executor, const ResolverOptions& options)
    : executor_(std::move(executor)), timer_(executor_)
{
    if (options.timeout.count() <= 0) {
        throw std::invalid_argument("DNS timeout must be positive");
    }
    if (options.tries < 1) {
        throw std::invalid_argument("DNS tries must be at least 1");
    }
}

void AresDriver::init_channel(const ResolverOptions& options)
{
    init_library_once();

    ares_options opts{};
    int mask = ARES_OPT_SOCK_STATE_CB | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_LOOKUPS
             | ARES_OPT_SOCK_RCVBUF;
    opts.sock_state_cb = &AresCallbacks::on_socket_state;
    opts.sock_state_cb_data = this;
    opts.timeout = static_cast<int>(std::min<std::chrono::milliseconds::rep>(options.timeout.count(), 1 << 30));
    opts.tries = options.tries;
    // Room for bursts of answers; the kernel caps it at net.core.rmem_max.
    opts.socket_receive_buffer_size = 1 << 20;
    std::string lookups = options.use_hosts_file ? "fb" : "b";  // c-ares copies it
    opts.lookups = lookups.data();
    if (!options.servers.empty()) {
        // resolv.conf's search list belongs to resolv.conf's servers: with
        // servers of our own, names are looked up as given.
        mask |= ARES_OPT_DOMAINS;
        opts.domains = nullptr;
        opts.ndomains = 0;
    }

    ares_channel channel = nullptr;
    if (int status = ares_init_options(&channel, &opts, mask); status != ARES_SUCCESS) {
        throw std::runtime_error(std::string{"c-ares channel: "} + ares_strerror(status));
    }
    channel_.reset(channel);

    if (!options.servers.empty()) {
        std::string csv;
        for (const auto& server : options.servers) {
            if (!csv.empty()) {
                csv += ',';
            }
            csv += server;
        }
        if (int status = ares_set_servers_ports_csv(channel, csv.c_str()); status != ARES_SUCCESS) {
            throw std::invalid_argument("bad DNS servers \"" + csv + "\": " + ares_strerror(status));
        }
    }
}

AresDriver::~AresDriver()
{
    close();
}

void AresDriver::getaddrinfo(const std::string& name, std::shared_ptr<LookupCallback> callback)
{
    if (!channel_) {
        LookupResult result;
        result.error = net::error::operation_aborted;
        callback->on_lookup(std::move(result));
        return;
    }
    ares_addrinfo_hints hints{};
    hints.ai_family = AF_UNSPEC;
    // The Resolver orders the addresses itself; c-ares' RFC 6724 sort would
    // also connect() a probe socket per address.
    hints.ai_flags = ARES_AI_NOSORT;
    auto* lookup = new AresCallbacks::Lookup{this, std::move(callback)};
    ares_getaddrinfo(channel_.get(), name.c_str(), nullptr, &hints, &AresCallbacks::on_addrinfo, lookup);
    drain_readable();
    arm_timer();
}

void AresDriver::drain_readable()
{
    // A burst of lookups started in one turn of the event loop (an engine
    // opening 200 downloads) sends its queries before the loop gets back to
    // epoll; answers pile up meanwhile, and past the socket's receive buffer
    // (about 256 of them by default) the kernel drops them, which costs a
    // full timeout each. Reading what is already there as we go prevents
    // that, for one poll() per lookup.
    std::vector<std::shared_ptr<SocketWatcher>> readable;
    for (const auto& [fd, watcher] : watchers_) {
        if (watcher->open && watcher->wanted[read] && ready_now(fd, POLLIN)) {
            readable.push_back(watcher);
        }
    }
    for (const auto& watcher : readable) {
        // An earlier one's processing may have closed this socket.
        if (channel_ && watcher->open) {
            ares_process_fd(channel_.get(), watcher->fd, ARES_SOCKET_BAD);
        }
    }
}

void AresDriver::close()
{
    if (!channel_ || closing_) {
        return;
    }
    closing_ = true;
    // 1. Fail every lookup now, while the channel still exists.
    ares_cancel(channel_.get());
    // 2. ares_destroy() reports each socket as closing before it closes it,
    //    so on_socket_state() releases it from Asio first.
    channel_.reset();
    // 3. Anything c-ares did not report (it should have) must still never be
    //    closed by Asio.
    for (auto& [fd, watcher] : watchers_) {
        watcher->release();
    }
    watchers_.clear();
    timer_.cancel();
}

void AresDriver::on_socket_state(int fd, bool readable, bool writable)
{
    auto it = watchers_.find(fd);
    if (!readable && !writable) {
        if (it != watchers_.end()) {
            it->second->release();
            watchers_.erase(it);
        }
        return;
    }
    if (closing_) {
        return;
    }
    if (it == watchers_.end()) {
        it = watchers_.emplace(fd, std::make_shared<SocketWatcher>(executor_, fd)).first;
    }
    const auto& watcher = it->second;
    watcher->wanted[read] = readable;
    watcher->wanted[write] = writable;
    watch(watcher, read, false);
    watch(watcher, write, false);
}

void AresDriver::watch(const std::shared_ptr<SocketWatcher>& watcher, Direction direction, bool ready_now)
{
    if (!watcher->open || !watcher->wanted[direction] || watcher->waiting[direction]) {
        return;
    }
    watcher->waiting[direction] = true;
    auto handler = [self = weak_from_this(), watcher, direction](const error_code& ec) {
        watcher->waiting[direction] = false;
        // Aborted: released (c-ares closed the socket, or close()). Another
        // error would repeat forever; c-ares' timeouts will retry instead.
        if (ec || !watcher->open) {
            return;
        }
        if (auto driver = self.lock()) {
            driver->on_socket_ready(watcher, direction);
        }
    };
    if (ready_now) {
        net::post(executor_, [handler = std::move(handler)]() mutable { handler(error_code{}); });
    } else {
        watcher->descriptor.async_wait(direction == read ? net::posix::descriptor_base::wait_read
                                                         : net::posix::descriptor_base::wait_write,
                                       std::move(handler));
    }
}

void AresDriver::on_socket_ready(const std::shared_ptr<SocketWatcher>& watcher, Direction direction)
{
    if (!channel_) {
        return;
    }
    if (watcher->wanted[direction]) {
        ares_process_fd(channel_.get(), direction == read ? watcher->fd : ARES_SOCKET_BAD,
                        direction == write ? watcher->fd : ARES_SOCKET_BAD);
    }
    // c-ares may have closed this socket (and even opened another under the
    // same number, which has its own watcher) during the call.
    if (watcher->open && watcher->wanted[direction]) {
        watch(watcher, direction, ready_now(watcher->fd, direction == read ? POLLIN : POLLOUT));
    }
    arm_timer();
}

void AresDriver::arm_timer()
{
    if (!channel_) {
        return;
    }
    timeval tv{};
    if (ares_timeout(channel_.get(), nullptr, &tv) == nullptr) {
        timer_.cancel();  // nothing pending
        return;
    }
    timer_.expires_after(std::chrono::seconds{tv.tv_sec} + std::chrono::microseconds{tv.tv_usec});
    timer_.async_wait([self = weak_from_this()](const error_code& ec) {
        if (ec) {
            return;  // re-armed or closed
        }
        if (auto driver = self.lock()) {
            driver->on_timer();
        }
    });
}

void AresDriver::on_timer()
{
    if (!channel_) {
        return;
    }
    // No socket given: c-ares only processes the queries whose time is up.
    ares_process_fd(channel_.get(), ARES_SOCKET_BAD, ARES_SOCKET_BAD);
    arm_timer();
}

} // namespace trawl::detail
