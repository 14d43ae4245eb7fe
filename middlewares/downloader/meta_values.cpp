#include "downloader/meta_values.hpp"

#include <boost/json/value.hpp>

#include <charconv>
#include <string>

namespace trawl::middlewares {

namespace {

const boost::json::value* find(const boost::json::object& meta, std::string_view key)
{
    auto it = meta.find(key);
    return it == meta.end() ? nullptr : &it->value();
}

std::optional<double> as_number(const boost::json::value& v)
{
    if (v.is_number()) {
        return v.to_number<double>();
    }
    if (v.is_string()) {
        const auto& s = v.get_string();
        double out = 0;
        const auto* first = s.data();
        const auto* last = s.data() + s.size();
        while (first != last && *first == ' ') {
            ++first;
        }
        while (last != first && last[-1] == ' ') {
            --last;
        }
        auto [end, ec] = std::from_chars(first, last, out);
        if (ec == std::errc{} && end == last && first != last) {
            return out;
        }
    }
    return std::nullopt;
}

} // namespace

bool meta_flag(const boost::json::object& meta, std::string_view key)
{
    const auto* v = find(meta, key);
    if (!v) {
        return false;
    }
    switch (v->kind()) {
    case boost::json::kind::null: return false;
    case boost::json::kind::bool_: return v->get_bool();
    case boost::json::kind::int64: return v->get_int64() != 0;
    case boost::json::kind::uint64: return v->get_uint64() != 0;
    case boost::json::kind::double_: return v->get_double() != 0.0;
    case boost::json::kind::string: return !v->get_string().empty();
    case boost::json::kind::array: return !v->get_array().empty();
    case boost::json::kind::object: return !v->get_object().empty();
    }
    return false;
}

std::optional<double> meta_number(const boost::json::object& meta, std::string_view key)
{
    const auto* v = find(meta, key);
    return v ? as_number(*v) : std::nullopt;
}

std::optional<std::int64_t> meta_int(const boost::json::object& meta, std::string_view key)
{
    const auto* v = find(meta, key);
    if (!v) {
        return std::nullopt;
    }
    if (v->is_int64()) {
        return v->get_int64();
    }
    if (auto n = as_number(*v)) {
        return static_cast<std::int64_t>(*n);
    }
    return std::nullopt;
}

bool meta_has(const boost::json::object& meta, std::string_view key)
{
    const auto* v = find(meta, key);
    return v && !v->is_null();
}

bool meta_list_contains(const boost::json::object& meta, std::string_view key, std::int64_t value)
{
    const auto* v = find(meta, key);
    if (!v || !v->is_array()) {
        return false;
    }
    for (const auto& element : v->get_array()) {
        if (auto n = as_number(element); n && *n == static_cast<double>(value)) {
            return true;
        }
    }
    return false;
}

} // namespace trawl::middlewares
