#pragma once
// Shared by the crawler-area tests: a crawler around a plain spider, a log
// capture, a manual clock and a bounded io_context pump.

#include <trawl/crawler.hpp>

#include <boost/asio/io_context.hpp>

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace trawl::test {

inline std::unique_ptr<Crawler> make_crawler(Settings settings = {})
{
    auto spider = std::make_unique<Spider>();
    spider->name = "test";
    return std::make_unique<Crawler>(std::move(spider), std::move(settings));
}

/// Records what is logged through spdlog's default logger while it lives.
class LogCapture {
public:
    LogCapture() : sink_(std::make_shared<Sink>()), previous_(spdlog::default_logger())
    {
        auto logger = std::make_shared<spdlog::logger>("capture", sink_);
        logger->set_level(spdlog::level::trace);
        spdlog::set_default_logger(std::move(logger));
    }
    ~LogCapture() { spdlog::set_default_logger(previous_); }
    LogCapture(const LogCapture&) = delete;
    LogCapture& operator=(const LogCapture&) = delete;

    std::vector<std::string> lines() const { return sink_->lines(); }
    bool contains(const std::string& line) const
    {
        const auto all = lines();
        return std::find(all.begin(), all.end(), line) != all.end();
    }

private:
    class Sink final : public spdlog::sinks::base_sink<std::mutex> {
    public:
        std::vector<std::string> lines()
        {
            std::lock_guard lock{mutex_};
            return lines_;
        }

    protected:
        void sink_it_(const spdlog::details::log_msg& msg) override
        {
            lines_.emplace_back(msg.payload.data(), msg.payload.size());
        }
        void flush_() override {}

    private:
        std::vector<std::string> lines_;
    };

    std::shared_ptr<Sink> sink_;
    std::shared_ptr<spdlog::logger> previous_;
};

class ManualClock final : public Clock {
public:
    time_point now() const override { return now_; }
    void advance(std::chrono::nanoseconds by) { now_ += by; }

private:
    time_point now_{};
};

/// Runs handlers until `done()` or `limit` passes; false on timeout.
template <class Done>
bool run_until(boost::asio::io_context& context, Done done,
               std::chrono::milliseconds limit = std::chrono::seconds(5))
{
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done()) {
        if (std::chrono::steady_clock::now() >= deadline) {
            return false;
        }
        if (context.stopped()) {
            context.restart();
        }
        context.run_one_for(std::chrono::milliseconds(10));
    }
    return true;
}

/// Records each close_spider() the crawler passes on to its engine.
struct CloseCalls {
    explicit CloseCalls(Crawler& crawler)
    {
        crawler.set_close_handler([this](std::string reason, bool at_once) {
            std::lock_guard lock{mutex};
            calls.emplace_back(std::move(reason), at_once);
        });
    }
    std::vector<std::pair<std::string, bool>> get() const
    {
        std::lock_guard lock{mutex};
        return calls;
    }
    mutable std::mutex mutex;
    std::vector<std::pair<std::string, bool>> calls;
};

} // namespace trawl::test
