#pragma once
// How many documents the selector area has parsed (tests check that a
// response is parsed once). Free of libxml2, so tests can include it.

#include <cstdint>

namespace trawl::detail {

std::uint64_t document_parse_count() noexcept;

} // namespace trawl::detail
