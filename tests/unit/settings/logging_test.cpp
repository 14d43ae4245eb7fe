// configure_logging() and trawl::Logger: levels, formats, files, threads.

#include <trawl/log.hpp>
#include <trawl/settings.hpp>

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

std::string read_file(const std::filesystem::path& path)
{
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

std::vector<std::string> lines_of(const std::string& text)
{
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        lines.push_back(line);
    }
    return lines;
}

/// Counts how often it is formatted, to show that a disabled level skips
/// formatting.
struct Expensive {
    std::atomic<int>* formatted;
};

class LoggingTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        previous_ = spdlog::default_logger();
        log_file_ = std::filesystem::temp_directory_path() /
                    ("trawl-logging-test-" + std::to_string(::getpid()) + ".log");
        std::filesystem::remove(log_file_);
    }
    void TearDown() override
    {
        spdlog::set_default_logger(previous_);
        std::filesystem::remove(log_file_);
    }

    trawl::Settings settings_to_file()
    {
        trawl::Settings settings;
        settings.set("LOG_FILE", boost::json::string(log_file_.string()));
        return settings;
    }

    std::shared_ptr<spdlog::logger> previous_;
    std::filesystem::path log_file_;
};

} // namespace

template <>
struct fmt::formatter<Expensive> : fmt::formatter<std::string_view> {
    auto format(const Expensive& e, format_context& ctx) const
    {
        ++*e.formatted;
        return fmt::formatter<std::string_view>::format("expensive", ctx);
    }
};

TEST(LogLevel, ParsesScrapyNamesInAnyCase)
{
    EXPECT_EQ(trawl::parse_log_level("DEBUG"), trawl::LogLevel::debug);
    EXPECT_EQ(trawl::parse_log_level("info"), trawl::LogLevel::info);
    EXPECT_EQ(trawl::parse_log_level("Warning"), trawl::LogLevel::warning);
    EXPECT_EQ(trawl::parse_log_level("WARN"), trawl::LogLevel::warning);
    EXPECT_EQ(trawl::parse_log_level("error"), trawl::LogLevel::error);
    EXPECT_EQ(trawl::parse_log_level("CRITICAL"), trawl::LogLevel::critical);
    EXPECT_THROW(trawl::parse_log_level("verbose"), std::invalid_argument);
}

TEST_F(LoggingTest, WritesScrapysLineFormatWithTheComponentName)
{
    auto settings = settings_to_file();
    settings.set("LOG_LEVEL", boost::json::string("INFO"));
    trawl::configure_logging(settings);

    const trawl::Logger logger{"trawl.core.engine"};
    logger.debug("hidden {}", 1);
    logger.info("Spider opened: {}", "quotes");
    logger.warning("slow host {}", "a.test");
    spdlog::default_logger()->flush();

    const auto lines = lines_of(read_file(log_file_));
    ASSERT_EQ(lines.size(), 2U) << read_file(log_file_);
    const std::regex info(R"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \[trawl\.core\.engine\] INFO: Spider opened: quotes)");
    EXPECT_TRUE(std::regex_match(lines[0], info)) << lines[0];
    EXPECT_TRUE(lines[1].ends_with("[trawl.core.engine] WARNING: slow host a.test")) << lines[1];
}

TEST_F(LoggingTest, DisabledLevelDoesNotFormatItsArguments)
{
    auto settings = settings_to_file();
    settings.set("LOG_LEVEL", boost::json::string("WARNING"));
    trawl::configure_logging(settings);

    std::atomic<int> formatted{0};
    const trawl::Logger logger{"x"};
    logger.info("{}", Expensive{&formatted});
    EXPECT_EQ(formatted.load(), 0);
    EXPECT_FALSE(trawl::Logger::enabled(trawl::LogLevel::info));
    logger.error("{}", Expensive{&formatted});
    EXPECT_EQ(formatted.load(), 1);
}

TEST_F(LoggingTest, TranslatesPythonLogFormatAndDateFormat)
{
    auto settings = settings_to_file();
    settings.set("LOG_FORMAT", boost::json::string("%(levelname)s|%(name)s|%(message)s|%(asctime)s|100%%"));
    settings.set("LOG_DATEFORMAT", boost::json::string("%Y"));
    trawl::configure_logging(settings);

    trawl::Logger{"my.spider"}.error("went {}", "wrong");
    spdlog::default_logger()->flush();
    const auto lines = lines_of(read_file(log_file_));
    ASSERT_EQ(lines.size(), 1U);
    EXPECT_TRUE(std::regex_match(lines[0], std::regex(R"(ERROR\|my\.spider\|went wrong\|\d{4}\|100%)"))) << lines[0];
}

TEST_F(LoggingTest, AppendsUnlessLogFileAppendIsFalse)
{
    {
        std::ofstream(log_file_) << "earlier line\n";
    }
    auto settings = settings_to_file();
    trawl::configure_logging(settings);
    trawl::Logger{"a"}.warning("second");
    spdlog::default_logger()->flush();
    EXPECT_EQ(lines_of(read_file(log_file_)).size(), 2U);

    settings.set("LOG_FILE_APPEND", false);
    trawl::configure_logging(settings);
    trawl::Logger{"a"}.warning("only");
    spdlog::default_logger()->flush();
    const auto lines = lines_of(read_file(log_file_));
    ASSERT_EQ(lines.size(), 1U);
    EXPECT_TRUE(lines[0].ends_with("only"));
}

TEST_F(LoggingTest, LogEnabledFalseSilencesEverything)
{
    auto settings = settings_to_file();
    settings.set("LOG_ENABLED", false);
    trawl::configure_logging(settings);
    trawl::Logger{"a"}.critical("not written");
    spdlog::default_logger()->flush();
    EXPECT_EQ(read_file(log_file_), "");
    EXPECT_FALSE(trawl::Logger::enabled(trawl::LogLevel::critical));
}

TEST_F(LoggingTest, InvalidSettingsNameTheSettingAndKeepThePreviousSetUp)
{
    trawl::configure_logging(settings_to_file());
    const auto before = spdlog::default_logger();

    auto settings = settings_to_file();
    settings.set("LOG_LEVEL", boost::json::string("LOUD"), trawl::SettingPriority::cmdline, "-L");
    try {
        trawl::configure_logging(settings);
        FAIL() << "expected SettingsError";
    } catch (const trawl::SettingsError& e) {
        EXPECT_NE(std::string(e.what()).find("LOG_LEVEL (-L)"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("'LOUD'"), std::string::npos) << e.what();
    }

    settings = settings_to_file();
    settings.set("LOG_FORMAT", boost::json::string("%(funcName)s: %(message)s"));
    try {
        trawl::configure_logging(settings);
        FAIL() << "expected SettingsError";
    } catch (const trawl::SettingsError& e) {
        EXPECT_NE(std::string(e.what()).find("unsupported field %(funcName)"), std::string::npos) << e.what();
    }

    settings = settings_to_file();
    settings.set("LOG_DATEFORMAT", boost::json::string("%Y %q"));
    EXPECT_THROW(trawl::configure_logging(settings), trawl::SettingsError);

    // A directory that cannot exist: its parent is a regular file.
    settings = settings_to_file();
    settings.set("LOG_FILE", boost::json::string((log_file_ / "trawl.log").string()));
    EXPECT_THROW(trawl::configure_logging(settings), trawl::SettingsError);

    EXPECT_EQ(spdlog::default_logger(), before);
}

TEST_F(LoggingTest, LinesFromManyThreadsStayWhole)
{
    trawl::configure_logging(settings_to_file());
    constexpr int threads = 4;
    constexpr int per_thread = 500;
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back([t] {
            const trawl::Logger logger{"worker." + std::to_string(t)};
            for (int i = 0; i < per_thread; ++i) {
                logger.info("message {} of thread {}", i, t);
            }
        });
    }
    for (auto& worker : workers) {
        worker.join();
    }
    spdlog::default_logger()->flush();
    const auto lines = lines_of(read_file(log_file_));
    ASSERT_EQ(lines.size(), static_cast<std::size_t>(threads * per_thread));
    const std::regex whole(R"(.* \[worker\.(\d)\] INFO: message \d+ of thread (\d))");
    for (const auto& line : lines) {
        std::smatch match;
        ASSERT_TRUE(std::regex_match(line, match, whole)) << line;
        EXPECT_EQ(match[1], match[2]);
    }
}
