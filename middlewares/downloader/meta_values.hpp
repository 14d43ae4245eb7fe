#pragma once
// Reading Request::meta the way Scrapy's middlewares read request.meta:
// meta is free-form JSON that users and other components fill in, so a
// middleware accepts what Python would (1 for true, "3" for 3) rather than
// throwing on a type it did not expect.

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string_view>

namespace trawl::middlewares {

/// Python truthiness of meta[key]: missing, null, false, 0, "", [] and {}
/// are false; anything else is true.
bool meta_flag(const boost::json::object& meta, std::string_view key);

/// meta[key] as a number (numbers and numeric strings); nullopt when it is
/// missing, null or not numeric.
std::optional<double> meta_number(const boost::json::object& meta, std::string_view key);

/// meta[key] as an integer (a double is truncated); nullopt as meta_number.
std::optional<std::int64_t> meta_int(const boost::json::object& meta, std::string_view key);

/// True if meta has `key` with a non-null value.
bool meta_has(const boost::json::object& meta, std::string_view key);

/// True if meta[key] is a list holding `value` (as a number or numeric
/// string), e.g. meta["handle_httpstatus_list"] = [404, 500].
bool meta_list_contains(const boost::json::object& meta, std::string_view key, std::int64_t value);

} // namespace trawl::middlewares
