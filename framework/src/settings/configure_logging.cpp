// configure_logging(): Scrapy's logging settings mapped onto spdlog.

#include <trawl/log.hpp>
#include <trawl/settings.hpp>

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <string>
#include <string_view>

namespace trawl {

namespace {

/// %* in a pattern: the level as Python's logging names it (DEBUG, INFO,
/// WARNING, ERROR, CRITICAL), so that trawl's log reads like Scrapy's.
class PythonLevelName final : public spdlog::custom_flag_formatter {
public:
    void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override
    {
        const std::string_view name = level_name(msg.level);
        dest.append(name.data(), name.data() + name.size());
    }
    std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<PythonLevelName>(); }

private:
    static std::string_view level_name(spdlog::level::level_enum level)
    {
        switch (level) {
        case spdlog::level::trace: return "TRACE";
        case spdlog::level::debug: return "DEBUG";
        case spdlog::level::info: return "INFO";
        case spdlog::level::warn: return "WARNING";
        case spdlog::level::err: return "ERROR";
        case spdlog::level::critical: return "CRITICAL";
        default: return "";
        }
    }
};

/// LOG_DATEFORMAT as a spdlog pattern: the strftime codes spdlog knows
/// pass through; a literal '%' is escaped.
std::string date_pattern(const Settings& settings)
{
    const auto format = settings.get_string("LOG_DATEFORMAT", "%Y-%m-%d %H:%M:%S");
    constexpr std::string_view known = "aAbBcCdDHIMmpRrSTYyz";
    std::string pattern;
    for (std::size_t i = 0; i < format.size(); ++i) {
        if (format[i] != '%') {
            pattern += format[i];
            continue;
        }
        if (i + 1 < format.size() && format[i + 1] == '%') {
            pattern += "%%";
            ++i;
            continue;
        }
        if (i + 1 >= format.size() || known.find(format[i + 1]) == std::string_view::npos) {
            throw SettingsError("LOG_DATEFORMAT (" + settings.source("LOG_DATEFORMAT") + "): '" + format +
                                "': unsupported code at position " + std::to_string(i + 1) +
                                "; the codes understood are %a %A %b %B %c %C %d %D %H %I %M %m %p %R %r %S %T "
                                "%Y %y %z");
        }
        pattern += format.substr(i, 2);
        ++i;
    }
    return pattern;
}

/// LOG_FORMAT (Python logging's %(field)s syntax) as a spdlog pattern.
std::string log_pattern(const Settings& settings)
{
    const auto format = settings.get_string("LOG_FORMAT", "%(asctime)s [%(name)s] %(levelname)s: %(message)s");
    std::string pattern;
    for (std::size_t i = 0; i < format.size(); ++i) {
        if (format[i] != '%') {
            pattern += format[i];
            continue;
        }
        if (format.compare(i, 2, "%%") == 0) {
            pattern += "%%";
            ++i;
            continue;
        }
        const auto close = format.find(')', i);
        const auto conversion = close == std::string::npos ? close : close + 1;
        if (format.compare(i, 2, "%(") != 0 || conversion >= format.size()) {
            throw SettingsError("LOG_FORMAT (" + settings.source("LOG_FORMAT") + "): '" + format +
                                "': expected %(field)s at position " + std::to_string(i + 1));
        }
        const auto field = format.substr(i + 2, close - i - 2);
        if (field == "asctime") {
            pattern += date_pattern(settings);
        } else if (field == "name") {
            pattern += "%n";
        } else if (field == "levelname") {
            pattern += "%^%*%$";
        } else if (field == "message") {
            pattern += "%v";
        } else if (field == "process") {
            pattern += "%P";
        } else if (field == "thread") {
            pattern += "%t";
        } else {
            throw SettingsError("LOG_FORMAT (" + settings.source("LOG_FORMAT") + "): unsupported field %(" + field +
                                "); use asctime, name, levelname, message, process or thread");
        }
        i = conversion;
    }
    return pattern;
}

} // namespace

void configure_logging(const Settings& settings)
{
    LogLevel level = LogLevel::off;
    if (settings.get_bool("LOG_ENABLED", true)) {
        try {
            level = parse_log_level(settings.get_string("LOG_LEVEL", "DEBUG"));
        } catch (const std::invalid_argument& e) {
            throw SettingsError("LOG_LEVEL (" + settings.source("LOG_LEVEL") + "): " + e.what());
        }
    }
    // Checked before anything changes, so a bad setting leaves the
    // previous configuration in place.
    auto formatter = std::make_unique<spdlog::pattern_formatter>();
    formatter->add_flag<PythonLevelName>('*').set_pattern(log_pattern(settings));

    std::shared_ptr<spdlog::logger> logger;
    const auto file = settings.get_string("LOG_FILE");
    if (file.empty()) {
        logger = std::make_shared<spdlog::logger>("trawl", std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
    } else {
        try {
            const bool truncate = !settings.get_bool("LOG_FILE_APPEND", true);
            logger = std::make_shared<spdlog::logger>(
                "trawl", std::make_shared<spdlog::sinks::basic_file_sink_mt>(file, truncate));
        } catch (const spdlog::spdlog_ex& e) {
            throw SettingsError("LOG_FILE (" + settings.source("LOG_FILE") + "): " + e.what());
        }
    }
    logger->set_formatter(std::move(formatter));
    logger->flush_on(spdlog::level::warn);
    spdlog::set_default_logger(std::move(logger));
    set_log_level(level);
}

} // namespace trawl
