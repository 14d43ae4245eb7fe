// The loop-lag histogram: quantiles within 5% of the exact ones, exact
// maximum, constant memory.

#include "engine/lag_histogram.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace trawl::detail {
namespace {

double exact_quantile(std::vector<double> samples, double q)
{
    std::sort(samples.begin(), samples.end());
    const auto rank = std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(q * samples.size())));
    return samples[rank - 1];
}

TEST(LagHistogram, EmptyHasNoQuantiles)
{
    LagHistogram histogram;
    EXPECT_EQ(histogram.count(), 0u);
    EXPECT_EQ(histogram.quantile(0.99), 0.0);
    EXPECT_EQ(histogram.max(), 0.0);
}

TEST(LagHistogram, QuantilesAreWithinFivePercentAndTheMaxIsExact)
{
    std::mt19937 random{42};
    std::lognormal_distribution<double> lag{-1.0, 1.5};  // mostly well under 1 ms, a long tail
    std::vector<double> samples;
    LagHistogram histogram;
    for (int i = 0; i < 100'000; ++i) {
        const double ms = lag(random);
        samples.push_back(ms);
        histogram.add(ms);
    }
    EXPECT_EQ(histogram.count(), samples.size());
    EXPECT_EQ(histogram.max(), *std::max_element(samples.begin(), samples.end()));
    for (double q : {0.5, 0.9, 0.99, 0.999}) {
        const double exact = exact_quantile(samples, q);
        EXPECT_GE(histogram.quantile(q), exact) << q;
        EXPECT_LE(histogram.quantile(q), exact * 1.05) << q;
    }
}

TEST(LagHistogram, OneSlowProbeIsTheTailNotTheMedian)
{
    LagHistogram histogram;
    for (int i = 0; i < 199; ++i) {
        histogram.add(0.2);
    }
    histogram.add(40.0);
    EXPECT_LE(histogram.quantile(0.5), 0.21);
    EXPECT_LE(histogram.quantile(0.99), 0.21);  // 1 sample in 200 is above p99.5
    EXPECT_EQ(histogram.quantile(1.0), 40.0);
    EXPECT_EQ(histogram.max(), 40.0);
}

TEST(LagHistogram, OutOfRangeSamplesAreKept)
{
    LagHistogram histogram;
    histogram.add(0.0);
    histogram.add(-1.0);        // a clock that went backwards: counted as no lag
    histogram.add(1'000'000.0); // beyond the last bucket: clamped there, max exact
    EXPECT_EQ(histogram.count(), 3u);
    EXPECT_EQ(histogram.max(), 1'000'000.0);
    EXPECT_EQ(histogram.quantile(1.0), 1'000'000.0);
    EXPECT_LE(histogram.quantile(0.5), 0.001);
}

} // namespace
} // namespace trawl::detail
