#pragma once
// The resolver's answer cache: positive and negative answers, each with its
// own expiry, bounded by a least-recently-used limit (Scrapy's DNSCACHE_SIZE).

#include <boost/asio/ip/address.hpp>
#include <boost/system/error_code.hpp>

#include <chrono>
#include <cstddef>
#include <list>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace trawl::detail {

class DnsCache {
public:
    using Clock = std::chrono::steady_clock;

    /// An answer: addresses, or the error it failed with (dns_not_found).
    struct Answer {
        boost::system::error_code error;
        std::vector<boost::asio::ip::address> addresses;
    };

    /// Keeps at most `capacity` names (0 keeps none).
    explicit DnsCache(std::size_t capacity) : capacity_(capacity) {}

    /// The answer for `name` if it has not expired by `now`; a hit makes it
    /// the most recently used, an expired entry is dropped.
    std::optional<Answer> find(const std::string& name, Clock::time_point now);

    /// Stores (or replaces) the answer for `name` until `expires`, evicting
    /// the least recently used name when full.
    void insert(const std::string& name, Answer answer, Clock::time_point expires);

    void clear() noexcept;
    std::size_t size() const noexcept { return index_.size(); }

private:
    struct Entry {
        std::string name;
        Answer answer;
        Clock::time_point expires;
    };
    using List = std::list<Entry>;

    std::size_t capacity_;
    List entries_;  // most recently used first
    std::unordered_map<std::string, List::iterator> index_;
};

} // namespace trawl::detail
