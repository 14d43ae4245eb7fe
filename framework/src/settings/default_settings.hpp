#pragma once
// Internal header (framework/src): the built-in defaults table.

#include <string_view>

namespace trawl::detail {

/// trawl's built-in settings as a YAML mapping of NAME: value, read by the
/// same loader as a user's settings.yaml. The text lives for the program.
std::string_view default_settings_yaml();

} // namespace trawl::detail
