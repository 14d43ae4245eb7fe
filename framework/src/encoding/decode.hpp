#pragma once
// Decoding bytes in a known encoding to UTF-8 (internal).

#include "encoding/encoding_table.hpp"

#include <string>
#include <string_view>

namespace trawl::detail {

/// Appends `bytes`, read in `encoding`, to `out` as UTF-8; U+FFFD for every
/// invalid sequence. At most 3 bytes of output per input byte plus a
/// constant; linear time.
void append_decoded(std::string& out, std::string_view bytes, const EncodingInfo& encoding);

/// Gives back the spare capacity of a string that is going to be kept.
void shrink_if_loose(std::string& text);

} // namespace trawl::detail
