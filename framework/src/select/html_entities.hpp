#pragma once

#include <optional>
#include <string_view>

namespace trawl::detail {

/// The code point of an HTML 4 named character reference ("copy" -> U+00A9);
/// names are case-sensitive.
std::optional<char32_t> html_entity(std::string_view name);

} // namespace trawl::detail
