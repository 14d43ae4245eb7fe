#pragma once

#include "codec/content_decoder.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <string_view>

namespace trawl::test {

struct Decoded {
    boost::system::error_code ec;
    std::string output;
    std::size_t total = 0;
};

/// Builds a decoder (which must succeed) and feeds it `input` in slices of
/// `slice` bytes (0 = all at once), then finishes. Stops at the first error.
inline Decoded decode_all(std::string_view encoding, std::string_view input, std::size_t slice = 0,
                          detail::DecoderLimits limits = {})
{
    Decoded result;
    auto decoder = detail::make_content_decoder(encoding, limits);
    EXPECT_TRUE(decoder.has_value()) << encoding;
    if (!decoder) {
        result.ec = decoder.error();
        return result;
    }
    auto& d = **decoder;
    if (slice == 0) {
        slice = std::max<std::size_t>(input.size(), 1);
    }
    while (!input.empty() && !result.ec) {
        const std::size_t n = std::min(slice, input.size());
        result.ec = d.decode(input.substr(0, n), result.output);
        input.remove_prefix(n);
    }
    if (!result.ec) {
        result.ec = d.finish(result.output);
    }
    result.total = d.total_output();
    return result;
}

} // namespace trawl::test
