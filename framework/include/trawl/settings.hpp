#pragma once
// Settings: Scrapy's names and defaults, read from YAML.
//
// Names are case-insensitive and stored UPPER_SNAKE. Every value remembers the
// priority it was set at and where it came from (file:line, "-s", a spider's
// custom_settings); a set at a lower priority than the current one is
// ignored, so precedence is: built-in defaults < project settings.yaml <
// spider custom_settings < command line -s.
//
// Values are JSON values (bool, int64, double, string, array, object, null),
// so dict settings such as DOWNLOADER_MIDDLEWARES fit as they are.
//
// Thread-safety: fill settings on one thread, then freeze(); a frozen
// Settings is read-only and may be read from any thread.

#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace trawl {

enum class SettingPriority : int {
    builtin = 0,   ///< defaults shipped with trawl
    command = 10,  ///< set by a command (e.g. `trawl fetch` turning a feature off)
    project = 20,  ///< the project's settings.yaml
    spider = 30,   ///< a spider's custom_settings
    cmdline = 40,  ///< -s NAME=VALUE
};

/// A configuration error: bad YAML, a wrong type, a frozen Settings written.
/// what() names where: "settings.yaml:12: DOWNLOAD_DELAY: expected a number, got 'abc'".
class SettingsError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class Settings {
public:
    /// Settings holding trawl's built-in defaults (Scrapy's names and values).
    Settings();

    /// Sets `name` to `value` if `priority` is at least the current value's.
    /// `source` says where it came from, for error messages ("settings.yaml:3").
    /// Throws SettingsError if frozen.
    void set(std::string_view name, boost::json::value value,
             SettingPriority priority = SettingPriority::project, std::string source = {});

    /// Parses a command-line "NAME=VALUE" (VALUE read as a YAML scalar or flow
    /// collection: `-s DOWNLOAD_DELAY=0.5`, `-s 'ITEM_PIPELINES={a: 1}'`) at
    /// SettingPriority::cmdline. Throws SettingsError if there is no '='.
    void set_from_cmdline(std::string_view name_equals_value);

    /// Reads a YAML mapping of NAME: value. Throws SettingsError with file and
    /// line on bad YAML or a top level that is not a mapping.
    void load_yaml_file(const std::filesystem::path& path,
                        SettingPriority priority = SettingPriority::project);
    void load_yaml_string(std::string_view yaml, std::string source_name,
                          SettingPriority priority = SettingPriority::project);

    /// Registers a setting a component reads, with its default (set at
    /// builtin priority unless already set), so that it counts as known.
    void declare(std::string_view name, boost::json::value default_value);

    bool contains(std::string_view name) const;
    /// The raw value, or nullptr.
    const boost::json::value* find(std::string_view name) const;
    std::optional<SettingPriority> priority(std::string_view name) const;
    /// Where the current value was set ("built-in", "settings.yaml:4", "-s").
    std::string source(std::string_view name) const;

    // Typed getters. Each throws SettingsError naming the setting and its
    // source when the value has the wrong type. A missing setting gives the
    // fallback. Conversions follow Scrapy: get_bool accepts true/false,
    // 1/0 and the strings "true"/"false"/"1"/"0" (any case); numbers accept
    // numeric strings; get_list accepts a comma-separated string.
    bool get_bool(std::string_view name, bool fallback = false) const;
    std::int64_t get_int(std::string_view name, std::int64_t fallback = 0) const;
    double get_double(std::string_view name, double fallback = 0.0) const;
    std::string get_string(std::string_view name, std::string fallback = {}) const;
    std::vector<std::string> get_list(std::string_view name) const;
    boost::json::object get_dict(std::string_view name) const;
    /// A number of seconds (int or float) as a duration.
    std::chrono::nanoseconds get_seconds(std::string_view name,
                                         std::chrono::nanoseconds fallback = {}) const;

    /// Names set by the user (priority above builtin) that no default or
    /// declare() knows, each as a warning with the nearest known name:
    /// "unknown setting 'DOWNLOAD_DELAI' (settings.yaml:3); did you mean 'DOWNLOAD_DELAY'?"
    std::vector<std::string> unknown_setting_warnings() const;

    /// Makes the settings read-only.
    void freeze() noexcept { frozen_ = true; }
    bool frozen() const noexcept { return frozen_; }

    /// Every setting, for dumping (`trawl settings`).
    std::vector<std::string> names() const;

private:
    struct Entry {
        boost::json::value value;
        SettingPriority priority = SettingPriority::builtin;
        std::string source;
    };
    const Entry* entry(std::string_view name) const;

    std::map<std::string, Entry, std::less<>> entries_;
    std::map<std::string, bool, std::less<>> known_;  // names with a default or declare()
    bool frozen_ = false;
};

} // namespace trawl
