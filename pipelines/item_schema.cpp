#include "item_schema.hpp"

#include <trawl/settings.hpp>

#include <boost/url/parse.hpp>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <fstream>
#include <sstream>

namespace trawl::pipelines {

namespace {

using Type = FieldRule::Type;

constexpr std::array<std::pair<std::string_view, Type>, 9> type_names{{
    {"any", Type::any},
    {"string", Type::string},
    {"int", Type::integer},
    {"float", Type::floating},
    {"number", Type::number},
    {"bool", Type::boolean},
    {"list", Type::list},
    {"object", Type::object},
    {"url", Type::url},
}};

std::string_view type_name(Type type)
{
    for (const auto& [name, value] : type_names) {
        if (value == type) {
            return name;
        }
    }
    return "any";
}

class Parser {
public:
    Parser(const std::string& source, bool lines) : source_(source), lines_(lines) {}

    [[noreturn]] void fail(const YAML::Node& at, std::string_view message) const
    {
        if (lines_ && !at.Mark().is_null()) {
            throw SettingsError{fmt::format("{}:{}: ITEM_SCHEMA: {}", source_, at.Mark().line + 1, message)};
        }
        throw SettingsError{fmt::format("{}: ITEM_SCHEMA: {}", source_, message)};
    }

    template <class T>
    T scalar(const YAML::Node& node, std::string_view what) const
    {
        if (!node.IsScalar()) {
            fail(node, fmt::format("{}: expected a scalar", what));
        }
        try {
            return node.as<T>();
        } catch (const YAML::Exception&) {
            fail(node, fmt::format("{}: '{}' is not a valid value", what, node.Scalar()));
        }
    }

    Type parse_type(const YAML::Node& node, std::string_view where, bool& nullable) const
    {
        auto name = scalar<std::string>(node, where);
        if (!name.empty() && name.back() == '?') {
            nullable = true;
            name.pop_back();
        }
        for (const auto& [known, type] : type_names) {
            if (known == name) {
                return type;
            }
        }
        fail(node, fmt::format("{}: unknown type '{}' (expected string, int, float, number, bool, list, object, "
                               "url or any)",
                               where, name));
    }

    FieldRule parse_field(const YAML::Node& node, const std::string& where) const
    {
        FieldRule rule;
        if (node.IsScalar()) {
            rule.type = parse_type(node, where, rule.nullable);
            return rule;
        }
        if (!node.IsMap()) {
            fail(node, fmt::format("{}: expected a type name or a mapping", where));
        }
        for (const auto& entry : node) {
            const auto key = entry.first.as<std::string>();
            const auto& value = entry.second;
            const auto what = fmt::format("{}.{}", where, key);
            if (key == "type") {
                rule.type = parse_type(value, what, rule.nullable);
            } else if (key == "required") {
                rule.required = scalar<bool>(value, what);
            } else if (key == "nullable") {
                rule.nullable = scalar<bool>(value, what);
            } else if (key == "min") {
                rule.min = scalar<double>(value, what);
            } else if (key == "max") {
                rule.max = scalar<double>(value, what);
            } else if (key == "min_length" || key == "max_length") {
                const auto length = scalar<long long>(value, what);
                if (length < 0) {
                    fail(value, fmt::format("{}: must not be negative", what));
                }
                (key == "min_length" ? rule.min_length : rule.max_length) = static_cast<std::size_t>(length);
            } else {
                fail(entry.first, fmt::format("{}: unknown rule '{}' (expected type, required, nullable, min, max, "
                                              "min_length or max_length)",
                                              where, key));
            }
        }
        const bool numeric = rule.type == Type::integer || rule.type == Type::floating || rule.type == Type::number;
        if ((rule.min || rule.max) && !numeric && rule.type != Type::any) {
            fail(node, fmt::format("{}: min/max apply to numbers, not to {}", where, type_name(rule.type)));
        }
        const bool sized = rule.type == Type::string || rule.type == Type::url || rule.type == Type::list;
        if ((rule.min_length || rule.max_length) && !sized && rule.type != Type::any) {
            fail(node, fmt::format("{}: min_length/max_length apply to strings and lists, not to {}", where,
                                   type_name(rule.type)));
        }
        return rule;
    }

    KindSchema parse_kind(const YAML::Node& node, const std::string& kind) const
    {
        if (!node.IsMap()) {
            fail(node, fmt::format("{}: expected a mapping with fields, required, additional", kind));
        }
        KindSchema schema;
        std::vector<std::pair<std::string, YAML::Node>> required;
        for (const auto& entry : node) {
            const auto key = entry.first.as<std::string>();
            const auto& value = entry.second;
            if (key == "fields") {
                if (!value.IsMap()) {
                    fail(value, fmt::format("{}.fields: expected a mapping of field names to rules", kind));
                }
                for (const auto& field : value) {
                    const auto name = field.first.as<std::string>();
                    schema.fields.emplace_back(name, parse_field(field.second, kind + "." + name));
                }
            } else if (key == "required") {
                if (!value.IsSequence()) {
                    fail(value, fmt::format("{}.required: expected a list of field names", kind));
                }
                for (const auto& name : value) {
                    required.emplace_back(scalar<std::string>(name, kind + ".required"), name);
                }
            } else if (key == "additional") {
                schema.additional = scalar<bool>(value, kind + ".additional");
            } else {
                fail(entry.first, fmt::format("{}: unknown key '{}' (expected fields, required or additional)", kind,
                                              key));
            }
        }
        for (const auto& [name, at] : required) {
            auto it = std::find_if(schema.fields.begin(), schema.fields.end(),
                                   [&](const auto& field) { return field.first == name; });
            if (it == schema.fields.end()) {
                FieldRule rule;
                rule.required = true;
                schema.fields.emplace_back(name, rule);
            } else {
                it->second.required = true;
            }
        }
        return schema;
    }

private:
    const std::string& source_;
    bool lines_;
};

std::size_t utf8_length(std::string_view text)
{
    std::size_t count = 0;
    for (const char c : text) {
        // Continuation bytes (10xxxxxx) belong to the character before.
        count += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    }
    return count;
}

bool is_url(std::string_view text)
{
    auto parsed = boost::urls::parse_uri(text);
    return parsed && parsed->has_authority() && !parsed->host().empty();
}

std::optional<double> number_of(const boost::json::value& value)
{
    if (value.is_int64()) {
        return static_cast<double>(value.get_int64());
    }
    if (value.is_uint64()) {
        return static_cast<double>(value.get_uint64());
    }
    if (value.is_double()) {
        return value.get_double();
    }
    return std::nullopt;
}

bool has_type(const boost::json::value& value, Type type)
{
    switch (type) {
    case Type::any:
        return true;
    case Type::string:
        return value.is_string();
    case Type::url:
        return value.is_string() && is_url(std::string_view{value.get_string().data(), value.get_string().size()});
    case Type::integer:
        return value.is_int64() || value.is_uint64();
    case Type::floating:
        return value.is_double();
    case Type::number:
        return value.is_number();
    case Type::boolean:
        return value.is_bool();
    case Type::list:
        return value.is_array();
    case Type::object:
        return value.is_object();
    }
    return false;
}

std::string fmt_number(double value)
{
    return fmt::format("{}", value);
}

std::optional<Violation> check_field(const std::string& name, const FieldRule& rule, const boost::json::value& value)
{
    if (value.is_null()) {
        if (rule.nullable || rule.type == Type::any) {
            return std::nullopt;
        }
        return Violation{name + "/null", fmt::format("field '{}' is null", name)};
    }
    if (!has_type(value, rule.type)) {
        return Violation{name + "/type", fmt::format("field '{}' is not of type {} (got {})", name,
                                                      type_name(rule.type), std::string_view{boost::json::to_string(value.kind())})};
    }
    if (auto number = number_of(value)) {
        if (rule.min && *number < *rule.min) {
            return Violation{name + "/min", fmt::format("field '{}' is {}, below the minimum {}", name,
                                                         fmt_number(*number), fmt_number(*rule.min))};
        }
        if (rule.max && *number > *rule.max) {
            return Violation{name + "/max", fmt::format("field '{}' is {}, above the maximum {}", name,
                                                         fmt_number(*number), fmt_number(*rule.max))};
        }
    }
    std::optional<std::size_t> length;
    if (value.is_string()) {
        length = utf8_length(std::string_view{value.get_string().data(), value.get_string().size()});
    } else if (value.is_array()) {
        length = value.get_array().size();
    }
    if (length) {
        if (rule.min_length && *length < *rule.min_length) {
            return Violation{name + "/min_length", fmt::format("field '{}' has length {}, below the minimum {}", name,
                                                                *length, *rule.min_length)};
        }
        if (rule.max_length && *length > *rule.max_length) {
            return Violation{name + "/max_length", fmt::format("field '{}' has length {}, above the maximum {}",
                                                                name, *length, *rule.max_length)};
        }
    }
    return std::nullopt;
}

} // namespace

ItemSchema ItemSchema::parse(std::string_view yaml, const std::string& source, bool lines)
{
    YAML::Node root;
    try {
        root = YAML::Load(std::string{yaml});
    } catch (const YAML::ParserException& e) {
        if (lines) {
            throw SettingsError{fmt::format("{}:{}: ITEM_SCHEMA: {}", source, e.mark.line + 1, e.msg)};
        }
        throw SettingsError{fmt::format("{}: ITEM_SCHEMA: {}", source, e.msg)};
    }
    Parser parser{source, lines};
    if (!root.IsMap()) {
        parser.fail(root, "expected a mapping of item kinds to their schemas");
    }
    ItemSchema schema;
    for (const auto& entry : root) {
        const auto kind = entry.first.as<std::string>();
        schema.kinds_.insert_or_assign(kind, parser.parse_kind(entry.second, kind));
    }
    return schema;
}

ItemSchema ItemSchema::load_file(const std::string& path)
{
    std::ifstream in{path, std::ios::binary};
    if (!in) {
        throw SettingsError{fmt::format("ITEM_SCHEMA: cannot read schema file '{}'", path)};
    }
    std::ostringstream text;
    text << in.rdbuf();
    return parse(text.str(), path);
}

bool ItemSchema::has_kind(std::string_view kind) const
{
    return kinds_.contains(kind);
}

std::optional<Violation> ItemSchema::check(const Item& item) const
{
    auto it = kinds_.find(item.kind());
    if (it == kinds_.end()) {
        it = kinds_.find(std::string_view{"*"});
        if (it == kinds_.end()) {
            return std::nullopt;
        }
    }
    const KindSchema& schema = it->second;
    const auto& fields = item.fields();
    for (const auto& [name, rule] : schema.fields) {
        const auto* value = fields.if_contains(name);
        if (value == nullptr) {
            if (rule.required) {
                return Violation{name + "/required", fmt::format("missing required field '{}'", name)};
            }
            continue;
        }
        if (auto violation = check_field(name, rule, *value)) {
            return violation;
        }
    }
    if (!schema.additional) {
        for (const auto& field : fields) {
            const std::string_view name{field.key().data(), field.key().size()};
            const bool listed = std::any_of(schema.fields.begin(), schema.fields.end(),
                                            [&](const auto& known) { return known.first == name; });
            if (!listed) {
                return Violation{std::string{name} + "/additional",
                                 fmt::format("field '{}' is not in the schema (additional: false)", name)};
            }
        }
    }
    return std::nullopt;
}

} // namespace trawl::pipelines
