#pragma once
// The pieces of a feed URI (feed_settings.hpp): its scheme, the path a file
// URI names, the placeholders and the times they stand for.

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>

namespace trawl {

/// `uri` with Python %-style placeholders replaced from `params` (see
/// feed_settings.hpp). Throws std::invalid_argument for an unknown
/// placeholder or an unsupported conversion.
std::string substitute_uri_params(std::string_view uri, const std::map<std::string, std::string>& params);

/// The URI's scheme as Python's urlsplit finds it ("" for a plain path),
/// lower-cased.
std::string uri_scheme(std::string_view uri);

/// The local path a file URI (or a plain path, `scheme` "") names, percent-
/// decoded; "" when it names none. Throws std::invalid_argument for a file
/// URI with a host other than "localhost".
std::filesystem::path file_uri_path(std::string_view uri, std::string_view scheme);

/// `now` in UTC as Scrapy writes %(time)s ("2024-05-01T12-00-00"), with
/// microseconds for %(batch_time)s (`micros`).
std::string feed_utc_time(std::chrono::system_clock::time_point now, bool micros);

} // namespace trawl
