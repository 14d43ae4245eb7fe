#include "settings/yaml_values.hpp"

#include <trawl/settings.hpp>

#include <fmt/format.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <sstream>
#include <utility>

namespace trawl::detail {

namespace {

namespace json = boost::json;

// A YAML stream of anchors and aliases can expand exponentially; settings
// never need this many values, so stop before memory does.
constexpr std::size_t max_yaml_values = 1'000'000;

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

} // namespace

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

namespace {

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

} // namespace

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

// Text that is neither a flow collection nor quoted stays the string it is,
// so that `-s USER_AGENT=a: b` is not a mapping.
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

} // namespace trawl::detail
