#include <trawl/settings.hpp>

#include <boost/json/serialize.hpp>
#include <fmt/format.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>
#include <utility>

namespace trawl {

namespace detail {
// The built-in defaults as YAML; in default_settings.cpp.
std::string_view default_settings_yaml();
} // namespace detail

namespace {

namespace json = boost::json;

constexpr std::string_view builtin_source = "built-in";
constexpr std::string_view cmdline_source = "-s";

// A YAML stream of anchors and aliases can expand exponentially; settings
// never need this many values, so stop before memory does.
constexpr std::size_t max_yaml_values = 1'000'000;

std::string_view trim(std::string_view s) {
    constexpr std::string_view space = " \t\r\n";
    const auto first = s.find_first_not_of(space);
    if (first == std::string_view::npos) {
        return {};
    }
    return s.substr(first, s.find_last_not_of(space) - first + 1);
}

std::string ascii_upper(std::string_view s) {
    std::string upper(s);
    for (auto& c : upper) {
        if (c >= 'a' && c <= 'z') {
            c = static_cast<char>(c - 'a' + 'A');
        }
    }
    return upper;
}

std::string normalize_name(std::string_view name) {
    if (name.empty()) {
        throw SettingsError("empty setting name");
    }
    return ascii_upper(name);
}

std::string default_source(SettingPriority priority) {
    switch (priority) {
    case SettingPriority::builtin: return std::string(builtin_source);
    case SettingPriority::command: return "command";
    case SettingPriority::project: return "project settings";
    case SettingPriority::spider: return "spider custom_settings";
    case SettingPriority::cmdline: return std::string(cmdline_source);
    }
    return "priority " + std::to_string(static_cast<int>(priority));
}

bool all_of_digits(std::string_view s, std::string_view digits) {
    return !s.empty() && s.find_first_not_of(digits) == std::string_view::npos;
}

constexpr std::string_view dec_digits = "0123456789";

// YAML 1.2 core schema integers: [-+]?[0-9]+ | 0o[0-7]+ | 0x[0-9a-fA-F]+.
std::optional<json::value> resolve_int(std::string_view s) {
    int base = 10;
    std::string_view digits = s;
    if (s.starts_with("0o")) {
        base = 8;
        digits = s.substr(2);
        if (!all_of_digits(digits, "01234567")) {
            return std::nullopt;
        }
    } else if (s.starts_with("0x")) {
        base = 16;
        digits = s.substr(2);
        if (!all_of_digits(digits, "0123456789abcdefABCDEF")) {
            return std::nullopt;
        }
    } else {
        const auto unsigned_part = (s.starts_with('-') || s.starts_with('+')) ? s.substr(1) : s;
        if (!all_of_digits(unsigned_part, dec_digits)) {
            return std::nullopt;
        }
        if (s.starts_with('+')) {
            digits = s.substr(1);  // from_chars takes '-' but not '+'
        }
    }
    std::int64_t n = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n, base);
    if (ec == std::errc{} && end == digits.data() + digits.size()) {
        return json::value(n);
    }
    if (base == 10) {
        // Beyond int64: a double, as a JSON parser would give.
        double d = 0;
        std::from_chars(digits.data(), digits.data() + digits.size(), d);
        return json::value(d);
    }
    return std::nullopt;
}

// YAML 1.2 core schema floats.
std::optional<json::value> resolve_float(std::string_view s) {
    const bool negative = s.starts_with('-');
    const auto body = (negative || s.starts_with('+')) ? s.substr(1) : s;
    if (body == ".inf" || body == ".Inf" || body == ".INF") {
        const double inf = std::numeric_limits<double>::infinity();
        return json::value(negative ? -inf : inf);
    }
    if (s == ".nan" || s == ".NaN" || s == ".NAN") {
        return json::value(std::numeric_limits<double>::quiet_NaN());
    }
    // [-+]? ( \.[0-9]+ | [0-9]+ ( \.[0-9]* )? ) ( [eE] [-+]? [0-9]+ )?
    const auto exp_at = body.find_first_of("eE");
    const auto mantissa = body.substr(0, exp_at);
    const auto dot = mantissa.find('.');
    const auto int_part = mantissa.substr(0, dot);
    const auto frac_part = dot == std::string_view::npos ? std::string_view{} : mantissa.substr(dot + 1);
    const bool int_ok = int_part.empty() || all_of_digits(int_part, dec_digits);
    const bool frac_ok = frac_part.empty() || all_of_digits(frac_part, dec_digits);
    if (!int_ok || !frac_ok || (int_part.empty() && frac_part.empty())) {
        return std::nullopt;
    }
    if (exp_at != std::string_view::npos) {
        auto exponent = body.substr(exp_at + 1);
        if (exponent.starts_with('-') || exponent.starts_with('+')) {
            exponent.remove_prefix(1);
        }
        if (!all_of_digits(exponent, dec_digits)) {
            return std::nullopt;
        }
    }
    double d = 0;
    const auto [end, ec] = std::from_chars(body.data(), body.data() + body.size(), d);
    if (ec == std::errc::result_out_of_range) {
        d = std::numeric_limits<double>::infinity();  // underflow is not reported this way by libstdc++
    } else if (ec != std::errc{} || end != body.data() + body.size()) {
        return std::nullopt;
    }
    return json::value(negative ? -d : d);
}

/// What an untagged plain YAML scalar means under the YAML 1.2 core schema.
json::value resolve_plain_scalar(std::string_view s) {
    if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") {
        return nullptr;
    }
    if (s == "true" || s == "True" || s == "TRUE") {
        return true;
    }
    if (s == "false" || s == "False" || s == "FALSE") {
        return false;
    }
    if (auto n = resolve_int(s)) {
        return std::move(*n);
    }
    if (auto d = resolve_float(s)) {
        return std::move(*d);
    }
    return json::string(s);
}

std::string format_double(double d) {
    return fmt::format("{}", d);
}

/// A value as an error message shows it: strings quoted, the rest as JSON.
std::string describe(const json::value& v) {
    if (v.is_string()) {
        return fmt::format("'{}'", std::string_view(v.get_string()));
    }
    if (v.is_double()) {
        return format_double(v.get_double());
    }
    return json::serialize(v);
}

[[noreturn]] void type_error(std::string_view source, std::string_view name, std::string_view expected,
                             const json::value& got) {
    throw SettingsError(fmt::format("{}: {}: expected {}, got {}", source, normalize_name(name), expected,
                                    describe(got)));
}

std::optional<std::string> scalar_text(const json::value& v) {
    switch (v.kind()) {
    case json::kind::string: return std::string(v.get_string());
    case json::kind::bool_: return v.get_bool() ? "true" : "false";
    case json::kind::int64: return std::to_string(v.get_int64());
    case json::kind::uint64: return std::to_string(v.get_uint64());
    case json::kind::double_: return format_double(v.get_double());
    default: return std::nullopt;
    }
}

/// A number, or a string holding one ("12", " 0.5 ").
std::optional<json::value> as_number(const json::value& v) {
    if (v.is_number()) {
        return v;
    }
    if (v.is_string()) {
        auto resolved = resolve_plain_scalar(trim(v.get_string()));
        if (resolved.is_number()) {
            return resolved;
        }
    }
    return std::nullopt;
}

std::optional<std::int64_t> as_int(const json::value& v) {
    const auto n = as_number(v);
    if (!n) {
        return std::nullopt;
    }
    if (n->is_int64()) {
        return n->get_int64();
    }
    if (n->is_uint64()) {
        const auto u = n->get_uint64();
        if (u <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
            return static_cast<std::int64_t>(u);
        }
        return std::nullopt;
    }
    const double d = n->get_double();
    // 2^63 is exact as a double; the range check also rejects NaN.
    if (d >= -9223372036854775808.0 && d < 9223372036854775808.0 && std::trunc(d) == d) {
        return static_cast<std::int64_t>(d);
    }
    return std::nullopt;
}

/// Turns yaml-cpp nodes into JSON values, naming the source and line in errors.
class YamlReader {
public:
    /// `with_lines`: whether `source` is a document whose lines mean something.
    YamlReader(std::string source, bool with_lines) : source_(std::move(source)), with_lines_(with_lines) {}

    [[noreturn]] void fail(int line, std::string_view setting, std::string_view what) const {
        std::string where = with_lines_ ? fmt::format("{}:{}", source_, line) : source_;
        if (setting.empty()) {
            throw SettingsError(fmt::format("{}: {}", where, what));
        }
        throw SettingsError(fmt::format("{}: {}: {}", where, setting, what));
    }

    static int line_of_mark(const YAML::Mark& mark, int fallback) {
        return mark.is_null() || mark.line < 0 ? fallback : mark.line + 1;
    }
    static int line_of(const YAML::Node& node, int fallback) { return line_of_mark(node.Mark(), fallback); }

    json::value convert(const YAML::Node& node, std::string_view setting, int fallback_line) {
        const int line = line_of(node, fallback_line);
        if (++values_ > max_yaml_values) {
            fail(line, setting, "too many values (aliases expanding?)");
        }
        switch (node.Type()) {
        case YAML::NodeType::Undefined:
        case YAML::NodeType::Null:
            if (node.Tag() == str_tag) {
                return json::string();
            }
            return nullptr;
        case YAML::NodeType::Scalar: return convert_scalar(node, setting, line);
        case YAML::NodeType::Sequence: {
            json::array array;
            array.reserve(node.size());
            for (const auto& item : node) {
                array.push_back(convert(item, setting, line));
            }
            return array;
        }
        case YAML::NodeType::Map: {
            json::object object;
            std::map<std::string, int, std::less<>> key_lines;
            for (const auto& pair : node) {
                const int key_line = line_of(pair.first, line);
                if (!pair.first.IsScalar()) {
                    fail(key_line, setting, "a mapping key must be a scalar");
                }
                const auto& key = pair.first.Scalar();
                if (const auto [it, fresh] = key_lines.emplace(key, key_line); !fresh) {
                    fail(key_line, setting, fmt::format("duplicate key '{}' (first on line {})", key, it->second));
                }
                object[key] = convert(pair.second, setting, key_line);
            }
            return object;
        }
        }
        fail(line, setting, "unsupported YAML node");
    }

private:
    static constexpr std::string_view str_tag = "tag:yaml.org,2002:str";

    json::value convert_scalar(const YAML::Node& node, std::string_view setting, int line) const {
        const std::string& tag = node.Tag();
        const std::string& text = node.Scalar();
        // yaml-cpp tags quoted and block scalars "!" and plain ones "?".
        if (tag == "!" || tag == str_tag) {
            return json::string(text);
        }
        auto value = resolve_plain_scalar(text);
        if (tag == "?" || tag.empty()) {
            return value;
        }
        const bool fits = (tag == "tag:yaml.org,2002:int" && resolve_int(text)) ||
                          (tag == "tag:yaml.org,2002:float" && value.is_number()) ||
                          (tag == "tag:yaml.org,2002:bool" && value.is_bool()) ||
                          (tag == "tag:yaml.org,2002:null" && value.is_null());
        if (fits) {
            if (tag == "tag:yaml.org,2002:float") {
                return value.to_number<double>();
            }
            return value;
        }
        if (tag.starts_with("tag:yaml.org,2002:")) {
            fail(line, setting, fmt::format("'{}' is not a valid !!{}", text, tag.substr(18)));
        }
        fail(line, setting, fmt::format("unsupported YAML tag '{}'", tag));
    }

    std::string source_;
    bool with_lines_;
    std::size_t values_ = 0;
};

// Counts documents without building them.
class DocumentCounter final : public YAML::EventHandler {
public:
    void OnDocumentStart(const YAML::Mark& mark) override { start = mark; }
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
    void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
    void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
    void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
    void OnSequenceEnd() override {}
    void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
    void OnMapEnd() override {}

    YAML::Mark start = YAML::Mark::null_mark();
};

/// The one document of `text` (a Null node if there is none). Throws
/// YAML::Exception on bad YAML and fails with the reader on a second
/// document or text after the first. YAML::Load would silently drop the
/// rest, and YAML::LoadAll of yaml-cpp 0.7 never returns when a stray ','
/// follows a flow collection (jbeder/yaml-cpp#1040): its parser keeps
/// reporting empty documents, so stop counting at two.
YAML::Node load_one_document(const std::string& text, const YamlReader& reader, std::string_view setting) {
    std::istringstream in(text);
    YAML::Parser parser(in);
    DocumentCounter counter;
    int documents = 0;
    while (documents < 2 && parser.HandleNextDocument(counter)) {
        ++documents;
    }
    if (documents == 2) {
        reader.fail(YamlReader::line_of_mark(counter.start, 1), setting,
                    "more than one YAML document, or text after the first one");
    }
    return documents == 0 ? YAML::Node() : YAML::Load(text);
}

struct ParsedSetting {
    std::string name;
    json::value value;
    int line;
};

std::vector<ParsedSetting> parse_settings_yaml(std::string_view yaml, const std::string& source) {
    YamlReader reader(source, true);
    YAML::Node top;
    try {
        top = load_one_document(std::string(yaml), reader, {});
    } catch (const YAML::Exception& e) {
        reader.fail(YamlReader::line_of_mark(e.mark, 1), {}, fmt::format("invalid YAML: {}", e.msg));
    }
    std::vector<ParsedSetting> parsed;
    if (top.IsNull()) {
        return parsed;  // an empty file, or only comments
    }
    const int top_line = YamlReader::line_of(top, 1);
    if (!top.IsMap()) {
        reader.fail(top_line, {},
                    fmt::format("expected a mapping of NAME: value at the top level, got a {}",
                                top.IsSequence() ? "sequence" : "scalar"));
    }
    std::map<std::string, int, std::less<>> seen;
    try {
        for (const auto& pair : top) {
            const int line = YamlReader::line_of(pair.first, top_line);
            if (!pair.first.IsScalar() || trim(pair.first.Scalar()).empty()) {
                reader.fail(line, {}, "a setting name must be a non-empty string");
            }
            auto name = normalize_name(pair.first.Scalar());
            if (const auto [it, fresh] = seen.emplace(name, line); !fresh) {
                // YAML forbids duplicate keys; "last wins" would hide a mistake.
                reader.fail(line, name, fmt::format("set twice (first on line {})", it->second));
            }
            auto value = reader.convert(pair.second, name, line);
            parsed.push_back({std::move(name), std::move(value), line});
        }
    } catch (const YAML::Exception& e) {
        reader.fail(YamlReader::line_of_mark(e.mark, top_line), {}, e.msg);
    }
    return parsed;
}

/// VALUE of "-s NAME=VALUE": a plain scalar as YAML would read it, a quoted
/// scalar, or a flow collection. Anything else stays the string it is, so
/// that `-s USER_AGENT=a: b` is not a mapping.
json::value parse_cmdline_value(std::string_view name, std::string_view text) {
    if (text.empty()) {
        return json::string();  // as in Scrapy, where -s values are strings
    }
    const char first = text.front();
    if (first != '[' && first != '{' && first != '"' && first != '\'') {
        return resolve_plain_scalar(text);
    }
    YamlReader reader(std::string(cmdline_source), false);
    const auto normalized = normalize_name(name);
    YAML::Node node;
    try {
        node = load_one_document(std::string(text), reader, normalized);
    } catch (const YAML::Exception& e) {
        reader.fail(0, normalized, fmt::format("invalid YAML value '{}': {}", text, e.msg));
    }
    const bool quoted = first == '"' || first == '\'';
    if (quoted ? !node.IsScalar() : !(node.IsMap() || node.IsSequence())) {
        reader.fail(0, normalized, fmt::format("invalid YAML value '{}'", text));
    }
    return reader.convert(node, normalized, 0);
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) {
        row[j] = j;
    }
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = up;
        }
    }
    return row[b.size()];
}

const std::vector<ParsedSetting>& builtin_defaults() {
    static const auto defaults = parse_settings_yaml(detail::default_settings_yaml(), std::string(builtin_source));
    return defaults;
}

} // namespace

Settings::Settings() {
    for (const auto& setting : builtin_defaults()) {
        entries_.insert_or_assign(setting.name, Entry{setting.value, SettingPriority::builtin, std::string(builtin_source)});
        known_.insert_or_assign(setting.name, true);
    }
}

const Settings::Entry* Settings::entry(std::string_view name) const {
    if (name.empty()) {
        return nullptr;
    }
    const auto it = entries_.find(normalize_name(name));
    return it == entries_.end() ? nullptr : &it->second;
}

void Settings::set(std::string_view name, boost::json::value value, SettingPriority priority, std::string source) {
    auto normalized = normalize_name(name);
    if (frozen_) {
        throw SettingsError(fmt::format("cannot set {}: the settings are frozen", normalized));
    }
    if (source.empty()) {
        source = default_source(priority);
    }
    const auto it = entries_.find(normalized);
    if (it == entries_.end()) {
        entries_.emplace(std::move(normalized), Entry{std::move(value), priority, std::move(source)});
    } else if (priority >= it->second.priority) {
        it->second = Entry{std::move(value), priority, std::move(source)};
    }
}

void Settings::set_from_cmdline(std::string_view name_equals_value) {
    const auto eq = name_equals_value.find('=');
    const auto name = trim(name_equals_value.substr(0, eq));
    if (eq == std::string_view::npos || name.empty()) {
        throw SettingsError(fmt::format("-s {}: expected NAME=VALUE", name_equals_value));
    }
    if (frozen_) {
        throw SettingsError(fmt::format("cannot set {}: the settings are frozen", normalize_name(name)));
    }
    set(name, parse_cmdline_value(name, trim(name_equals_value.substr(eq + 1))), SettingPriority::cmdline,
        std::string(cmdline_source));
}

void Settings::load_yaml_file(const std::filesystem::path& path, SettingPriority priority) {
    if (frozen_) {
        throw SettingsError(fmt::format("cannot load {}: the settings are frozen", path.string()));
    }
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
        throw SettingsError(fmt::format("{}: cannot read settings: it is a directory", path.string()));
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw SettingsError(fmt::format("{}: cannot read settings: {}", path.string(), std::strerror(errno)));
    }
    std::ostringstream text;
    text << in.rdbuf();  // sets failbit on an empty file, which is fine
    if (in.bad()) {
        throw SettingsError(fmt::format("{}: cannot read settings", path.string()));
    }
    load_yaml_string(std::move(text).str(), path.string(), priority);
}

void Settings::load_yaml_string(std::string_view yaml, std::string source_name, SettingPriority priority) {
    if (frozen_) {
        throw SettingsError(fmt::format("cannot load {}: the settings are frozen", source_name));
    }
    // Parse everything before setting anything: a bad file changes nothing.
    auto parsed = parse_settings_yaml(yaml, source_name);
    for (auto& setting : parsed) {
        set(setting.name, std::move(setting.value), priority, fmt::format("{}:{}", source_name, setting.line));
    }
}

void Settings::declare(std::string_view name, boost::json::value default_value) {
    auto normalized = normalize_name(name);
    if (frozen_) {
        throw SettingsError(fmt::format("cannot declare {}: the settings are frozen", normalized));
    }
    known_.insert_or_assign(normalized, true);
    if (!entries_.contains(normalized)) {
        entries_.emplace(std::move(normalized),
                         Entry{std::move(default_value), SettingPriority::builtin, std::string(builtin_source)});
    }
}

bool Settings::contains(std::string_view name) const {
    return entry(name) != nullptr;
}

const boost::json::value* Settings::find(std::string_view name) const {
    const auto* e = entry(name);
    return e ? &e->value : nullptr;
}

std::optional<SettingPriority> Settings::priority(std::string_view name) const {
    const auto* e = entry(name);
    return e ? std::optional(e->priority) : std::nullopt;
}

std::string Settings::source(std::string_view name) const {
    const auto* e = entry(name);
    return e ? e->source : std::string();
}

// In every typed getter a null value counts as unset: it is how YAML writes
// "no value" (`LOG_FILE:`), and Scrapy's None defaults mean the same.

bool Settings::get_bool(std::string_view name, bool fallback) const {
    const auto* e = entry(name);
    if (!e || e->value.is_null()) {
        return fallback;
    }
    const auto& v = e->value;
    if (v.is_bool()) {
        return v.get_bool();
    }
    if (v.is_int64() || v.is_uint64()) {
        if (const auto n = as_int(v); n && (*n == 0 || *n == 1)) {
            return *n == 1;
        }
    }
    if (v.is_string()) {
        const auto text = ascii_upper(trim(v.get_string()));
        if (text == "TRUE" || text == "1") {
            return true;
        }
        if (text == "FALSE" || text == "0") {
            return false;
        }
    }
    type_error(e->source, name, "a boolean (true/false, 1/0)", v);
}

std::int64_t Settings::get_int(std::string_view name, std::int64_t fallback) const {
    const auto* e = entry(name);
    if (!e || e->value.is_null()) {
        return fallback;
    }
    if (const auto n = as_int(e->value)) {
        return *n;
    }
    type_error(e->source, name, "an integer", e->value);
}

double Settings::get_double(std::string_view name, double fallback) const {
    const auto* e = entry(name);
    if (!e || e->value.is_null()) {
        return fallback;
    }
    if (const auto n = as_number(e->value)) {
        return n->to_number<double>();
    }
    type_error(e->source, name, "a number", e->value);
}

std::string Settings::get_string(std::string_view name, std::string fallback) const {
    const auto* e = entry(name);
    if (!e || e->value.is_null()) {
        return fallback;
    }
    if (auto text = scalar_text(e->value)) {
        return std::move(*text);
    }
    type_error(e->source, name, "a string", e->value);
}

std::vector<std::string> Settings::get_list(std::string_view name) const {
    const auto* e = entry(name);
    std::vector<std::string> list;
    if (!e || e->value.is_null()) {
        return list;
    }
    const auto& v = e->value;
    if (v.is_string()) {
        std::string_view rest = v.get_string();
        if (trim(rest).empty()) {
            return list;
        }
        for (;;) {
            const auto comma = rest.find(',');
            list.emplace_back(trim(rest.substr(0, comma)));
            if (comma == std::string_view::npos) {
                return list;
            }
            rest.remove_prefix(comma + 1);
        }
    }
    if (auto text = scalar_text(v)) {
        list.push_back(std::move(*text));
        return list;
    }
    if (v.is_array()) {
        for (const auto& item : v.get_array()) {
            auto text = scalar_text(item);
            if (!text) {
                type_error(e->source, name, "a list of strings or numbers", v);
            }
            list.push_back(std::move(*text));
        }
        return list;
    }
    type_error(e->source, name, "a list", v);
}

boost::json::object Settings::get_dict(std::string_view name) const {
    const auto* e = entry(name);
    if (!e || e->value.is_null()) {
        return {};
    }
    const auto& v = e->value;
    if (v.is_object()) {
        return v.get_object();
    }
    if (v.is_string()) {
        // As Scrapy parses a JSON string; YAML flow syntax is a superset.
        const auto text = trim(v.get_string());
        if (text.empty()) {
            return {};
        }
        if (text.front() == '{') {
            try {
                auto parsed = parse_cmdline_value(name, text);
                if (parsed.is_object()) {
                    return std::move(parsed.get_object());
                }
            } catch (const SettingsError&) {
                // reported below with this setting's own source
            }
        }
    }
    type_error(e->source, name, "a mapping", v);
}

std::chrono::nanoseconds Settings::get_seconds(std::string_view name, std::chrono::nanoseconds fallback) const {
    const auto* e = entry(name);
    if (!e || e->value.is_null()) {
        return fallback;
    }
    constexpr std::int64_t max_seconds = std::numeric_limits<std::int64_t>::max() / 1'000'000'000;
    if (const auto n = as_number(e->value)) {
        if (n->is_double()) {
            const double d = n->get_double();
            if (d >= 0 && d <= static_cast<double>(max_seconds)) {
                return std::chrono::nanoseconds(std::llround(d * 1e9));
            }
        } else if (const auto i = as_int(*n); i && *i >= 0 && *i <= max_seconds) {
            return std::chrono::seconds(*i);
        }
    }
    type_error(e->source, name, "a non-negative number of seconds", e->value);
}

std::vector<std::string> Settings::unknown_setting_warnings() const {
    std::vector<std::string> warnings;
    for (const auto& [name, e] : entries_) {
        if (e.priority == SettingPriority::builtin || known_.contains(name)) {
            continue;
        }
        const std::size_t limit = std::max<std::size_t>(2, name.size() / 4);
        const std::string* best = nullptr;
        std::size_t best_distance = limit + 1;
        for (const auto& [known, unused] : known_) {
            if (const auto d = edit_distance(name, known); d < best_distance) {
                best = &known;
                best_distance = d;
            }
        }
        auto warning = fmt::format("unknown setting '{}' ({})", name, e.source);
        if (best) {
            warning += fmt::format("; did you mean '{}'?", *best);
        }
        warnings.push_back(std::move(warning));
    }
    return warnings;
}

std::vector<std::string> Settings::names() const {
    std::vector<std::string> all;
    all.reserve(entries_.size());
    for (const auto& [name, unused] : entries_) {
        all.push_back(name);
    }
    return all;
}

} // namespace trawl
