// Settings read from YAML: value types, sources with line numbers, and the
// file:line of every error.

#include <trawl/settings.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

namespace {

using trawl::SettingPriority;
using trawl::Settings;
using trawl::SettingsError;
namespace json = boost::json;
namespace fs = std::filesystem;

template <typename F>
std::string error_of(F&& f) {
    try {
        f();
    } catch (const SettingsError& e) {
        return e.what();
    }
    return {};
}

// A directory of its own under the system's temporary directory, removed at the end.
class SettingsFileTest : public testing::Test {
protected:
    SettingsFileTest() {
        static std::atomic<int> counter{0};
        dir_ = fs::temp_directory_path() /
               ("trawl-settings-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
        fs::create_directories(dir_);
    }
    ~SettingsFileTest() override {
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }

    fs::path write(const std::string& name, const std::string& text) {
        const auto path = dir_ / name;
        std::ofstream(path, std::ios::binary) << text;
        return path;
    }

    fs::path dir_;
};

TEST(SettingsYaml, ScalarTypes) {
    Settings s;
    s.load_yaml_string(R"(
null_tilde: ~
null_word: null
null_empty:
bool_true: true
bool_title: True
bool_upper: FALSE
int_plain: 42
int_negative: -7
int_plus: +3
int_hex: 0x1F
int_octal: 0o17
int_leading_zero: 010
float_plain: 0.5
float_exp: 1e3
float_dot: .25
float_inf: -.inf
word: hello
yes_is_a_string: yes
on_is_a_string: on
quoted_int: '5'
double_quoted_bool: "true"
quoted_null: "~"
tagged_str: !!str 12
tagged_float: !!float 2
version_like: 1.2.3
literal: |
  two
  lines
)",
                       "types.yaml");
    const auto v = [&](std::string_view name) { return *s.find(name); };
    EXPECT_TRUE(v("NULL_TILDE").is_null());
    EXPECT_TRUE(v("NULL_WORD").is_null());
    EXPECT_TRUE(v("NULL_EMPTY").is_null());
    EXPECT_EQ(v("BOOL_TRUE"), json::value(true));
    EXPECT_EQ(v("BOOL_TITLE"), json::value(true));
    EXPECT_EQ(v("BOOL_UPPER"), json::value(false));
    EXPECT_TRUE(v("INT_PLAIN").is_int64());
    EXPECT_EQ(v("INT_PLAIN"), json::value(42));
    EXPECT_EQ(v("INT_NEGATIVE"), json::value(-7));
    EXPECT_EQ(v("INT_PLUS"), json::value(3));
    EXPECT_EQ(v("INT_HEX"), json::value(31));
    EXPECT_EQ(v("INT_OCTAL"), json::value(15));
    EXPECT_EQ(v("INT_LEADING_ZERO"), json::value(10));  // YAML 1.2: decimal
    EXPECT_TRUE(v("FLOAT_PLAIN").is_double());
    EXPECT_EQ(v("FLOAT_PLAIN"), json::value(0.5));
    EXPECT_EQ(v("FLOAT_EXP"), json::value(1000.0));
    EXPECT_TRUE(v("FLOAT_EXP").is_double());
    EXPECT_EQ(v("FLOAT_DOT"), json::value(0.25));
    EXPECT_TRUE(v("FLOAT_INF").is_double());
    EXPECT_LT(v("FLOAT_INF").get_double(), -1e308);
    EXPECT_EQ(v("WORD"), json::value("hello"));
    EXPECT_EQ(v("YES_IS_A_STRING"), json::value("yes"));  // YAML 1.1's booleans are not 1.2's
    EXPECT_EQ(v("ON_IS_A_STRING"), json::value("on"));
    EXPECT_EQ(v("QUOTED_INT"), json::value("5"));
    EXPECT_EQ(v("DOUBLE_QUOTED_BOOL"), json::value("true"));
    EXPECT_EQ(v("QUOTED_NULL"), json::value("~"));
    EXPECT_EQ(v("TAGGED_STR"), json::value("12"));
    EXPECT_TRUE(v("TAGGED_FLOAT").is_double());
    EXPECT_EQ(v("VERSION_LIKE"), json::value("1.2.3"));
    EXPECT_EQ(v("LITERAL"), json::value("two\nlines\n"));
}

TEST(SettingsYaml, CollectionsKeepNestedKeysAsWritten) {
    Settings s;
    s.load_yaml_string(R"(
downloader_middlewares:
  myproject.PoliteRetry: 560
  retry: null
feeds:
  items.jsonl: {format: jsonlines, overwrite: true}
retry_http_codes: [500, 503]
nested:
  - [1, 2]
  - {a: b}
)",
                       "settings.yaml");
    const auto mw = s.get_dict("DOWNLOADER_MIDDLEWARES");
    EXPECT_EQ(mw.at("myproject.PoliteRetry"), json::value(560));
    EXPECT_TRUE(mw.at("retry").is_null());
    EXPECT_FALSE(mw.contains("RETRY"));
    const auto feeds = s.get_dict("FEEDS");
    EXPECT_EQ(feeds.at("items.jsonl").at("format"), json::value("jsonlines"));
    EXPECT_EQ(feeds.at("items.jsonl").at("overwrite"), json::value(true));
    EXPECT_EQ(*s.find("RETRY_HTTP_CODES"), (json::value(json::array{500, 503})));
    json::value nested = json::array{json::array{1, 2}, json::object{{"a", "b"}}};
    EXPECT_EQ(*s.find("NESTED"), nested);
}

TEST(SettingsYaml, SourcesCarryTheLine) {
    Settings s;
    s.load_yaml_string("# comment\nDOWNLOAD_DELAY: 2\n\nconcurrent_requests: 4\n", "settings.yaml");
    EXPECT_EQ(s.source("DOWNLOAD_DELAY"), "settings.yaml:2");
    EXPECT_EQ(s.source("CONCURRENT_REQUESTS"), "settings.yaml:4");
    EXPECT_EQ(s.priority("DOWNLOAD_DELAY"), SettingPriority::project);
    s.load_yaml_string("DOWNLOAD_DELAY: 5\n", "spider", SettingPriority::spider);
    EXPECT_EQ(s.source("DOWNLOAD_DELAY"), "spider:1");
    s.load_yaml_string("DOWNLOAD_DELAY: 6\n", "settings.yaml");  // lower: ignored
    EXPECT_EQ(s.get_int("DOWNLOAD_DELAY"), 5);
}

TEST(SettingsYaml, EmptyDocumentsSetNothing) {
    const auto defaults = Settings{}.names();
    for (const char* text : {"", "# only a comment\n", "---\n", "~\n"}) {
        Settings s;
        EXPECT_NO_THROW(s.load_yaml_string(text, "settings.yaml")) << text;
        EXPECT_EQ(s.names(), defaults);
    }
}

TEST(SettingsYaml, ErrorsNameFileAndLine) {
    const std::pair<const char*, const char*> cases[] = {
        {"A: 1\nB: [1, 2\nC: 3\n", "settings.yaml:"},  // bad flow: reported where the parser noticed
        {"A: 1\n  B: 2\n", "settings.yaml:2: invalid YAML"},
        {"- a\n- b\n", "settings.yaml:1: expected a mapping of NAME: value at the top level, got a sequence"},
        {"\n\njust a string\n", "settings.yaml:3: expected a mapping"},
        {"A: 1\nB: 2\na: 3\n", "settings.yaml:3: A: set twice (first on line 1)"},
        {"A:\n  x: 1\n  x: 2\n", "settings.yaml:3: A: duplicate key 'x' (first on line 2)"},
        {"A: 1\n---\nB: 2\n", "settings.yaml:2: more than one YAML document"},
        // yaml-cpp 0.7's LoadAll loops forever on this one.
        {"{a: 1}, {b: 2}\n", "settings.yaml:1: more than one YAML document, or text after the first one"},
        {"A: 1\nB: !custom 2\n", "settings.yaml:2: B: unsupported YAML tag '!custom'"},
        {"A: 1\nB: !!int abc\n", "settings.yaml:2: B: 'abc' is not a valid !!int"},
        {"A: 1\n? [x]\n: 2\n", "settings.yaml:2: a setting name must be a non-empty string"},
        {"A: 1\n\"\": 2\n", "settings.yaml:2: a setting name must be a non-empty string"},
        {"A:\n  ? [x]\n  : 2\n", "settings.yaml:2: A: a mapping key must be a scalar"},
    };
    for (const auto& [yaml, expected] : cases) {
        Settings s;
        const auto message = error_of([&] { s.load_yaml_string(yaml, "settings.yaml"); });
        EXPECT_EQ(message.rfind(expected, 0), 0u) << "yaml:\n" << yaml << "\nmessage: " << message;
    }
}

TEST(SettingsYaml, BadFileChangesNothing) {
    Settings s;
    EXPECT_THROW(s.load_yaml_string("DOWNLOAD_DELAY: 9\nB: !!bool maybe\n", "settings.yaml"), SettingsError);
    EXPECT_EQ(s.get_int("DOWNLOAD_DELAY"), 0);
    EXPECT_FALSE(s.contains("B"));
}

TEST(SettingsYaml, AliasBombIsRefused) {
    std::string yaml = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
    for (int i = 1; i < 8; ++i) {
        yaml += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
        for (int j = 0; j < 10; ++j) {
            yaml += (j ? ", *a" : "*a") + std::to_string(i - 1);
        }
        yaml += "]\n";
    }
    Settings s;
    EXPECT_NE(error_of([&] { s.load_yaml_string(yaml, "bomb.yaml"); }).find("too many values"), std::string::npos);
}

TEST_F(SettingsFileTest, LoadsAFileAndNamesItInSources) {
    const auto path = write("settings.yaml", "BOT_NAME: quotes\nCONCURRENT_REQUESTS: many\n");
    Settings s;
    s.load_yaml_file(path);
    EXPECT_EQ(s.get_string("BOT_NAME"), "quotes");
    EXPECT_EQ(s.source("BOT_NAME"), path.string() + ":1");
    EXPECT_EQ(error_of([&] { s.get_int("CONCURRENT_REQUESTS"); }),
              path.string() + ":2: CONCURRENT_REQUESTS: expected an integer, got 'many'");
}

TEST_F(SettingsFileTest, WrongTypeReportsFileAndLine) {
    const auto path = write("settings.yaml", "# project settings\n\nDOWNLOAD_DELAY: abc\nRETRY_ENABLED: perhaps\n");
    Settings s;
    s.load_yaml_file(path);
    EXPECT_EQ(error_of([&] { s.get_double("DOWNLOAD_DELAY"); }),
              path.string() + ":3: DOWNLOAD_DELAY: expected a number, got 'abc'");
    EXPECT_EQ(error_of([&] { s.get_bool("RETRY_ENABLED"); }),
              path.string() + ":4: RETRY_ENABLED: expected a boolean (true/false, 1/0), got 'perhaps'");
}

TEST_F(SettingsFileTest, BadYamlReportsFileAndLine) {
    const auto path = write("settings.yaml", "BOT_NAME: quotes\nDOWNLOAD_DELAY: 1\n  oops: [\n");
    Settings s;
    const auto message = error_of([&] { s.load_yaml_file(path); });
    EXPECT_EQ(message.rfind(path.string() + ":3: invalid YAML: ", 0), 0u) << message;
}

TEST_F(SettingsFileTest, EmptyFileIsFine) {
    const auto path = write("empty.yaml", "");
    Settings s;
    EXPECT_NO_THROW(s.load_yaml_file(path));
    EXPECT_EQ(s.names(), Settings{}.names());
}

TEST_F(SettingsFileTest, MissingFileOrDirectoryIsAnError) {
    Settings s;
    const auto missing = dir_ / "missing.yaml";
    const auto message = error_of([&] { s.load_yaml_file(missing); });
    EXPECT_EQ(message.rfind(missing.string() + ": cannot read settings", 0), 0u) << message;
    EXPECT_THROW(s.load_yaml_file(dir_), SettingsError);
}

} // namespace
