#pragma once
// Logging. Every component logs through a trawl::Logger named after it
// ("trawl.core.engine", "trawl.downloadermiddlewares.retry", a spider's
// name), as Scrapy's components each have a Python logger. All loggers
// write through the process's one set of sinks, which configure_logging()
// sets up from LOG_ENABLED, LOG_LEVEL, LOG_FILE, LOG_FILE_APPEND,
// LOG_FORMAT and LOG_DATEFORMAT. Safe to use from every thread.
//
//   const trawl::Logger logger{"myproject.pipelines.prices"};
//   logger.warning("price missing in <{}>", url);
//
// A message below the configured level costs one atomic load: its
// arguments are not formatted.

#include <fmt/format.h>

#include <string>
#include <string_view>
#include <utility>

namespace trawl {

class Settings;

enum class LogLevel { debug, info, warning, error, critical, off };

/// "DEBUG", "INFO", "WARNING" (or "WARN"), "ERROR", "CRITICAL", any case.
/// Throws std::invalid_argument naming the accepted levels.
LogLevel parse_log_level(std::string_view name);

/// The level below which messages are dropped, for every logger.
/// configure_logging() sets it from LOG_LEVEL.
void set_log_level(LogLevel level);

class Logger {
public:
    explicit Logger(std::string name) : name_(std::move(name)) {}

    const std::string& name() const noexcept { return name_; }
    /// Whether a message at `level` would be written anywhere.
    static bool enabled(LogLevel level) noexcept;

    template <class... Args>
    void debug(fmt::format_string<Args...> format, Args&&... args) const
    {
        log(LogLevel::debug, format, std::forward<Args>(args)...);
    }
    template <class... Args>
    void info(fmt::format_string<Args...> format, Args&&... args) const
    {
        log(LogLevel::info, format, std::forward<Args>(args)...);
    }
    template <class... Args>
    void warning(fmt::format_string<Args...> format, Args&&... args) const
    {
        log(LogLevel::warning, format, std::forward<Args>(args)...);
    }
    template <class... Args>
    void error(fmt::format_string<Args...> format, Args&&... args) const
    {
        log(LogLevel::error, format, std::forward<Args>(args)...);
    }
    template <class... Args>
    void critical(fmt::format_string<Args...> format, Args&&... args) const
    {
        log(LogLevel::critical, format, std::forward<Args>(args)...);
    }

    template <class... Args>
    void log(LogLevel level, fmt::format_string<Args...> format, Args&&... args) const
    {
        if (enabled(level)) {
            write(level, fmt::format(format, std::forward<Args>(args)...));
        }
    }

    /// Writes an already formatted message (no level check).
    void write(LogLevel level, std::string_view message) const;

private:
    std::string name_;
};

/// Sets up the process's log sinks and level from the settings, like
/// Scrapy's configure_logging(): LOG_ENABLED false silences everything;
/// LOG_FILE writes to that file (appending unless LOG_FILE_APPEND is
/// false) instead of standard error; LOG_FORMAT understands Python
/// logging's %(asctime)s, %(name)s, %(levelname)s and %(message)s, with
/// LOG_DATEFORMAT's strftime codes for the time. The `trawl` command calls
/// it; a program that runs a Crawler itself calls it once, before the
/// crawl. Throws SettingsError naming the setting for an unknown level or
/// format field, or a file that cannot be opened.
void configure_logging(const Settings& settings);

} // namespace trawl
