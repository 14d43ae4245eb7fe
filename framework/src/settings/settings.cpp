#include <trawl/settings.hpp>

#include "settings/default_settings.hpp"
#include "settings/yaml_values.hpp"

#include <boost/json/serialize.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>
#include <utility>

namespace trawl {

namespace {

namespace json = boost::json;

using detail::ascii_upper;
using detail::cmdline_source;
using detail::normalize_name;
using detail::parse_cmdline_value;
using detail::parse_settings_yaml;
using detail::ParsedSetting;
using detail::resolve_plain_scalar;
using detail::trim;

constexpr std::string_view builtin_source = "built-in";

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
