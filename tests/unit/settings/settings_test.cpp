// Settings: priorities, names, typed getters, the command line, unknown-name
// warnings and freezing. YAML files are in settings_yaml_test.cpp, the
// built-in defaults in default_settings_test.cpp.

#include <trawl/settings.hpp>

#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <string>
#include <utility>
#include <vector>

namespace {

using trawl::SettingPriority;
using trawl::Settings;
using trawl::SettingsError;
namespace json = boost::json;
using namespace std::chrono_literals;

// Runs `f` and returns the SettingsError message it throws ("" if none).
template <typename F>
std::string error_of(F&& f) {
    try {
        f();
    } catch (const SettingsError& e) {
        return e.what();
    }
    return {};
}

constexpr std::array all_priorities{SettingPriority::builtin, SettingPriority::command, SettingPriority::project,
                                    SettingPriority::spider, SettingPriority::cmdline};

TEST(SettingsPriority, HigherWinsInEitherOrder) {
    for (const auto low : all_priorities) {
        for (const auto high : all_priorities) {
            if (static_cast<int>(low) >= static_cast<int>(high)) {
                continue;
            }
            SCOPED_TRACE(testing::Message() << "low " << static_cast<int>(low) << " high " << static_cast<int>(high));
            Settings upward;
            upward.set("MY_SETTING", "low", low, "low-source");
            upward.set("MY_SETTING", "high", high, "high-source");
            EXPECT_EQ(upward.get_string("MY_SETTING"), "high");
            EXPECT_EQ(upward.priority("MY_SETTING"), high);
            EXPECT_EQ(upward.source("MY_SETTING"), "high-source");

            Settings downward;
            downward.set("MY_SETTING", "high", high, "high-source");
            downward.set("MY_SETTING", "low", low, "low-source");
            EXPECT_EQ(downward.get_string("MY_SETTING"), "high");
            EXPECT_EQ(downward.priority("MY_SETTING"), high);
            EXPECT_EQ(downward.source("MY_SETTING"), "high-source");
        }
    }
}

TEST(SettingsPriority, EqualPriorityReplaces) {
    Settings s;
    s.set("DOWNLOAD_DELAY", 1, SettingPriority::project, "a.yaml:1");
    s.set("DOWNLOAD_DELAY", 2, SettingPriority::project, "b.yaml:1");
    EXPECT_EQ(s.get_int("DOWNLOAD_DELAY"), 2);
    EXPECT_EQ(s.source("DOWNLOAD_DELAY"), "b.yaml:1");
}

TEST(SettingsPriority, DefaultsAreBuiltinAndOverridable) {
    Settings s;
    EXPECT_EQ(s.priority("CONCURRENT_REQUESTS"), SettingPriority::builtin);
    EXPECT_EQ(s.source("CONCURRENT_REQUESTS"), "built-in");
    s.set("CONCURRENT_REQUESTS", 32);  // project by default
    EXPECT_EQ(s.priority("CONCURRENT_REQUESTS"), SettingPriority::project);
    EXPECT_EQ(s.get_int("CONCURRENT_REQUESTS"), 32);
    s.set("CONCURRENT_REQUESTS", 1, SettingPriority::builtin);
    EXPECT_EQ(s.get_int("CONCURRENT_REQUESTS"), 32);
}

TEST(SettingsPriority, SourceDefaultsToThePriorityName) {
    Settings s;
    s.set("A_SETTING", 1, SettingPriority::spider);
    EXPECT_EQ(s.source("A_SETTING"), "spider custom_settings");
    s.set("A_SETTING", 1, SettingPriority::cmdline);
    EXPECT_EQ(s.source("A_SETTING"), "-s");
    EXPECT_EQ(s.source("NOT_SET"), "");
    EXPECT_EQ(s.priority("NOT_SET"), std::nullopt);
}

TEST(SettingsNames, TopLevelNamesAreCaseInsensitive) {
    Settings s;
    s.set("download_delay", 2.5);
    EXPECT_EQ(s.get_double("DOWNLOAD_DELAY"), 2.5);
    EXPECT_EQ(s.get_double("Download_Delay"), 2.5);
    EXPECT_TRUE(s.contains("dOwNlOaD_dElAy"));
    ASSERT_NE(s.find("download_delay"), nullptr);
    EXPECT_EQ(*s.find("download_delay"), json::value(2.5));
    // Stored once, upper case.
    const auto names = s.names();
    EXPECT_EQ(std::count(names.begin(), names.end(), "DOWNLOAD_DELAY"), 1);
    EXPECT_EQ(std::count(names.begin(), names.end(), "download_delay"), 0);
}

TEST(SettingsNames, DashIsNotConvertedAndNestedKeysKeepTheirCase) {
    Settings s;
    s.set("my-setting", 1);
    EXPECT_TRUE(s.contains("MY-SETTING"));
    EXPECT_FALSE(s.contains("MY_SETTING"));
    s.set("item_pipelines", json::object{{"myproject.Save", 300}});
    const auto dict = s.get_dict("ITEM_PIPELINES");
    EXPECT_TRUE(dict.contains("myproject.Save"));
    EXPECT_FALSE(dict.contains("MYPROJECT.SAVE"));
}

TEST(SettingsNames, EmptyNameIsAnError) {
    Settings s;
    EXPECT_THROW(s.set("", 1), SettingsError);
    EXPECT_FALSE(s.contains(""));
}

TEST(SettingsNames, NamesListsEverySettingSorted) {
    Settings s;
    s.set("ZZZ_MINE", 1);
    const auto names = s.names();
    EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
    EXPECT_NE(std::find(names.begin(), names.end(), "ZZZ_MINE"), names.end());
    EXPECT_NE(std::find(names.begin(), names.end(), "USER_AGENT"), names.end());
}

TEST(SettingsGetters, Bool) {
    Settings s;
    const std::pair<json::value, bool> cases[] = {
        {true, true},     {false, false},   {1, true},        {0, false},       {"true", true},
        {"True", true},   {"TRUE", true},   {"false", false}, {"False", false}, {"1", true},
        {"0", false},     {" true ", true},
    };
    for (const auto& [value, expected] : cases) {
        s.set("FLAG", value);
        EXPECT_EQ(s.get_bool("FLAG"), expected) << json::serialize(value);
    }
    for (const json::value& bad : {json::value("yes"), json::value(2), json::value(0.5), json::value(json::array{})}) {
        s.set("FLAG", bad, SettingPriority::project, "settings.yaml:7");
        const auto message = error_of([&] { s.get_bool("FLAG"); });
        EXPECT_NE(message.find("settings.yaml:7: FLAG: expected a boolean"), std::string::npos) << message;
    }
    EXPECT_TRUE(s.get_bool("MISSING_FLAG", true));
    s.set("FLAG", nullptr);
    EXPECT_TRUE(s.get_bool("FLAG", true));  // null counts as unset
}

TEST(SettingsGetters, Int) {
    Settings s;
    s.set("N", 12);
    EXPECT_EQ(s.get_int("N"), 12);
    s.set("N", "12");
    EXPECT_EQ(s.get_int("N"), 12);
    s.set("N", " -3 ");
    EXPECT_EQ(s.get_int("N"), -3);
    s.set("N", 4.0);
    EXPECT_EQ(s.get_int("N"), 4);
    EXPECT_EQ(s.get_int("MISSING_N", 9), 9);

    s.set("CONCURRENT_REQUESTS", "many", SettingPriority::project, "settings.yaml:3");
    EXPECT_EQ(error_of([&] { s.get_int("concurrent_requests"); }),
              "settings.yaml:3: CONCURRENT_REQUESTS: expected an integer, got 'many'");
    s.set("N", 2.5, SettingPriority::project, "-s");
    EXPECT_EQ(error_of([&] { s.get_int("N"); }), "-s: N: expected an integer, got 2.5");
    s.set("N", true);
    EXPECT_THROW(s.get_int("N"), SettingsError);
    s.set("N", 1e30);
    EXPECT_THROW(s.get_int("N"), SettingsError);
}

TEST(SettingsGetters, Double) {
    Settings s;
    s.set("D", 0.25);
    EXPECT_EQ(s.get_double("D"), 0.25);
    s.set("D", 3);
    EXPECT_EQ(s.get_double("D"), 3.0);
    s.set("D", "1.5");
    EXPECT_EQ(s.get_double("D"), 1.5);
    s.set("D", "1e-3");
    EXPECT_EQ(s.get_double("D"), 0.001);
    s.set("D", "abc", SettingPriority::project, "settings.yaml:12");
    EXPECT_EQ(error_of([&] { s.get_double("D"); }), "settings.yaml:12: D: expected a number, got 'abc'");
    EXPECT_EQ(s.get_double("MISSING_D", 7.5), 7.5);
}

TEST(SettingsGetters, String) {
    Settings s;
    s.set("S", "text");
    EXPECT_EQ(s.get_string("S"), "text");
    s.set("S", 123);
    EXPECT_EQ(s.get_string("S"), "123");
    s.set("S", 0.5);
    EXPECT_EQ(s.get_string("S"), "0.5");
    s.set("S", false);
    EXPECT_EQ(s.get_string("S"), "false");
    s.set("S", json::array{1}, SettingPriority::project, "x.yaml:1");
    EXPECT_EQ(error_of([&] { s.get_string("S"); }), "x.yaml:1: S: expected a string, got [1]");
    EXPECT_EQ(s.get_string("MISSING_S", "fb"), "fb");
    s.set("S", nullptr);
    EXPECT_EQ(s.get_string("S", "fb"), "fb");
}

TEST(SettingsGetters, List) {
    Settings s;
    s.set("L", json::array{"a", 2, 3.5, true});
    EXPECT_EQ(s.get_list("L"), (std::vector<std::string>{"a", "2", "3.5", "true"}));
    s.set("L", "a,b , c");
    EXPECT_EQ(s.get_list("L"), (std::vector<std::string>{"a", "b", "c"}));
    s.set("L", "");
    EXPECT_TRUE(s.get_list("L").empty());
    s.set("L", 500);
    EXPECT_EQ(s.get_list("L"), (std::vector<std::string>{"500"}));
    EXPECT_TRUE(s.get_list("MISSING_L").empty());
    s.set("L", json::object{{"a", 1}}, SettingPriority::project, "y.yaml:2");
    EXPECT_EQ(error_of([&] { s.get_list("L"); }), "y.yaml:2: L: expected a list, got {\"a\":1}");
    s.set("L", json::array{json::array{1}});
    EXPECT_THROW(s.get_list("L"), SettingsError);
    // Scrapy's RETRY_HTTP_CODES reads as a list.
    EXPECT_EQ(Settings{}.get_list("RETRY_HTTP_CODES").size(), 8u);
}

TEST(SettingsGetters, Dict) {
    Settings s;
    s.set("M", json::object{{"retry", 550}, {"redirect", nullptr}});
    const auto m = s.get_dict("M");
    EXPECT_EQ(m.at("retry"), json::value(550));
    EXPECT_TRUE(m.at("redirect").is_null());
    s.set("M", R"({"a": 1, b: [2]})");  // a JSON (or YAML flow) string, as Scrapy allows
    const auto parsed = s.get_dict("M");
    EXPECT_EQ(parsed.at("a"), json::value(1));
    EXPECT_EQ(parsed.at("b"), (json::value(json::array{2})));
    s.set("M", "not a dict", SettingPriority::project, "z.yaml:9");
    EXPECT_EQ(error_of([&] { s.get_dict("M"); }), "z.yaml:9: M: expected a mapping, got 'not a dict'");
    s.set("M", json::array{});
    EXPECT_THROW(s.get_dict("M"), SettingsError);
    EXPECT_TRUE(s.get_dict("MISSING_M").empty());
}

TEST(SettingsGetters, Seconds) {
    Settings s;
    s.set("T", 3);
    EXPECT_EQ(s.get_seconds("T"), 3s);
    s.set("T", 0.25);
    EXPECT_EQ(s.get_seconds("T"), 250ms);
    s.set("T", "1.5");
    EXPECT_EQ(s.get_seconds("T"), 1500ms);
    s.set("T", 0);
    EXPECT_EQ(s.get_seconds("T"), 0s);
    EXPECT_EQ(s.get_seconds("MISSING_T", 7s), 7s);
    s.set("T", -1, SettingPriority::project, "s.yaml:4");
    EXPECT_EQ(error_of([&] { s.get_seconds("T"); }), "s.yaml:4: T: expected a non-negative number of seconds, got -1");
    s.set("T", -0.5);
    EXPECT_THROW(s.get_seconds("T"), SettingsError);
    s.set("T", "soon");
    EXPECT_THROW(s.get_seconds("T"), SettingsError);
    s.set("T", 1e300);
    EXPECT_THROW(s.get_seconds("T"), SettingsError);
    EXPECT_EQ(Settings{}.get_seconds("LOOP_LAG_INTERVAL"), 10ms);
}

TEST(SettingsGetters, ErrorNamesTheBuiltinSource) {
    Settings s;
    s.declare("MY_COMPONENT_MODE", "fast");
    EXPECT_EQ(error_of([&] { s.get_int("MY_COMPONENT_MODE"); }),
              "built-in: MY_COMPONENT_MODE: expected an integer, got 'fast'");
}

TEST(SettingsCmdline, ScalarsAsYamlReadsThem) {
    Settings s;
    s.set_from_cmdline("DOWNLOAD_DELAY=0.5");
    EXPECT_EQ(*s.find("DOWNLOAD_DELAY"), json::value(0.5));
    EXPECT_EQ(s.priority("DOWNLOAD_DELAY"), SettingPriority::cmdline);
    EXPECT_EQ(s.source("DOWNLOAD_DELAY"), "-s");
    s.set_from_cmdline("concurrent_requests=4");
    EXPECT_EQ(*s.find("CONCURRENT_REQUESTS"), json::value(4));
    s.set_from_cmdline("COOKIES_ENABLED=false");
    EXPECT_EQ(*s.find("COOKIES_ENABLED"), json::value(false));
    s.set_from_cmdline("LOG_FILE=~");
    EXPECT_TRUE(s.find("LOG_FILE")->is_null());
    s.set_from_cmdline("BOT_NAME='5'");
    EXPECT_EQ(*s.find("BOT_NAME"), json::value("5"));
    s.set_from_cmdline("USER_AGENT=Mozilla/5.0 (X11; Linux x86_64) a=b: c");
    EXPECT_EQ(*s.find("USER_AGENT"), json::value("Mozilla/5.0 (X11; Linux x86_64) a=b: c"));
    s.set_from_cmdline("JOBDIR=");
    EXPECT_EQ(*s.find("JOBDIR"), json::value(""));
    s.set_from_cmdline(" LOG_LEVEL = INFO ");
    EXPECT_EQ(s.get_string("LOG_LEVEL"), "INFO");
}

TEST(SettingsCmdline, FlowCollections) {
    Settings s;
    s.set_from_cmdline("ITEM_PIPELINES={a: 1, b.c: null}");
    const auto pipelines = s.get_dict("ITEM_PIPELINES");
    EXPECT_EQ(pipelines.at("a"), json::value(1));
    EXPECT_TRUE(pipelines.at("b.c").is_null());
    s.set_from_cmdline("RETRY_HTTP_CODES=[500, 503]");
    EXPECT_EQ(*s.find("RETRY_HTTP_CODES"), (json::value(json::array{500, 503})));
    s.set_from_cmdline(R"(DEFAULT_REQUEST_HEADERS={"Accept": "*/*", "X-N": "1"})");
    EXPECT_EQ(s.get_dict("DEFAULT_REQUEST_HEADERS").at("X-N"), json::value("1"));
}

TEST(SettingsCmdline, Errors) {
    Settings s;
    EXPECT_NE(error_of([&] { s.set_from_cmdline("DOWNLOAD_DELAY"); }).find("expected NAME=VALUE"), std::string::npos);
    EXPECT_NE(error_of([&] { s.set_from_cmdline("=5"); }).find("expected NAME=VALUE"), std::string::npos);
    const auto bad_flow = error_of([&] { s.set_from_cmdline("ITEM_PIPELINES={a: 1"); });
    EXPECT_EQ(bad_flow.rfind("-s: ITEM_PIPELINES: invalid YAML value", 0), 0u) << bad_flow;
    EXPECT_THROW(s.set_from_cmdline("BOT_NAME='unterminated"), SettingsError);
    EXPECT_THROW(s.set_from_cmdline("X=[1] trailing"), SettingsError);
    EXPECT_THROW(s.set_from_cmdline("X={a: 1}, {b: 2}"), SettingsError);
    EXPECT_THROW(s.set_from_cmdline("X={:"), SettingsError);
    EXPECT_THROW(s.set_from_cmdline("X=[1, 2"), SettingsError);
    EXPECT_FALSE(s.contains("X"));
}

TEST(SettingsCmdline, BeatsEveryOtherSource) {
    Settings s;
    s.set_from_cmdline("DOWNLOAD_DELAY=3");
    s.set("DOWNLOAD_DELAY", 1, SettingPriority::spider);
    s.load_yaml_string("DOWNLOAD_DELAY: 2\n", "settings.yaml");
    EXPECT_EQ(s.get_int("DOWNLOAD_DELAY"), 3);
}

TEST(SettingsUnknown, SuggestsTheNearestKnownName) {
    Settings s;
    s.set("DOWNLOAD_DELAI", 1, SettingPriority::project, "settings.yaml:3");
    s.set("concurent_requests", 1, SettingPriority::cmdline, "-s");
    EXPECT_EQ(s.unknown_setting_warnings(),
              (std::vector<std::string>{
                  "unknown setting 'CONCURENT_REQUESTS' (-s); did you mean 'CONCURRENT_REQUESTS'?",
                  "unknown setting 'DOWNLOAD_DELAI' (settings.yaml:3); did you mean 'DOWNLOAD_DELAY'?",
              }));
}

TEST(SettingsUnknown, NoSuggestionWhenNothingIsClose) {
    Settings s;
    s.set("MY_OWN_THING", 1, SettingPriority::project, "settings.yaml:1");
    EXPECT_EQ(s.unknown_setting_warnings(),
              std::vector<std::string>{"unknown setting 'MY_OWN_THING' (settings.yaml:1)"});
}

TEST(SettingsUnknown, DistanceLimitGrowsWithTheName) {
    Settings s;
    // Short name: limit 2. "RETRY_TIMEZ" (11 chars) is 1 away from RETRY_TIMES.
    s.set("RETRY_TIMEZ", 1);
    // 3 edits in a 29-char name is within len/4 = 7.
    s.set("CONCURENT_REQUESTS_PER_DOMEIM", 1);
    // "XDEPTH_LIMITXYZ": 4 edits from DEPTH_LIMIT, above max(2, 15/4 = 3).
    s.set("XDEPTH_LIMITXYZ", 1);
    const auto warnings = s.unknown_setting_warnings();
    ASSERT_EQ(warnings.size(), 3u);
    EXPECT_NE(warnings[0].find("did you mean 'CONCURRENT_REQUESTS_PER_DOMAIN'?"), std::string::npos) << warnings[0];
    EXPECT_NE(warnings[1].find("did you mean 'RETRY_TIMES'?"), std::string::npos) << warnings[1];
    EXPECT_EQ(warnings[2].find("did you mean"), std::string::npos) << warnings[2];
}

TEST(SettingsUnknown, KnownDeclaredAndBuiltinNamesDoNotWarn) {
    Settings s;
    s.set("DOWNLOAD_DELAY", 1);                              // a default
    s.declare("MYPROJECT_LIMIT", 10);                        // declared by a component
    s.set("myproject_limit", 20, SettingPriority::cmdline);  // then set by the user
    s.set("ONLY_BUILTIN", 1, SettingPriority::builtin);      // not set by the user
    EXPECT_TRUE(s.unknown_setting_warnings().empty());
    // A declaration after the user's value keeps the value and silences the warning.
    s.set("LATE_DECLARED", 5);
    EXPECT_EQ(s.unknown_setting_warnings().size(), 1u);
    s.declare("LATE_DECLARED", 1);
    EXPECT_EQ(s.get_int("LATE_DECLARED"), 5);
    EXPECT_TRUE(s.unknown_setting_warnings().empty());
    // Declared names are suggestions too.
    s.set("MYPROJECT_LIMT", 1);
    ASSERT_EQ(s.unknown_setting_warnings().size(), 1u);
    EXPECT_NE(s.unknown_setting_warnings()[0].find("did you mean 'MYPROJECT_LIMIT'?"), std::string::npos);
}

TEST(SettingsDeclare, SetsTheDefaultOnlyIfUnset) {
    Settings s;
    s.declare("my_default", 3);
    EXPECT_EQ(s.get_int("MY_DEFAULT"), 3);
    EXPECT_EQ(s.priority("MY_DEFAULT"), SettingPriority::builtin);
    s.declare("CONCURRENT_REQUESTS", 99);  // already a default
    EXPECT_EQ(s.get_int("CONCURRENT_REQUESTS"), 16);
}

TEST(SettingsFreeze, EveryWriteThrows) {
    Settings s;
    s.set("A", 1);
    s.freeze();
    EXPECT_TRUE(s.frozen());
    EXPECT_THROW(s.set("A", 2), SettingsError);
    EXPECT_THROW(s.set("A", 2, SettingPriority::cmdline), SettingsError);
    EXPECT_THROW(s.set_from_cmdline("A=2"), SettingsError);
    EXPECT_THROW(s.load_yaml_string("A: 2\n", "settings.yaml"), SettingsError);
    EXPECT_THROW(s.load_yaml_string("", "settings.yaml"), SettingsError);
    EXPECT_THROW(s.load_yaml_file("/nonexistent/settings.yaml"), SettingsError);
    EXPECT_THROW(s.declare("B", 1), SettingsError);
    EXPECT_EQ(s.get_int("A"), 1);
    EXPECT_FALSE(s.contains("B"));
    EXPECT_NE(error_of([&] { s.set("A", 2); }).find("frozen"), std::string::npos);
}

} // namespace
