#pragma once
// ITEM_SCHEMA for the "validate" pipeline: what each item kind must hold.
//
//   book:                          # an item kind ("*": kinds not listed)
//     required: [title, price]     # or `required: true` on a field
//     additional: false            # fields not listed are an error (default true)
//     fields:
//       title: {type: string, min_length: 1, max_length: 200}
//       price: {type: number, min: 0}
//       url: url                   # shorthand for {type: url}
//       tags: {type: list, max_length: 20}
//       isbn: "string?"            # a trailing ? also allows null
//
// Types: string, int, float (a JSON double), number (int or float), bool,
// list, object, url (a string with a scheme and a host), any. min/max bound
// numbers; min_length/max_length bound strings (in UTF-8 characters) and
// lists (in elements).

#include <trawl/item.hpp>

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace trawl::pipelines {

struct FieldRule {
    enum class Type { any, string, integer, floating, number, boolean, list, object, url };
    Type type = Type::any;
    bool nullable = false;
    bool required = false;
    std::optional<double> min;
    std::optional<double> max;
    std::optional<std::size_t> min_length;
    std::optional<std::size_t> max_length;
};

struct KindSchema {
    std::vector<std::pair<std::string, FieldRule>> fields;  // in the schema's order
    bool additional = true;
};

/// Why an item does not match: `key` is short and stable, for stats
/// ("price/required"); `message` is for the log ("missing required field 'price'").
struct Violation {
    std::string key;
    std::string message;
};

class ItemSchema {
public:
    /// Parses a YAML schema. `source` names it in errors ("schema.yaml");
    /// with `lines` true, errors add the line ("schema.yaml:12: ..."). Throws
    /// SettingsError for bad YAML, an unknown type, key or kind entry, or
    /// bounds of the wrong type.
    static ItemSchema parse(std::string_view yaml, const std::string& source, bool lines = true);
    /// Reads and parses a schema file; throws SettingsError if unreadable.
    static ItemSchema load_file(const std::string& path);

    /// The first rule `item` breaks, or nothing. Kinds the schema does not
    /// list (and no "*") always pass.
    std::optional<Violation> check(const Item& item) const;

    bool has_kind(std::string_view kind) const;

private:
    std::map<std::string, KindSchema, std::less<>> kinds_;
};

} // namespace trawl::pipelines
