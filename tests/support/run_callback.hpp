#pragma once
// run_callback(): drives a spider callback to its end on the calling
// thread, without an engine, and returns everything it yielded; rethrows
// what it threw. For callbacks that do not await (no fetch or sleep).

#include <trawl/callback.hpp>

#include <exception>
#include <vector>

namespace trawl::testing {

inline std::vector<Output> run_callback(Callback callback)
{
    std::vector<Output> out;
    while (!callback.done()) {
        callback.resume();
        for (auto& element : callback.take_output()) {
            out.push_back(std::move(element));
        }
        if (callback.promise().error) {
            std::rethrow_exception(callback.promise().error);
        }
    }
    return out;
}

} // namespace trawl::testing
