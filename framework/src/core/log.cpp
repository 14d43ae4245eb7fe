#include <trawl/log.hpp>

#include <spdlog/sinks/sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>
#include <string>

namespace trawl {

namespace {

spdlog::level::level_enum to_spdlog(LogLevel level) noexcept
{
    switch (level) {
    case LogLevel::debug: return spdlog::level::debug;
    case LogLevel::info: return spdlog::level::info;
    case LogLevel::warning: return spdlog::level::warn;
    case LogLevel::error: return spdlog::level::err;
    case LogLevel::critical: return spdlog::level::critical;
    case LogLevel::off: break;
    }
    return spdlog::level::off;
}

} // namespace

LogLevel parse_log_level(std::string_view name)
{
    std::string lower(name);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (lower == "debug") return LogLevel::debug;
    if (lower == "info") return LogLevel::info;
    if (lower == "warning" || lower == "warn") return LogLevel::warning;
    if (lower == "error") return LogLevel::error;
    if (lower == "critical") return LogLevel::critical;
    throw std::invalid_argument("unknown log level '" + std::string(name) +
                                "'; use CRITICAL, ERROR, WARNING, INFO or DEBUG");
}

// The level and the sinks are those of spdlog's default logger, the one
// configure_logging() installs: a component's messages and spdlog's own
// free functions go to the same place, filtered the same way.
bool Logger::enabled(LogLevel level) noexcept
{
    return spdlog::default_logger_raw()->should_log(to_spdlog(level));
}

void set_log_level(LogLevel level)
{
    spdlog::default_logger_raw()->set_level(to_spdlog(level));
}

void Logger::write(LogLevel level, std::string_view message) const
{
    auto* base = spdlog::default_logger_raw();
    const spdlog::details::log_msg msg(name_, to_spdlog(level), message);
    // Logging must never throw into the component that logs: a full disk
    // loses the line, not the crawl.
    try {
        for (const auto& sink : base->sinks()) {
            if (sink->should_log(msg.level)) {
                sink->log(msg);
            }
        }
        if (msg.level >= base->flush_level()) {
            for (const auto& sink : base->sinks()) {
                sink->flush();
            }
        }
    } catch (const std::exception&) {
    }
}

} // namespace trawl
