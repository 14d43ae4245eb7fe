#pragma once
// The stats collector: named counters and values with Scrapy's names
// ("downloader/response_status_count/200", "item_scraped_count"). Safe to
// use from every thread.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace trawl {

class Stats {
public:
    void inc_value(std::string_view key, std::int64_t count = 1);
    void inc_value(std::string_view key, double amount);
    void set_value(std::string_view key, boost::json::value value);
    /// Keeps the larger / smaller of the current and the given value.
    void max_value(std::string_view key, double value);
    void min_value(std::string_view key, double value);
    std::optional<boost::json::value> get_value(std::string_view key) const;
    /// A number, or `fallback` when missing.
    double get_number(std::string_view key, double fallback = 0) const;
    /// A copy of all stats, keys sorted.
    boost::json::object snapshot() const;
    void clear();

private:
    // Looked up by string_view without building a std::string: stats are
    // bumped several times for every request and response.
    struct KeyHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view key) const noexcept { return std::hash<std::string_view>{}(key); }
    };
    /// The value of `key`, null when it is new (the lock is held).
    boost::json::value& slot(std::string_view key);

    mutable std::mutex mutex_;
    std::unordered_map<std::string, boost::json::value, KeyHash, std::equal_to<>> values_;
};

} // namespace trawl
