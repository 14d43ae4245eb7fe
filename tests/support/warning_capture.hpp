#pragma once
// WarningCapture: the warnings logged while it lives, through spdlog's
// default logger (which every trawl::Logger writes to), for tests that
// check what a crawl reported.

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace trawl::testing {

class WarningCapture {
public:
    WarningCapture() : sink_(std::make_shared<Sink>()), previous_(spdlog::default_logger())
    {
        auto logger = std::make_shared<spdlog::logger>("capture", sink_);
        logger->set_level(spdlog::level::warn);
        spdlog::set_default_logger(std::move(logger));
    }
    ~WarningCapture() { spdlog::set_default_logger(previous_); }
    WarningCapture(const WarningCapture&) = delete;
    WarningCapture& operator=(const WarningCapture&) = delete;

    std::vector<std::string> lines() const
    {
        std::lock_guard lock{sink_->lines_mutex};
        return sink_->lines;
    }

    /// Lines that contain `text`.
    std::size_t count(const std::string& text) const
    {
        std::lock_guard lock{sink_->lines_mutex};
        return static_cast<std::size_t>(std::count_if(sink_->lines.begin(), sink_->lines.end(), [&](const std::string& line) {
            return line.find(text) != std::string::npos;
        }));
    }

private:
    struct Sink final : spdlog::sinks::base_sink<std::mutex> {
        std::mutex lines_mutex;
        std::vector<std::string> lines;

    protected:
        void sink_it_(const spdlog::details::log_msg& msg) override
        {
            std::lock_guard lock{lines_mutex};
            lines.emplace_back(msg.payload.data(), msg.payload.size());
        }
        void flush_() override {}
    };
    std::shared_ptr<Sink> sink_;
    std::shared_ptr<spdlog::logger> previous_;
};

} // namespace trawl::testing
