#include "dns/dns_cache.hpp"

namespace trawl::detail {

std::optional<DnsCache::Answer> DnsCache::find(const std::string& name, Clock::time_point now)
{
    auto it = index_.find(name);
    if (it == index_.end()) {
        return std::nullopt;
    }
    auto entry = it->second;
    if (entry->expires <= now) {
        entries_.erase(entry);
        index_.erase(it);
        return std::nullopt;
    }
    entries_.splice(entries_.begin(), entries_, entry);
    return entry->answer;
}

void DnsCache::insert(const std::string& name, Answer answer, Clock::time_point expires)
{
    if (capacity_ == 0) {
        return;
    }
    if (auto it = index_.find(name); it != index_.end()) {
        it->second->answer = std::move(answer);
        it->second->expires = expires;
        entries_.splice(entries_.begin(), entries_, it->second);
        return;
    }
    if (index_.size() >= capacity_) {
        index_.erase(entries_.back().name);
        entries_.pop_back();
    }
    entries_.push_front(Entry{name, std::move(answer), expires});
    index_.emplace(name, entries_.begin());
}

void DnsCache::clear() noexcept
{
    index_.clear();
    entries_.clear();
}

} // namespace trawl::detail
