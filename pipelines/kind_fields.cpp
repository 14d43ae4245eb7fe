#include "kind_fields.hpp"

#include <boost/json/value.hpp>

#include <fmt/format.h>

namespace trawl::pipelines {

namespace {

std::vector<std::string> field_list(const boost::json::value& value, const std::string& where)
{
    std::vector<std::string> fields;
    auto add = [&](std::string_view field) {
        // Surrounding blanks come from "a, b": not part of a field name.
        const auto first = field.find_first_not_of(" \t");
        const auto last = field.find_last_not_of(" \t");
        if (first == std::string_view::npos) {
            throw SettingsError{fmt::format("{}: an empty field name", where)};
        }
        fields.emplace_back(field.substr(first, last - first + 1));
    };
    if (const auto* text = value.if_string()) {
        std::string_view rest{text->data(), text->size()};
        for (auto comma = rest.find(','); ; comma = rest.find(',')) {
            add(rest.substr(0, comma));
            if (comma == std::string_view::npos) {
                break;
            }
            rest.remove_prefix(comma + 1);
        }
    } else if (const auto* array = value.if_array()) {
        for (const auto& element : *array) {
            if (!element.is_string()) {
                throw SettingsError{fmt::format("{}: expected field names (strings), got {}", where,
                                                std::string_view{boost::json::to_string(element.kind())})};
            }
            add(std::string_view{element.get_string().data(), element.get_string().size()});
        }
    } else {
        throw SettingsError{fmt::format("{}: expected a list of field names or a comma-separated string", where)};
    }
    return fields;
}

} // namespace

KindFields KindFields::from_setting(const Settings& settings, std::string_view name)
{
    KindFields result;
    const auto* value = settings.find(name);
    if (value == nullptr || value->is_null()) {
        return result;
    }
    const std::string where = fmt::format("{} ({})", name, settings.source(name));
    if (const auto* per_kind = value->if_object()) {
        for (const auto& [kind, fields] : *per_kind) {
            auto list = field_list(fields, fmt::format("{}: {}", where, std::string_view{kind.data(), kind.size()}));
            if (kind == "*") {
                result.fallback_ = std::move(list);
            } else {
                result.per_kind_.emplace(std::string{kind.data(), kind.size()}, std::move(list));
            }
        }
    } else {
        result.fallback_ = field_list(*value, where);
    }
    return result;
}

const std::vector<std::string>& KindFields::for_kind(std::string_view kind) const
{
    if (auto it = per_kind_.find(kind); it != per_kind_.end()) {
        return it->second;
    }
    return fallback_;
}

} // namespace trawl::pipelines
