#pragma once
// A Clock the test moves by hand, so that delays are checked without sleeping.

#include <trawl/crawler.hpp>

#include <chrono>

namespace trawl::testing {

class ManualClock final : public Clock {
public:
    time_point now() const override { return now_; }
    void advance(std::chrono::nanoseconds step) { now_ += step; }

private:
    // Far from the epoch, so that "a minute ago" is a valid time.
    time_point now_{std::chrono::hours{1000}};
};

} // namespace trawl::testing
