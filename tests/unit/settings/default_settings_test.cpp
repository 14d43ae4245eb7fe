// The built-in defaults: Scrapy's names and values, and trawl's own.

#include <trawl/settings.hpp>

#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>

namespace {

using trawl::SettingPriority;
using trawl::Settings;
namespace json = boost::json;
using namespace std::chrono_literals;

// Values as they stand in scrapy/settings/default_settings.py (Scrapy 2.8),
// copied from that file by hand.
TEST(DefaultSettings, SampleMatchesScrapy) {
    const Settings s;
    EXPECT_EQ(*s.find("CONCURRENT_REQUESTS"), json::value(16));
    EXPECT_EQ(*s.find("CONCURRENT_REQUESTS_PER_DOMAIN"), json::value(8));
    EXPECT_EQ(*s.find("CONCURRENT_REQUESTS_PER_IP"), json::value(0));
    EXPECT_EQ(*s.find("CONCURRENT_ITEMS"), json::value(100));
    EXPECT_EQ(*s.find("DOWNLOAD_DELAY"), json::value(0));
    EXPECT_EQ(*s.find("RANDOMIZE_DOWNLOAD_DELAY"), json::value(true));
    EXPECT_EQ(*s.find("DOWNLOAD_TIMEOUT"), json::value(180));
    EXPECT_EQ(*s.find("DOWNLOAD_MAXSIZE"), json::value(1024 * 1024 * 1024));
    EXPECT_EQ(*s.find("DOWNLOAD_WARNSIZE"), json::value(32 * 1024 * 1024));
    EXPECT_EQ(*s.find("DNS_TIMEOUT"), json::value(60));
    EXPECT_EQ(*s.find("DNSCACHE_ENABLED"), json::value(true));
    EXPECT_EQ(*s.find("DNSCACHE_SIZE"), json::value(10000));
    EXPECT_EQ(*s.find("COMPRESSION_ENABLED"), json::value(true));
    EXPECT_EQ(*s.find("COOKIES_ENABLED"), json::value(true));
    EXPECT_EQ(*s.find("RETRY_ENABLED"), json::value(true));
    EXPECT_EQ(*s.find("RETRY_TIMES"), json::value(2));
    EXPECT_EQ(*s.find("RETRY_HTTP_CODES"), (json::value(json::array{500, 502, 503, 504, 522, 524, 408, 429})));
    EXPECT_EQ(*s.find("RETRY_PRIORITY_ADJUST"), json::value(-1));
    EXPECT_EQ(*s.find("REDIRECT_MAX_TIMES"), json::value(20));
    EXPECT_EQ(*s.find("REDIRECT_PRIORITY_ADJUST"), json::value(2));
    EXPECT_EQ(*s.find("ROBOTSTXT_OBEY"), json::value(false));
    EXPECT_EQ(*s.find("AUTOTHROTTLE_ENABLED"), json::value(false));
    EXPECT_EQ(*s.find("AUTOTHROTTLE_START_DELAY"), json::value(5.0));
    EXPECT_EQ(*s.find("AUTOTHROTTLE_MAX_DELAY"), json::value(60.0));
    EXPECT_EQ(*s.find("AUTOTHROTTLE_TARGET_CONCURRENCY"), json::value(1.0));
    EXPECT_EQ(*s.find("DEPTH_LIMIT"), json::value(0));
    EXPECT_EQ(*s.find("CLOSESPIDER_PAGECOUNT"), json::value(0));
    EXPECT_EQ(*s.find("HTTPCACHE_DIR"), json::value("httpcache"));
    EXPECT_EQ(*s.find("HTTPCACHE_IGNORE_SCHEMES"), (json::value(json::array{"file"})));
    EXPECT_EQ(*s.find("METAREFRESH_MAXDELAY"), json::value(100));
    EXPECT_EQ(*s.find("URLLENGTH_LIMIT"), json::value(2083));
    EXPECT_EQ(*s.find("LOG_LEVEL"), json::value("DEBUG"));
    EXPECT_EQ(*s.find("LOGSTATS_INTERVAL"), json::value(60.0));
    EXPECT_EQ(*s.find("SCRAPER_SLOT_MAX_ACTIVE_SIZE"), json::value(5000000));
    EXPECT_TRUE(s.find("LOG_FILE")->is_null());
    EXPECT_TRUE(s.find("FEEDS")->is_object());
    const auto headers = s.get_dict("DEFAULT_REQUEST_HEADERS");
    EXPECT_EQ(headers.at("Accept"), json::value("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"));
    EXPECT_EQ(headers.at("Accept-Language"), json::value("en"));
}

TEST(DefaultSettings, ComponentDictsUseShortNames) {
    const Settings s;
    const auto downloader = s.get_dict("DOWNLOADER_MIDDLEWARES_BASE");
    const json::object expected_downloader{
        {"offsite", 50},    {"robotstxt", 100},       {"httpauth", 300},  {"downloadtimeout", 350},
        {"defaultheaders", 400}, {"useragent", 500},  {"retry", 550},     {"ajaxcrawl", 560},
        {"metarefresh", 580},    {"httpcompression", 590}, {"redirect", 600}, {"cookies", 700},
        {"proxypool", 740},      {"httpproxy", 750},       {"downloaderstats", 850}, {"httpcache", 900},
        {"autothrottle", 950},   {"adaptiveconcurrency", 960},
    };
    EXPECT_EQ(downloader, expected_downloader);
    const auto spider = s.get_dict("SPIDER_MIDDLEWARES_BASE");
    EXPECT_EQ(spider.at("httperror"), json::value(50));
    EXPECT_EQ(spider.at("depth"), json::value(900));
    const auto handlers = s.get_dict("DOWNLOAD_HANDLERS_BASE");
    for (const char* scheme : {"data", "file", "http", "https"}) {
        EXPECT_TRUE(handlers.contains(scheme)) << scheme;
    }
    EXPECT_EQ(handlers.size(), 4u);
    EXPECT_TRUE(s.get_dict("EXTENSIONS_BASE").contains("corestats"));
    EXPECT_EQ(s.get_string("DUPEFILTER_CLASS"), "memory");
    EXPECT_EQ(s.get_string("SCHEDULER"), "memory");
    for (const char* user_dict : {"DOWNLOADER_MIDDLEWARES", "SPIDER_MIDDLEWARES", "EXTENSIONS", "ITEM_PIPELINES",
                                  "DOWNLOAD_HANDLERS"}) {
        EXPECT_TRUE(s.get_dict(user_dict).empty()) << user_dict;
    }
}

TEST(DefaultSettings, TrawlsOwn) {
    const Settings s;
    EXPECT_EQ(*s.find("DOWNLOAD_CONNECT_TIMEOUT"), json::value(30));
    EXPECT_EQ(*s.find("DOWNLOAD_READ_TIMEOUT"), json::value(60));
    EXPECT_EQ(*s.find("DOWNLOAD_TLS_VERIFY"), json::value(true));
    EXPECT_EQ(*s.find("DOWNLOAD_TLS_CA_FILE"), json::value(""));
    EXPECT_EQ(*s.find("DOWNLOAD_MAX_HEADER_SIZE"), json::value(131072));
    EXPECT_EQ(*s.find("DOWNLOAD_POOL_MAX_PER_HOST"), json::value(0));
    EXPECT_EQ(*s.find("DOWNLOAD_POOL_MAX_TOTAL"), json::value(0));
    EXPECT_EQ(*s.find("DOWNLOAD_POOL_IDLE_TIMEOUT"), json::value(60));
    EXPECT_EQ(*s.find("DNS_SERVERS"), json::value(json::array{}));
    EXPECT_EQ(*s.find("DNS_USE_HOSTS_FILE"), json::value(true));
    EXPECT_EQ(*s.find("PARSE_THREADS"), json::value(0));
    EXPECT_EQ(*s.find("LOOP_LAG_INTERVAL"), json::value(0.01));
    EXPECT_EQ(s.get_string("USER_AGENT"), "trawl/0.1 (+https://github.com/trawl)");
    EXPECT_EQ(s.get_seconds("DOWNLOAD_TIMEOUT"), 180s);
}

TEST(DefaultSettings, AllBuiltinAndReadable) {
    const Settings s;
    EXPECT_GT(s.names().size(), 100u);
    for (const auto& name : s.names()) {
        EXPECT_EQ(s.priority(name), SettingPriority::builtin) << name;
        EXPECT_EQ(s.source(name), "built-in") << name;
    }
    EXPECT_TRUE(s.unknown_setting_warnings().empty());
}

bool all_digits(std::string_view s) {
    return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

// A Python literal as default_settings.py writes it, to JSON: the simple
// forms only; nullopt for expressions, containers and f-strings. (No
// std::regex: g++ 12 warns inside it under the sanitizers.)
std::optional<json::value> python_literal(std::string_view text) {
    if (text == "True" || text == "False") {
        return json::value(text == "True");
    }
    if (text == "None") {
        return json::value(nullptr);
    }
    if (text.size() >= 2 && text.front() == '"' && text.back() == '"' &&
        text.substr(1, text.size() - 2).find_first_of("\\\"") == std::string_view::npos) {
        return json::value(text.substr(1, text.size() - 2));
    }
    const auto unsigned_text = (text.starts_with('-') || text.starts_with('+')) ? text.substr(1) : text;
    const auto dot = unsigned_text.find('.');
    if (dot == std::string_view::npos && all_digits(unsigned_text)) {
        return json::value(std::stoll(std::string(text)));
    }
    if (dot != std::string_view::npos && all_digits(unsigned_text.substr(0, dot)) &&
        (dot + 1 == unsigned_text.size() || all_digits(unsigned_text.substr(dot + 1)))) {
        return json::value(std::stod(std::string(text)));
    }
    return std::nullopt;
}

// "NAME = value  # comment" at the start of a line, as {NAME, value}.
std::optional<std::pair<std::string, std::string>> python_assignment(const std::string& line) {
    const auto eq = line.find(" = ");
    if (eq == std::string::npos || line.empty() || line[0] < 'A' || line[0] > 'Z' ||
        line.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") != eq) {
        return std::nullopt;
    }
    std::string value = line.substr(eq + 3);
    // A comment starts at a '#' outside the string, if any.
    const auto closing = value.starts_with('"') ? value.find('"', 1) : 0;
    if (const auto hash = value.find('#', closing == std::string::npos ? 0 : closing); hash != std::string::npos) {
        value.erase(hash);
    }
    while (!value.empty() && value.back() == ' ') {
        value.pop_back();
    }
    return std::pair{line.substr(0, eq), value};
}

// Checks every `NAME = <simple literal>` of the installed Scrapy's defaults
// against ours, skipping the differences default_settings.cpp lists.
TEST(DefaultSettings, MatchInstalledScrapyWhereSimple) {
    const std::filesystem::path scrapy_defaults = "/usr/lib/python3/dist-packages/scrapy/settings/default_settings.py";
    std::ifstream in(scrapy_defaults);
    if (!in) {
        GTEST_SKIP() << "Scrapy is not installed at " << scrapy_defaults;
    }
    const std::set<std::string> deliberate{
        "BOT_NAME",        "DUPEFILTER_CLASS",        "SCHEDULER",        "SCHEDULER_DISK_QUEUE",
        "SCHEDULER_MEMORY_QUEUE", "STATS_CLASS",      "HTTPCACHE_STORAGE", "HTTPCACHE_POLICY",
        "REFERRER_POLICY", "REQUEST_FINGERPRINTER_IMPLEMENTATION", "TEMPLATES_DIR", "USER_AGENT",
    };
    const Settings s;
    int compared = 0;
    std::string line;
    while (std::getline(in, line)) {
        const auto assignment = python_assignment(line);
        if (!assignment || deliberate.contains(assignment->first)) {
            continue;
        }
        const auto& [name, text] = *assignment;
        const auto expected = python_literal(text);
        const auto* ours = s.find(name);
        if (!expected || !ours) {
            continue;  // an expression, or a setting trawl leaves out
        }
        EXPECT_EQ(*ours, *expected) << name << ": ours " << json::serialize(*ours) << ", Scrapy's " << text;
        ++compared;
    }
    EXPECT_GT(compared, 60);
}

} // namespace
