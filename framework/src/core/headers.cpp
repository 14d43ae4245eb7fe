#include <trawl/headers.hpp>
#include "core/ascii.hpp"

#include <algorithm>

namespace trawl {

using detail::ascii_lower;

namespace {
} // namespace

bool iequals(std::string_view a, std::string_view b) noexcept
{
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(),
                      [](char x, char y) { return ascii_lower(x) == ascii_lower(y); });
}

Headers::Headers(std::initializer_list<Field> fields) : fields_(fields) {}

void Headers::add(std::string name, std::string value)
{
    fields_.emplace_back(std::move(name), std::move(value));
}

void Headers::set(std::string name, std::string value)
{
    erase(name);
    add(std::move(name), std::move(value));
}

std::size_t Headers::erase(std::string_view name)
{
    return std::erase_if(fields_, [&](const Field& f) { return iequals(f.first, name); });
}

std::optional<std::string_view> Headers::get(std::string_view name) const
{
    for (const auto& [field_name, value] : fields_) {
        if (iequals(field_name, name)) {
            return value;
        }
    }
    return std::nullopt;
}

std::vector<std::string_view> Headers::get_all(std::string_view name) const
{
    std::vector<std::string_view> values;
    for (const auto& [field_name, value] : fields_) {
        if (iequals(field_name, name)) {
            values.push_back(value);
        }
    }
    return values;
}

} // namespace trawl
