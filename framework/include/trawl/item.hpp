#pragma once
// A scraped item: a JSON object with a kind ("quote", "book"), so pipelines
// and feeds can tell items apart. A struct described with
// BOOST_DESCRIBE_STRUCT converts to an Item through boost::json::value_from.

#include <boost/describe/class.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value_from.hpp>

#include <string>
#include <string_view>
#include <type_traits>

namespace trawl {

class Item {
public:
    Item() = default;
    /// Room for a typical item's fields from the start: filled one by one,
    /// a json::object would grow (and reallocate) at each of the first few.
    explicit Item(std::string kind) : kind_(std::move(kind)) { fields_.reserve(initial_field_capacity); }
    Item(std::string kind, boost::json::object fields) : kind_(std::move(kind)), fields_(std::move(fields)) {}

    /// An item from a described struct: its members become fields.
    template <class T>
        requires boost::describe::has_describe_members<T>::value
    static Item from(std::string kind, const T& value)
    {
        return Item{std::move(kind), boost::json::value_from(value).as_object()};
    }

    const std::string& kind() const noexcept { return kind_; }
    boost::json::value& operator[](std::string_view field) { return fields_[field]; }
    const boost::json::object& fields() const noexcept { return fields_; }
    boost::json::object& fields() noexcept { return fields_; }
    bool contains(std::string_view field) const { return fields_.contains(field); }

    friend bool operator==(const Item&, const Item&) = default;

private:
    static constexpr std::size_t initial_field_capacity = 8;

    std::string kind_;
    boost::json::object fields_;
};

} // namespace trawl
