#pragma once
// A small bounded map that forgets the least recently used entry. Not
// synchronised: the selector caches are per thread.

#include <cstddef>
#include <list>
#include <string>
#include <unordered_map>
#include <utility>

namespace trawl::detail {

template <typename Value>
class LruCache {
public:
    explicit LruCache(std::size_t capacity) : capacity_(capacity) {}

    /// The cached value for `key` (now the most recent), or nullptr.
    Value* find(const std::string& key)
    {
        const auto it = index_.find(key);
        if (it == index_.end()) {
            return nullptr;
        }
        order_.splice(order_.begin(), order_, it->second);
        return &it->second->second;
    }

    /// Stores `value` under `key` (which must not be cached yet), evicting
    /// the least recently used entry when full.
    Value& insert(std::string key, Value value)
    {
        if (order_.size() >= capacity_) {
            index_.erase(order_.back().first);
            order_.pop_back();
        }
        order_.emplace_front(std::move(key), std::move(value));
        index_.emplace(order_.front().first, order_.begin());
        return order_.front().second;
    }

    std::size_t size() const noexcept { return order_.size(); }

    void clear()
    {
        index_.clear();
        order_.clear();
    }

private:
    using Entry = std::pair<std::string, Value>;
    std::size_t capacity_;
    std::list<Entry> order_; // most recent first
    std::unordered_map<std::string, typename std::list<Entry>::iterator> index_;
};

} // namespace trawl::detail
