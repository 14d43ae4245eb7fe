#pragma once
// trawl::Callback: the return type of a spider callback. A callback is a
// coroutine that
//   co_yield an Item or a Request           (output, in order)
//   co_await response.fetch(...)            (a sub-request; gives a DownloadResult)
//   co_await trawl::sleep(duration)         (a timer)
//
// Threads. The engine resumes a callback on the parse pool and runs it
// until it awaits, finishes, or has yielded `output_batch_limit` values;
// the loop thread then takes the output and performs the awaited
// operation. Yielding does not suspend (and costs no thread hop) until the
// batch is full, so a callback that yields 20 links and an item runs
// straight through. Callbacks of one spider run concurrently on the pool:
// see Spider for what that means for spider members.
//
// g++ 12 miscompiles `co_yield Aggregate{...}` (a braced temporary) in a
// coroutine. Item and Request are not aggregates (they have constructors),
// and yield_value takes them by value, so `co_yield std::move(item)`,
// `co_yield response.follow(url)` and `co_yield trawl::Item{"kind"}` are all
// safe; tests build and run each form under ASan. A braced initializer list
// nested inside the co_yield expression (`co_yield Item{"k", json::object{{"a", 1}}}`)
// is rejected by g++ 12 ("array used as initializer"): name the object first.

#include <trawl/download_result.hpp>
#include <trawl/item.hpp>
#include <trawl/request.hpp>

#include <chrono>
#include <coroutine>
#include <exception>
#include <optional>
#include <utility>
#include <variant>
#include <vector>

namespace trawl {

/// One value a callback yields.
using Output = std::variant<Item, Request>;

/// What a suspended callback waits for; the engine performs it on the loop.
struct FetchOperation {
    Request request;
};
struct SleepOperation {
    std::chrono::nanoseconds duration;
};

/// `co_await trawl::sleep(500ms)` inside a callback.
inline SleepOperation sleep(std::chrono::nanoseconds duration) { return SleepOperation{duration}; }

class Callback {
public:
    /// Values yielded before the callback is handed back to the loop.
    static constexpr std::size_t output_batch_limit = 256;

    struct promise_type {
        std::vector<Output> output;
        std::exception_ptr error;
        std::variant<std::monostate, FetchOperation, SleepOperation> pending;
        std::optional<DownloadResult> fetch_result;

        Callback get_return_object() { return Callback{std::coroutine_handle<promise_type>::from_promise(*this)}; }
        std::suspend_always initial_suspend() noexcept { return {}; }  // the engine starts it
        std::suspend_always final_suspend() noexcept { return {}; }
        void return_void() noexcept {}
        void unhandled_exception() noexcept { error = std::current_exception(); }

        struct YieldAwaiter {
            bool batch_full;
            bool await_ready() const noexcept { return !batch_full; }
            void await_suspend(std::coroutine_handle<>) const noexcept {}
            void await_resume() const noexcept {}
        };
        YieldAwaiter yield_value(Item item)
        {
            output.emplace_back(std::move(item));
            return YieldAwaiter{output.size() >= output_batch_limit};
        }
        YieldAwaiter yield_value(Request request)
        {
            output.emplace_back(std::move(request));
            return YieldAwaiter{output.size() >= output_batch_limit};
        }

        struct FetchAwaiter {
            promise_type& promise;
            bool await_ready() const noexcept { return false; }
            void await_suspend(std::coroutine_handle<>) const noexcept {}
            DownloadResult await_resume() const
            {
                auto result = std::move(*promise.fetch_result);
                promise.fetch_result.reset();
                return result;
            }
        };
        FetchAwaiter await_transform(FetchOperation operation)
        {
            pending = std::move(operation);
            return FetchAwaiter{*this};
        }

        struct SleepAwaiter {
            bool await_ready() const noexcept { return false; }
            void await_suspend(std::coroutine_handle<>) const noexcept {}
            void await_resume() const noexcept {}
        };
        SleepAwaiter await_transform(SleepOperation operation)
        {
            pending = operation;
            return SleepAwaiter{};
        }
    };

    using Handle = std::coroutine_handle<promise_type>;

    Callback() = default;
    explicit Callback(Handle handle) : handle_(handle) {}
    Callback(Callback&& other) noexcept : handle_(std::exchange(other.handle_, {})) {}
    Callback& operator=(Callback&& other) noexcept
    {
        if (this != &other) {
            reset();
            handle_ = std::exchange(other.handle_, {});
        }
        return *this;
    }
    ~Callback() { reset(); }

    /// Runs the callback until it awaits, finishes, or fills a batch.
    void resume() { handle_.resume(); }
    bool done() const noexcept { return !handle_ || handle_.done(); }
    bool valid() const noexcept { return static_cast<bool>(handle_); }
    promise_type& promise() const noexcept { return handle_.promise(); }

    /// Takes what was yielded since the last call, in order.
    std::vector<Output> take_output() { return std::exchange(handle_.promise().output, {}); }

private:
    void reset() noexcept
    {
        if (handle_) {
            handle_.destroy();  // destroys the locals of a callback cut short
            handle_ = {};
        }
    }
    Handle handle_;
};

} // namespace trawl
