// Content-Encoding parsing, round trips, multi-member gzip, trailing data,
// chains and pass-through. Errors and limits: decoder_errors_test.cpp.

#include "codec/content_decoder.hpp"

#include <trawl/download_handler.hpp>

#include "decode_helpers.hpp"
#include "encoders.hpp"

#include <trawl/error.hpp>

#include <gtest/gtest.h>

#include <string>
#include <tuple>

namespace trawl::test {
namespace {

using detail::decoder_chunk_size;
using detail::DecoderLimits;
using detail::make_content_decoder;

constexpr std::size_t whole = 0;

// --- Round trips: every format, size and slicing -------------------------

using RoundTripParam = std::tuple<Format, std::size_t, std::size_t>;

class RoundTrip : public ::testing::TestWithParam<RoundTripParam> {};

TEST_P(RoundTrip, DecodesToTheOriginal)
{
    const auto [format, size, slice] = GetParam();
    const std::string plain = sample_text(size);
    const std::string packed = compress(format, plain);
    const Decoded d = decode_all(content_encoding(format), packed, slice);
    ASSERT_FALSE(d.ec) << d.ec.message();
    EXPECT_EQ(d.output.size(), plain.size());
    EXPECT_TRUE(d.output == plain);
    EXPECT_EQ(d.total, plain.size());
}

std::string round_trip_name(const ::testing::TestParamInfo<RoundTripParam>& info)
{
    const auto [format, size, slice] = info.param;
    return std::string(format_name(format)) + "_" + std::to_string(size) + "_" +
           (slice == whole ? std::string("whole") : "by" + std::to_string(slice));
}

INSTANTIATE_TEST_SUITE_P(
    AllFormats, RoundTrip,
    ::testing::Combine(::testing::Values(Format::gzip, Format::zlib, Format::raw, Format::br, Format::zstd),
                       ::testing::Values(std::size_t{0}, std::size_t{1}, std::size_t{64 * 1024 - 1},
                                         std::size_t{64 * 1024}, std::size_t{64 * 1024 + 1},
                                         std::size_t{3 * 1024 * 1024}),
                       ::testing::Values(std::size_t{1}, std::size_t{7}, whole)),
    round_trip_name);

TEST(ContentDecoder, SampleTextIsCompressibleButNotTrivially)
{
    // Keeps the round trips meaningful: several chunks of output per input
    // chunk, yet real back-references rather than runs.
    const std::string plain = sample_text(1024 * 1024);
    const std::size_t packed = compress(Format::gzip, plain).size();
    EXPECT_LT(packed, plain.size() / 2);
    EXPECT_GT(packed, plain.size() / 20);
}

TEST(ContentDecoder, AppendsToOutputAndCountsWhatTheCallerCleared)
{
    const std::string plain = sample_text(300 * 1024);
    const std::string packed = compress(Format::gzip, plain);
    auto decoder = make_content_decoder("gzip", {});
    ASSERT_TRUE(decoder);
    std::string collected;
    std::string out = "prefix";
    ASSERT_FALSE((*decoder)->decode(std::string_view(packed).substr(0, 10), out));
    EXPECT_EQ(out.substr(0, 6), "prefix");
    collected += out.substr(6);
    for (std::size_t pos = 10; pos < packed.size(); pos += 1000) {
        out.clear();
        ASSERT_FALSE((*decoder)->decode(std::string_view(packed).substr(pos, 1000), out));
        EXPECT_LE(out.size(), plain.size());
        collected += out;
    }
    out.clear();
    ASSERT_FALSE((*decoder)->finish(out));
    collected += out;
    EXPECT_TRUE(collected == plain);
    EXPECT_EQ((*decoder)->total_output(), plain.size());
}

// --- gzip members and trailing bytes --------------------------------------

TEST(ContentDecoder, GzipMultiMemberIsConcatenated)
{
    const std::string a = sample_text(100 * 1024);
    const std::string b = "second member";
    const std::string packed = compress(Format::gzip, a) + compress(Format::gzip, "") + compress(Format::gzip, b);
    for (const std::size_t slice : {std::size_t{1}, std::size_t{7}, whole}) {
        const Decoded d = decode_all("gzip", packed, slice);
        ASSERT_FALSE(d.ec) << slice << ": " << d.ec.message();
        EXPECT_TRUE(d.output == a + b) << slice;
    }
}

TEST(ContentDecoder, TrailingZeroPaddingIsIgnored)
{
    // Browsers accept zero padding after a gzip body (some servers and proxies
    // pad); trawl does too, after any format's end, in the same or a later call.
    for (const Format format : {Format::gzip, Format::zlib, Format::raw, Format::br, Format::zstd}) {
        const std::string packed = compress(format, "hello") + std::string(1000, '\0');
        for (const std::size_t slice : {std::size_t{1}, std::size_t{7}, whole}) {
            const Decoded d = decode_all(content_encoding(format), packed, slice);
            EXPECT_FALSE(d.ec) << format_name(format) << " by " << slice << ": " << d.ec.message();
            EXPECT_EQ(d.output, "hello") << format_name(format);
        }
    }
}

TEST(ContentDecoder, TrailingGarbageIsADecodeError)
{
    // Anything but zeros after the end is not padding: for gzip it would be
    // a corrupt next member, for the others data the encoder never wrote.
    for (const Format format : {Format::gzip, Format::zlib, Format::raw, Format::br, Format::zstd}) {
        for (const std::string& tail : {std::string("garbage"), std::string("\0\0\0x", 4)}) {
            const std::string packed = compress(format, "hello") + tail;
            for (const std::size_t slice : {std::size_t{1}, whole}) {
                const Decoded d = decode_all(content_encoding(format), packed, slice);
                EXPECT_EQ(d.ec, errc::decode_error) << format_name(format) << " by " << slice;
            }
        }
    }
}

TEST(ContentDecoder, GzipPartialSecondMemberIsTruncated)
{
    const Decoded d = decode_all("gzip", compress(Format::gzip, "hello") + "\x1f\x8b");
    EXPECT_EQ(d.ec, errc::decode_error);
    EXPECT_EQ(d.output, "hello");
}

TEST(ContentDecoder, ZstdConcatenatedFramesAreDecoded)
{
    const std::string packed = compress(Format::zstd, "one ") + compress(Format::zstd, "") +
                               compress(Format::zstd, sample_text(200 * 1024));
    for (const std::size_t slice : {std::size_t{1}, std::size_t{7}, whole}) {
        const Decoded d = decode_all("zstd", packed, slice);
        ASSERT_FALSE(d.ec) << d.ec.message();
        EXPECT_TRUE(d.output == "one " + sample_text(200 * 1024));
    }
}

// --- deflate: both wrappers ------------------------------------------------

TEST(ContentDecoder, DeflateAcceptsZlibAndRawStreams)
{
    const std::string plain = sample_text(5000);
    const std::string zlib = compress(Format::zlib, plain);
    const std::string raw = compress(Format::raw, plain);
    // Really the same deflate data, once wrapped (2-byte header, Adler-32).
    ASSERT_EQ(static_cast<unsigned char>(zlib[0]), 0x78);
    ASSERT_EQ(zlib.substr(2, raw.size()), raw);
    ASSERT_EQ(zlib.size(), raw.size() + 6);
    EXPECT_TRUE(decode_all("deflate", zlib).output == plain);
    EXPECT_TRUE(decode_all("deflate", raw).output == plain);
    // The sniffing waits for two bytes even when they come one per call.
    EXPECT_TRUE(decode_all("deflate", zlib, 1).output == plain);
    EXPECT_TRUE(decode_all("deflate", raw, 1).output == plain);
}

TEST(ContentDecoder, DeflateTwoByteRawStream)
{
    // The shortest raw stream (an empty fixed block) ends inside the sniffed
    // bytes; what follows is still checked.
    const std::string empty_raw("\x03\x00", 2);
    ASSERT_EQ(compress(Format::raw, ""), empty_raw);
    EXPECT_FALSE(decode_all("deflate", empty_raw).ec);
    EXPECT_FALSE(decode_all("deflate", empty_raw + std::string(3, '\0'), 1).ec);
    EXPECT_EQ(decode_all("deflate", empty_raw + "x").ec, errc::decode_error);
}

// --- Content-Encoding parsing and chains --------------------------------

TEST(ContentDecoder, NamesAreCaseInsensitiveAndXGzipIsGzip)
{
    const std::string plain = "case insensitive";
    EXPECT_EQ(decode_all("GZip", compress(Format::gzip, plain)).output, plain);
    EXPECT_EQ(decode_all("x-gzip", compress(Format::gzip, plain)).output, plain);
    EXPECT_EQ(decode_all("X-GZIP", compress(Format::gzip, plain)).output, plain);
    EXPECT_EQ(decode_all("DEFLATE", compress(Format::zlib, plain)).output, plain);
    EXPECT_EQ(decode_all("Br", compress(Format::br, plain)).output, plain);
    EXPECT_EQ(decode_all("ZSTD", compress(Format::zstd, plain)).output, plain);
    EXPECT_EQ(decode_all("IDENTITY", plain).output, plain);
}

TEST(ContentDecoder, ChainsAreDecodedInReverseOrder)
{
    const std::string plain = sample_text(200 * 1024);
    // "gzip, br": gzip was applied first, then br.
    const std::string gzip_then_br = compress(Format::br, compress(Format::gzip, plain));
    const std::string br_then_gzip = compress(Format::gzip, compress(Format::br, plain));
    for (const std::size_t slice : {std::size_t{1}, std::size_t{7}, whole}) {
        EXPECT_TRUE(decode_all("gzip, br", gzip_then_br, slice).output == plain);
        EXPECT_TRUE(decode_all("br,gzip", br_then_gzip, slice).output == plain);
    }
    EXPECT_EQ(decode_all("gzip, br", br_then_gzip).ec, errc::decode_error);
    const std::string three = compress(Format::zstd, compress(Format::raw, compress(Format::gzip, plain)));
    EXPECT_TRUE(decode_all(" x-gzip ,\tdeflate , identity, ZSTD ", three).output == plain);
}

TEST(ContentDecoder, EmptyListElementsAndIdentityAreSkipped)
{
    const std::string packed = compress(Format::gzip, "x");
    EXPECT_EQ(decode_all("identity, gzip,, ", packed).output, "x");
    EXPECT_EQ(decode_all(" , ", "plain").output, "plain");
}

TEST(ContentDecoder, UnknownCodingIsUnsupported)
{
    for (const char* encoding : {"compress", "x-compress", "gzip, sdch", "br, foo", "gzip;q=1", "gzipx", "exi",
                                 "pack200-gzip", "aes128gcm"}) {
        const auto decoder = make_content_decoder(encoding, {});
        ASSERT_FALSE(decoder.has_value()) << encoding;
        EXPECT_EQ(decoder.error(), errc::unsupported_encoding) << encoding;
    }
}

TEST(ContentDecoder, TooManyCodingsAreUnsupported)
{
    EXPECT_TRUE(make_content_decoder("gzip, gzip, br, zstd", {}).has_value());
    const auto five = make_content_decoder("gzip, gzip, br, zstd, deflate", {});
    ASSERT_FALSE(five.has_value());
    EXPECT_EQ(five.error(), errc::unsupported_encoding);
}

TEST(ContentDecoder, SupportedAcceptEncoding)
{
    EXPECT_EQ(trawl::supported_accept_encoding(), "gzip, deflate, br, zstd");
}

// --- Identity --------------------------------------------------------------

TEST(ContentDecoder, IdentityPassesThroughWithTheLimit)
{
    const std::string plain = sample_text(200 * 1024);
    for (const char* encoding : {"", "identity"}) {
        for (const std::size_t slice : {std::size_t{1}, std::size_t{7}, whole}) {
            const Decoded d = decode_all(encoding, plain, slice, {.max_output = plain.size()});
            EXPECT_FALSE(d.ec);
            EXPECT_TRUE(d.output == plain);
        }
        const Decoded over = decode_all(encoding, plain, whole, {.max_output = plain.size() - 1});
        EXPECT_EQ(over.ec, errc::body_too_large);
        EXPECT_LE(over.total, plain.size() - 1 + decoder_chunk_size);
        const Decoded small = decode_all(encoding, plain, whole, {.max_output = 10});
        EXPECT_EQ(small.ec, errc::body_too_large);
        EXPECT_LE(small.total, 10 + decoder_chunk_size);
        EXPECT_EQ(small.output.size(), small.total);
    }
}

// --- Empty bodies ----------------------------------------------------------

TEST(ContentDecoder, EmptyBodyIsEmptyOutputWhateverTheEncoding)
{
    // HEAD responses, 204s and 304s often carry Content-Encoding with no body;
    // no byte means nothing to decode, not a truncated stream.
    for (const char* encoding : {"gzip", "deflate", "br", "zstd", "gzip, br", "", "identity"}) {
        auto decoder = make_content_decoder(encoding, {.max_output = 1});
        ASSERT_TRUE(decoder) << encoding;
        std::string out;
        EXPECT_FALSE((*decoder)->decode("", out)) << encoding;
        EXPECT_FALSE((*decoder)->finish(out)) << encoding;
        EXPECT_EQ(out, "");
        EXPECT_EQ((*decoder)->total_output(), 0u);
    }
}

} // namespace
} // namespace trawl::test
