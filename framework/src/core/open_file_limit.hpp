#pragma once
#include <cstddef>

namespace trawl::detail {

/// Raises the soft RLIMIT_NOFILE to the hard limit (a crawler's sockets
/// are its files) and returns the soft limit now in force.
std::size_t raise_open_file_limit() noexcept;

} // namespace trawl::detail
