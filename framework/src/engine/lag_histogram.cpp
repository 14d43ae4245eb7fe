#include "engine/lag_histogram.hpp"

#include <algorithm>
#include <cmath>

namespace trawl::detail {

namespace {
constexpr double smallest_ms = 0.001;
constexpr double growth = 1.05;
} // namespace

std::size_t LagHistogram::bucket_of(double milliseconds) noexcept
{
    if (!(milliseconds > smallest_ms)) {  // also catches NaN
        return 0;
    }
    const double index = std::ceil(std::log(milliseconds / smallest_ms) / std::log(growth));
    return std::min(static_cast<std::size_t>(index), bucket_count - 1);
}

double LagHistogram::upper_bound(std::size_t bucket) noexcept
{
    return smallest_ms * std::pow(growth, static_cast<double>(bucket));
}

void LagHistogram::add(double milliseconds) noexcept
{
    ++buckets_[bucket_of(milliseconds)];
    ++count_;
    max_ = std::max(max_, milliseconds);
}

double LagHistogram::quantile(double q) const noexcept
{
    if (count_ == 0) {
        return 0;
    }
    // The smallest bucket with at least ceil(q × count) samples at or below it.
    const auto rank = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(count_))));
    if (rank >= count_) {
        return max_;
    }
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i + 1 < bucket_count; ++i) {
        seen += buckets_[i];
        if (seen >= rank) {
            return std::min(upper_bound(i), max_);
        }
    }
    return max_;  // in the last, open-ended bucket
}

} // namespace trawl::detail
