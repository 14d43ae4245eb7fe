#include "support/stub_dns_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdio>
#include <exception>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

namespace trawl::testing {
namespace {

namespace net = boost::asio;
using net::ip::tcp;
using net::ip::udp;

constexpr std::uint16_t type_a = 1;
constexpr std::uint16_t type_aaaa = 28;
constexpr std::uint16_t class_in = 1;
constexpr std::uint8_t rcode_formerr = 1;
constexpr std::uint8_t rcode_servfail = 2;
constexpr std::uint8_t rcode_nxdomain = 3;
constexpr std::size_t max_udp_answer = 512;  // no EDNS: RFC 1035's limit
constexpr std::size_t max_tcp_answer = 65535;

std::string lower_case(std::string name)
{
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) {
        return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    });
    return name;
}

std::uint16_t get16(const std::uint8_t* p)
{
    return static_cast<std::uint16_t>(p[0] << 8 | p[1]);
}

void put16(std::vector<std::uint8_t>& out, std::uint16_t v)
{
    out.push_back(static_cast<std::uint8_t>(v >> 8));
    out.push_back(static_cast<std::uint8_t>(v));
}

void put32(std::vector<std::uint8_t>& out, std::uint32_t v)
{
    put16(out, static_cast<std::uint16_t>(v >> 16));
    put16(out, static_cast<std::uint16_t>(v));
}

struct Question {
    std::string name;       // lower case, no trailing dot
    std::size_t end = 0;    // offset just past QTYPE and QCLASS
    std::uint16_t type = 0;
    std::uint16_t klass = 0;
};

// The question at offset 12. Queries never compress their one name, so a
// pointer (or anything else odd) is a format error.
std::optional<Question> parse_question(const std::uint8_t* data, std::size_t size)
{
    Question q;
    std::size_t pos = 12;
    while (true) {
        if (pos >= size) {
            return std::nullopt;
        }
        std::uint8_t length = data[pos++];
        if (length == 0) {
            break;
        }
        if ((length & 0xC0) != 0 || pos + length > size || q.name.size() + length + 1 > 255) {
            return std::nullopt;
        }
        if (!q.name.empty()) {
            q.name += '.';
        }
        q.name.append(reinterpret_cast<const char*>(data + pos), length);
        pos += length;
    }
    if (pos + 4 > size) {
        return std::nullopt;
    }
    q.type = get16(data + pos);
    q.klass = get16(data + pos + 2);
    q.end = pos + 4;
    q.name = lower_case(std::move(q.name));
    return q;
}

// The response header: our answer to query `data`, same ID and opcode,
// recursion desired copied, authoritative, recursion available.
void put_header(std::vector<std::uint8_t>& out, const std::uint8_t* data, std::uint8_t rcode,
                std::uint16_t questions, std::uint16_t answers)
{
    std::uint16_t query_flags = get16(data + 2);
    std::uint16_t flags = 0x8000 | (query_flags & 0x7800) | 0x0400 | (query_flags & 0x0100) | 0x0080 | rcode;
    out.insert(out.end(), data, data + 2);
    put16(out, flags);
    put16(out, questions);
    put16(out, answers);
    put16(out, 0);  // authority
    put16(out, 0);  // additional
}

} // namespace

struct StubDnsServer::Impl {
    struct Record {
        net::ip::address ip;
        std::uint32_t ttl;
    };

    // What to send back, decided under the lock; nullopt = stay silent.
    std::optional<std::vector<std::uint8_t>> answer(const std::uint8_t* data, std::size_t size,
                                                    std::size_t max_size)
    {
        if (size < 12 || (data[2] & 0x80) != 0) {
            return std::nullopt;  // not even a header, or a response
        }
        std::vector<std::uint8_t> out;
        auto question = parse_question(data, size);
        if (!question || get16(data + 4) != 1) {
            put_header(out, data, rcode_formerr, 0, 0);
            return out;
        }

        std::vector<Record> matching;
        std::uint8_t rcode = 0;
        {
            std::lock_guard lock{mutex};
            if (ignored.count(question->name) != 0) {
                return std::nullopt;
            }
            if (failing.count(question->name) != 0) {
                rcode = rcode_servfail;
            } else if (auto it = records.find(question->name); it == records.end()) {
                rcode = rcode_nxdomain;
            } else if (question->klass == class_in) {
                // The name exists: no record of the asked type is NODATA
                // (NOERROR, no answers), not NXDOMAIN.
                for (const auto& record : it->second) {
                    if ((question->type == type_a && record.ip.is_v4())
                        || (question->type == type_aaaa && record.ip.is_v6())) {
                        matching.push_back(record);
                    }
                }
            }
        }

        std::size_t size_left = max_size - question->end;
        std::size_t fitting = 0;
        for (const auto& record : matching) {
            std::size_t rr = 12 + (record.ip.is_v4() ? 4 : 16);
            if (rr > size_left) {
                break;
            }
            size_left -= rr;
            ++fitting;
        }
        put_header(out, data, rcode, 1, static_cast<std::uint16_t>(fitting));
        if (fitting < matching.size()) {
            out[2] |= 0x02;  // TC: the rest did not fit; ask again over TCP
        }
        out.insert(out.end(), data + 12, data + question->end);
        for (std::size_t i = 0; i < fitting; ++i) {
            const auto& record = matching[i];
            put16(out, 0xC00C);  // the name: a pointer to the question's
            put16(out, record.ip.is_v4() ? type_a : type_aaaa);
            put16(out, class_in);
            put32(out, record.ttl);
            if (record.ip.is_v4()) {
                auto bytes = record.ip.to_v4().to_bytes();
                put16(out, static_cast<std::uint16_t>(bytes.size()));
                out.insert(out.end(), bytes.begin(), bytes.end());
            } else {
                auto bytes = record.ip.to_v6().to_bytes();
                put16(out, static_cast<std::uint16_t>(bytes.size()));
                out.insert(out.end(), bytes.begin(), bytes.end());
            }
        }
        return out;
    }

    net::awaitable<void> reply(std::vector<std::uint8_t> packet, udp::endpoint to, std::chrono::milliseconds delay)
    {
        if (delay.count() > 0) {
            net::steady_timer timer{context, delay};
            co_await timer.async_wait(net::as_tuple(net::use_awaitable));
        }
        co_await socket.async_send_to(net::buffer(packet), to, net::as_tuple(net::use_awaitable));
    }

    net::awaitable<void> serve()
    {
        std::array<std::uint8_t, 4096> buffer;
        udp::endpoint from;
        while (true) {
            auto [ec, n] = co_await socket.async_receive_from(net::buffer(buffer), from,
                                                              net::as_tuple(net::use_awaitable));
            if (ec == net::error::operation_aborted) {
                co_return;
            }
            if (ec) {
                continue;
            }
            ++queries;
            auto packet = answer(buffer.data(), n, max_udp_answer);
            if (!packet) {
                continue;
            }
            // Answers go out on their own, so that a slow one does not hold
            // up the queries behind it.
            net::co_spawn(context, reply(std::move(*packet), from, current_delay()), report);
        }
    }

    // DNS over TCP: each message is preceded by its 16-bit length. Answers
    // on one connection go out in order, each after the delay.
    net::awaitable<void> serve_tcp(tcp::socket stream)
    {
        while (true) {
            std::array<std::uint8_t, 2> length;
            auto [ec, n] = co_await net::async_read(stream, net::buffer(length), net::as_tuple(net::use_awaitable));
            if (ec) {
                co_return;
            }
            std::vector<std::uint8_t> query(get16(length.data()));
            std::tie(ec, n) = co_await net::async_read(stream, net::buffer(query), net::as_tuple(net::use_awaitable));
            if (ec) {
                co_return;
            }
            ++queries;
            auto packet = answer(query.data(), query.size(), max_tcp_answer);
            if (!packet) {
                continue;
            }
            if (auto wait = current_delay(); wait.count() > 0) {
                net::steady_timer timer{context, wait};
                co_await timer.async_wait(net::as_tuple(net::use_awaitable));
            }
            std::array<std::uint8_t, 2> prefix{static_cast<std::uint8_t>(packet->size() >> 8),
                                               static_cast<std::uint8_t>(packet->size())};
            std::array<net::const_buffer, 2> message{net::buffer(prefix), net::buffer(*packet)};
            std::tie(ec, n) = co_await net::async_write(stream, message, net::as_tuple(net::use_awaitable));
            if (ec) {
                co_return;
            }
        }
    }

    net::awaitable<void> accept()
    {
        while (true) {
            auto [ec, stream] = co_await acceptor.async_accept(net::as_tuple(net::use_awaitable));
            if (ec == net::error::operation_aborted) {
                co_return;
            }
            if (!ec) {
                net::co_spawn(context, serve_tcp(std::move(stream)), report);
            }
        }
    }

    std::chrono::milliseconds current_delay()
    {
        std::lock_guard lock{mutex};
        return delay;
    }

    // c-ares asks over TCP on the port it used for UDP, so both must get the
    // same number; another program may hold it for TCP, then try again.
    void bind()
    {
        for (int attempt = 0;; ++attempt) {
            socket = udp::socket{context, udp::endpoint{net::ip::address_v4::loopback(), 0}};
            port = socket.local_endpoint().port();
            boost::system::error_code ec;
            acceptor = tcp::acceptor{context};
            acceptor.open(tcp::v4(), ec);
            if (!ec) {
                acceptor.bind(tcp::endpoint{net::ip::address_v4::loopback(), port}, ec);
            }
            if (!ec) {
                acceptor.listen(net::socket_base::max_listen_connections, ec);
            }
            if (!ec) {
                return;
            }
            if (attempt == 20) {
                throw boost::system::system_error(ec, "StubDnsServer: no port free for both UDP and TCP");
            }
        }
    }

    static void report(std::exception_ptr error) noexcept
    {
        if (!error) {
            return;
        }
        try {
            std::rethrow_exception(error);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "StubDnsServer: %s\n", e.what());
        }
    }

    net::io_context context{1};
    udp::socket socket{context};
    tcp::acceptor acceptor{context};
    std::uint16_t port = 0;
    std::atomic<std::uint64_t> queries{0};

    std::mutex mutex;
    std::unordered_map<std::string, std::vector<Record>> records;
    std::unordered_set<std::string> failing;
    std::unordered_set<std::string> ignored;
    std::chrono::milliseconds delay{0};

    std::thread thread;
};

StubDnsServer::StubDnsServer() : impl_(std::make_unique<Impl>())
{
    impl_->bind();
    // Tests send hundreds of queries in one burst; the kernel caps this at
    // net.core.rmem_max, and what still overflows is lost as UDP may be.
    boost::system::error_code ignored;
    impl_->socket.set_option(net::socket_base::receive_buffer_size{4 << 20}, ignored);
    net::co_spawn(impl_->context, impl_->serve(), &Impl::report);
    net::co_spawn(impl_->context, impl_->accept(), &Impl::report);
    impl_->thread = std::thread{[impl = impl_.get()] { impl->context.run(); }};
}

StubDnsServer::~StubDnsServer()
{
    // Pending replies and the receive loop are dropped unrun with the context.
    impl_->context.stop();
    impl_->thread.join();
}

std::uint16_t StubDnsServer::port() const noexcept
{
    return impl_->port;
}

std::string StubDnsServer::address() const
{
    return "127.0.0.1:" + std::to_string(impl_->port);
}

void StubDnsServer::add_record(std::string name, std::string ip, std::uint32_t ttl_seconds)
{
    boost::system::error_code ec;
    auto address = net::ip::make_address(ip, ec);
    if (ec) {
        throw std::invalid_argument("StubDnsServer: not an IP address: " + ip);
    }
    std::lock_guard lock{impl_->mutex};
    impl_->records[lower_case(std::move(name))].push_back(Impl::Record{address, ttl_seconds});
}

void StubDnsServer::fail_name(std::string name)
{
    std::lock_guard lock{impl_->mutex};
    impl_->failing.insert(lower_case(std::move(name)));
}

void StubDnsServer::ignore_name(std::string name)
{
    std::lock_guard lock{impl_->mutex};
    impl_->ignored.insert(lower_case(std::move(name)));
}

void StubDnsServer::set_delay(std::chrono::milliseconds delay)
{
    std::lock_guard lock{impl_->mutex};
    impl_->delay = delay;
}

std::uint64_t StubDnsServer::queries_received() const noexcept
{
    return impl_->queries.load();
}

} // namespace trawl::testing
