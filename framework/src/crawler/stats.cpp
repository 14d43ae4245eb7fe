#include <trawl/stats.hpp>

#include <algorithm>
#include <vector>

namespace trawl {

namespace {
double as_number(const boost::json::value& v)
{
    return v.is_number() ? v.to_number<double>() : 0.0;
}
} // namespace

boost::json::value& Stats::slot(std::string_view key)
{
    if (auto it = values_.find(key); it != values_.end()) {
        return it->second;
    }
    return values_.emplace(std::string(key), nullptr).first->second;
}

void Stats::inc_value(std::string_view key, std::int64_t count)
{
    std::lock_guard lock{mutex_};
    auto& value = slot(key);
    if (value.is_int64()) {
        value.as_int64() += count;
    } else if (value.is_double()) {
        value.as_double() += static_cast<double>(count);
    } else {
        value = count;
    }
}

void Stats::inc_value(std::string_view key, double amount)
{
    std::lock_guard lock{mutex_};
    auto& value = slot(key);
    value = as_number(value) + amount;
}

void Stats::set_value(std::string_view key, boost::json::value value)
{
    std::lock_guard lock{mutex_};
    slot(key) = std::move(value);
}

void Stats::max_value(std::string_view key, double value)
{
    std::lock_guard lock{mutex_};
    auto it = values_.find(key);
    if (it == values_.end() || as_number(it->second) < value) {
        slot(key) = value;
    }
}

void Stats::min_value(std::string_view key, double value)
{
    std::lock_guard lock{mutex_};
    auto it = values_.find(key);
    if (it == values_.end() || as_number(it->second) > value) {
        slot(key) = value;
    }
}

std::optional<boost::json::value> Stats::get_value(std::string_view key) const
{
    std::lock_guard lock{mutex_};
    if (auto it = values_.find(key); it != values_.end()) {
        return it->second;
    }
    return std::nullopt;
}

double Stats::get_number(std::string_view key, double fallback) const
{
    std::lock_guard lock{mutex_};
    auto it = values_.find(key);
    return it != values_.end() && it->second.is_number() ? it->second.to_number<double>() : fallback;
}

boost::json::object Stats::snapshot() const
{
    std::vector<std::pair<std::string, boost::json::value>> sorted;
    {
        std::lock_guard lock{mutex_};
        for (const auto& [key, value] : values_) {
            sorted.emplace_back(std::string(key), value);
        }
    }
    std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    boost::json::object out;
    for (auto& [key, value] : sorted) {
        out[key] = std::move(value);
    }
    return out;
}

void Stats::clear()
{
    std::lock_guard lock{mutex_};
    values_.clear();
}

} // namespace trawl
