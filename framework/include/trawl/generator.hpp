#pragma once
// A minimal synchronous generator (C++20 has no std::generator): a
// coroutine that co_yields values pulled one at a time. Spider::start_requests
// returns one, so a spider with a million start URLs costs one at a time.

#include <coroutine>
#include <exception>
#include <optional>
#include <utility>

namespace trawl {

template <class T>
class Generator {
public:
    struct promise_type {
        std::optional<T> current;
        std::exception_ptr error;

        Generator get_return_object() { return Generator{std::coroutine_handle<promise_type>::from_promise(*this)}; }
        std::suspend_always initial_suspend() noexcept { return {}; }
        std::suspend_always final_suspend() noexcept { return {}; }
        std::suspend_always yield_value(T value)
        {
            current = std::move(value);
            return {};
        }
        void return_void() noexcept {}
        void unhandled_exception() noexcept { error = std::current_exception(); }
    };

    Generator() = default;
    explicit Generator(std::coroutine_handle<promise_type> handle) : handle_(handle) {}
    Generator(Generator&& other) noexcept : handle_(std::exchange(other.handle_, {})) {}
    Generator& operator=(Generator&& other) noexcept
    {
        if (this != &other) {
            if (handle_) {
                handle_.destroy();
            }
            handle_ = std::exchange(other.handle_, {});
        }
        return *this;
    }
    ~Generator()
    {
        if (handle_) {
            handle_.destroy();
        }
    }

    /// The next value, or nullopt when the generator is done. Rethrows an
    /// exception the generator body threw.
    std::optional<T> next()
    {
        if (!handle_ || handle_.done()) {
            return std::nullopt;
        }
        handle_.resume();
        auto& promise = handle_.promise();
        if (promise.error) {
            std::rethrow_exception(std::exchange(promise.error, {}));
        }
        if (handle_.done()) {
            return std::nullopt;
        }
        return std::exchange(promise.current, std::nullopt);
    }

private:
    std::coroutine_handle<promise_type> handle_;
};

} // namespace trawl
