// `trawl settings`: prints the value a setting has with ./settings.yaml and
// -s applied, as `scrapy settings` does (Scrapy 2.8's output, so that
// scripts written for it read the same):
//   --get NAME       the raw value: strings as they are, True/False, None
//                    when unset, numbers as Python prints them, lists and
//                    dicts as JSON
//   --getbool NAME   True or False (False when unset)
//   --getint NAME    an integer (0 when unset)
//   --getfloat NAME  a float, always with a decimal point or exponent (0.0)
//   --getlist NAME   a JSON array ([] when unset); a string is split at
//                    commas. (Scrapy prints a Python list.)
// A value of the wrong type for the conversion is a settings error (exit 2).
// Without an option, every setting is printed as "NAME: JSON  # source".
// Spiders' custom_settings are not applied: no spider is involved.

#include "cli/command_context.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <fmt/format.h>

#include <memory>
#include <string>

namespace trawl::cli {

namespace {

namespace json = boost::json;

struct SettingsOptions {
    CommonOptions common;
    std::string get;
    std::string get_bool;
    std::string get_int;
    std::string get_float;
    std::string get_list;
};

/// A double as Python's repr() writes it: shortest round trip, and "1.0"
/// rather than "1".
std::string python_float(double value)
{
    auto text = fmt::format("{}", value);
    if (text.find_first_not_of("-0123456789") == std::string::npos) {
        text += ".0";
    }
    return text;
}

/// JSON as Python's json.dumps() writes it (", " and ": " separators).
std::string python_json(const json::value& value)
{
    switch (value.kind()) {
    case json::kind::array: {
        std::string text = "[";
        for (const auto& element : value.get_array()) {
            text += (text.size() > 1 ? ", " : "") + python_json(element);
        }
        return text + "]";
    }
    case json::kind::object: {
        std::string text = "{";
        for (const auto& [key, element] : value.get_object()) {
            text += (text.size() > 1 ? ", " : "") + json::serialize(json::string(key)) + ": " + python_json(element);
        }
        return text + "}";
    }
    case json::kind::double_: return python_float(value.get_double());
    default: return json::serialize(value);
    }
}

/// What Python's print() shows of the value Scrapy's settings.get() returns.
std::string python_print(const json::value* value)
{
    if (value == nullptr || value->is_null()) {
        return "None";
    }
    switch (value->kind()) {
    case json::kind::string: return std::string(value->get_string());
    case json::kind::bool_: return value->get_bool() ? "True" : "False";
    case json::kind::double_: return python_float(value->get_double());
    default: return python_json(*value);
    }
}

std::string json_list(const std::vector<std::string>& items)
{
    json::array array;
    for (const auto& item : items) {
        array.emplace_back(item);
    }
    return python_json(array);
}

int run_settings(const SettingsOptions& options)
{
    const auto settings = load_settings(options.common);
    if (!options.get.empty()) {
        fmt::print("{}\n", python_print(settings.find(options.get)));
    } else if (!options.get_bool.empty()) {
        fmt::print("{}\n", settings.get_bool(options.get_bool) ? "True" : "False");
    } else if (!options.get_int.empty()) {
        fmt::print("{}\n", settings.get_int(options.get_int));
    } else if (!options.get_float.empty()) {
        fmt::print("{}\n", python_float(settings.get_double(options.get_float)));
    } else if (!options.get_list.empty()) {
        // A list is printed as it is (numbers stay numbers, as Scrapy's
        // getlist returns a list unchanged); anything else as strings.
        const auto list = settings.get_list(options.get_list);  // throws for a dict
        const auto* value = settings.find(options.get_list);
        fmt::print("{}\n", value != nullptr && value->is_array() ? python_json(*value) : json_list(list));
    } else {
        for (const auto& name : settings.names()) {
            fmt::print("{}: {}  # {}\n", name, python_json(*settings.find(name)), settings.source(name));
        }
    }
    return exit_ok;
}

} // namespace

void add_settings_command(CLI::App& app)
{
    auto options = std::make_shared<SettingsOptions>();
    auto* command = app.add_subcommand("settings", "Print the value of a setting (all of them without an option)");
    auto* get = command->add_option("--get", options->get, "print the raw value of SETTING")->type_name("SETTING");
    auto* get_bool = command->add_option("--getbool", options->get_bool, "print SETTING as a boolean")
                         ->type_name("SETTING");
    auto* get_int = command->add_option("--getint", options->get_int, "print SETTING as an integer")
                        ->type_name("SETTING");
    auto* get_float = command->add_option("--getfloat", options->get_float, "print SETTING as a float")
                          ->type_name("SETTING");
    auto* get_list = command->add_option("--getlist", options->get_list, "print SETTING as a list (JSON)")
                         ->type_name("SETTING");
    const std::vector<CLI::Option*> all{get, get_bool, get_int, get_float, get_list};
    for (auto* option : all) {
        for (auto* other : all) {
            if (other != option) {
                option->excludes(other);
            }
        }
    }
    add_common_options(*command, options->common);
    command->callback([options] {
        throw CLI::RuntimeError(run_command("settings", [&] { return run_settings(*options); }));
    });
}

} // namespace trawl::cli
