#pragma once
// Loop-lag samples kept in fixed log-scale buckets: constant memory however
// long the crawl, quantiles within 5% of the exact value (each bucket is 5%
// wider than the one before, from 1 µs up), the maximum exact.

#include <array>
#include <cstddef>
#include <cstdint>

namespace trawl::detail {

class LagHistogram {
public:
    void add(double milliseconds) noexcept;
    std::uint64_t count() const noexcept { return count_; }
    double max() const noexcept { return max_; }
    /// The upper bound of the bucket holding the q-quantile (0 ≤ q ≤ 1),
    /// never above max(); 0 when empty.
    double quantile(double q) const noexcept;

private:
    static constexpr std::size_t bucket_count = 400;  // 1 µs × 1.05^399 ≈ 290 s
    static std::size_t bucket_of(double milliseconds) noexcept;
    static double upper_bound(std::size_t bucket) noexcept;

    std::array<std::uint64_t, bucket_count> buckets_{};
    std::uint64_t count_ = 0;
    double max_ = 0;
};

} // namespace trawl::detail
