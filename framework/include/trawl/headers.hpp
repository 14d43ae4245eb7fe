#pragma once
// HTTP header fields: an ordered list of (name, value) pairs with
// case-insensitive names. A name may repeat (Set-Cookie); order is kept as
// received, which is what a crawler that stores responses wants.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace trawl {

/// ASCII case-insensitive comparison, as HTTP field names require.
bool iequals(std::string_view a, std::string_view b) noexcept;

class Headers {
public:
    using Field = std::pair<std::string, std::string>;
    using const_iterator = std::vector<Field>::const_iterator;

    Headers() = default;
    Headers(std::initializer_list<Field> fields);

    /// Appends a field, keeping any earlier ones of the same name.
    void add(std::string name, std::string value);
    /// Replaces every field of that name with one.
    void set(std::string name, std::string value);
    /// Removes every field of that name; returns how many were removed.
    std::size_t erase(std::string_view name);

    /// The first value of that name, if any.
    std::optional<std::string_view> get(std::string_view name) const;
    std::vector<std::string_view> get_all(std::string_view name) const;
    bool contains(std::string_view name) const { return get(name).has_value(); }

    const_iterator begin() const noexcept { return fields_.begin(); }
    const_iterator end() const noexcept { return fields_.end(); }
    std::size_t size() const noexcept { return fields_.size(); }
    bool empty() const noexcept { return fields_.empty(); }

    friend bool operator==(const Headers&, const Headers&) = default;

private:
    std::vector<Field> fields_;
};

} // namespace trawl
