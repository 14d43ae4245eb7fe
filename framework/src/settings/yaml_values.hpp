#pragma once
// Internal header (framework/src): reading settings written as YAML into
// JSON values, under the YAML 1.2 core schema. yaml-cpp stays behind it.
// Errors are trawl::SettingsError naming the source (and line, for files).

#include <boost/json/value.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace trawl::detail {

/// The source of a "-s NAME=VALUE" setting, as errors and Settings::source show it.
inline constexpr std::string_view cmdline_source = "-s";

/// `s` without leading and trailing spaces, tabs, CRs and LFs.
std::string_view trim(std::string_view s);

/// `s` with a-z turned into A-Z; other bytes unchanged, whatever the locale.
std::string ascii_upper(std::string_view s);

/// A setting name as stored: upper case. Throws SettingsError if empty.
std::string normalize_name(std::string_view name);

/// What an untagged plain YAML scalar means under the YAML 1.2 core schema:
/// null, a bool, an int64 (a double past its range), a double, or a string.
boost::json::value resolve_plain_scalar(std::string_view s);

struct ParsedSetting {
    std::string name;  ///< normalized
    boost::json::value value;
    int line;  ///< 1-based, of the name
};

/// The settings of a YAML document that is a mapping of NAME: value, in
/// document order. Empty for an empty document. Throws SettingsError as
/// "source:line: ..." on bad YAML, a second document, a top level that is
/// not a mapping, a name set twice or too many values.
std::vector<ParsedSetting> parse_settings_yaml(std::string_view yaml, const std::string& source);

/// VALUE of "-s NAME=VALUE": a plain scalar as YAML would read it, a quoted
/// scalar, or a flow collection. Throws SettingsError naming `name`.
boost::json::value parse_cmdline_value(std::string_view name, std::string_view text);

} // namespace trawl::detail
