// Corrupt and truncated input, compression bombs, the zstd window cap and
// what a decoder does after an error.

#include "codec/content_decoder.hpp"

#include "decode_helpers.hpp"
#include "encoders.hpp"

#include <trawl/error.hpp>

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace trawl::test {
namespace {

using detail::decoder_chunk_size;
using detail::make_content_decoder;

constexpr std::size_t whole = 0;
constexpr std::size_t mib = 1024 * 1024;

class EachFormat : public ::testing::TestWithParam<Format> {};

INSTANTIATE_TEST_SUITE_P(AllFormats, EachFormat,
                         ::testing::Values(Format::gzip, Format::zlib, Format::raw, Format::br, Format::zstd),
                         [](const ::testing::TestParamInfo<Format>& info) { return format_name(info.param); });

// --- Corrupt data ----------------------------------------------------------

TEST_P(EachFormat, GarbageIsADecodeError)
{
    const std::string garbage = "this is not compressed at all, whatever the header says";
    for (const std::size_t slice : {std::size_t{1}, whole}) {
        const Decoded d = decode_all(content_encoding(GetParam()), garbage, slice);
        EXPECT_EQ(d.ec, errc::decode_error) << slice;
    }
}

TEST_P(EachFormat, CorruptedBodyIsADecodeError)
{
    const std::string plain = sample_text(256 * 1024);
    std::string packed = compress(GetParam(), plain);
    if (GetParam() == Format::raw) {
        // Raw deflate has no checksum: damage in the middle can decode to
        // other bytes without error. A reserved block type (BTYPE = 11) cannot.
        packed[0] = static_cast<char>(packed[0] | 0x06);
    } else {
        // gzip, zlib and zstd (with its checksum) catch any change; brotli has
        // no checksum but a run of 0xff breaks its bitstream.
        for (std::size_t i = packed.size() / 2; i < packed.size() / 2 + 64; ++i) {
            packed[i] = '\xff';
        }
    }
    for (const std::size_t slice : {std::size_t{7}, whole}) {
        const Decoded d = decode_all(content_encoding(GetParam()), packed, slice);
        EXPECT_EQ(d.ec, errc::decode_error) << slice;
        EXPECT_LE(d.total, plain.size() + decoder_chunk_size);
    }
}

TEST(DecoderErrors, ChecksumMismatchIsADecodeError)
{
    for (const Format format : {Format::gzip, Format::zlib, Format::zstd}) {
        std::string packed = compress(format, sample_text(1000));
        packed[packed.size() - 1] ^= 0x01; // last byte of CRC-32 / Adler-32 / XXH64 check
        EXPECT_EQ(decode_all(content_encoding(format), packed).ec, errc::decode_error) << format_name(format);
    }
}

TEST(DecoderErrors, ZlibPresetDictionaryIsADecodeError)
{
    // FDICT set (0x78 0xbb passes the header check): HTTP has no way to supply
    // the dictionary.
    const std::string header("\x78\xbb\x00\x00\x00\x01", 6);
    EXPECT_EQ(decode_all("deflate", header + "abc").ec, errc::decode_error);
}

// --- Truncated data --------------------------------------------------------

TEST_P(EachFormat, TruncatedStreamFailsAtFinish)
{
    const std::string plain = sample_text(100 * 1024);
    const std::string packed = compress(GetParam(), plain);
    for (const std::size_t keep : {std::size_t{1}, std::size_t{2}, packed.size() / 2, packed.size() - 1}) {
        auto decoder = make_content_decoder(content_encoding(GetParam()), {});
        ASSERT_TRUE(decoder);
        std::string out;
        // Every byte given so far is valid, so decode() itself succeeds.
        EXPECT_FALSE((*decoder)->decode(std::string_view(packed).substr(0, keep), out)) << keep;
        EXPECT_EQ((*decoder)->finish(out), errc::decode_error) << keep;
        EXPECT_EQ(plain.compare(0, out.size(), out), 0) << "a prefix of the original";
    }
}

TEST(DecoderErrors, TruncatedChainFailsAtFinish)
{
    const std::string packed = compress(Format::br, compress(Format::gzip, sample_text(10000)));
    const Decoded d = decode_all("gzip, br", std::string_view(packed).substr(0, packed.size() - 3));
    EXPECT_EQ(d.ec, errc::decode_error);
}

// --- Bombs -----------------------------------------------------------------

/// 100 MiB of zeros in each format (gzip ~100 KB, br/zstd a few KB).
const std::string& bomb(Format format)
{
    static std::string bombs[5];
    std::string& b = bombs[static_cast<int>(format)];
    if (b.empty()) {
        b = compress(format, std::string(mib, '\0'), 100);
    }
    return b;
}

TEST_P(EachFormat, BombStopsWithinOneChunkOfTheLimit)
{
    const std::string& packed = bomb(GetParam());
    ASSERT_LT(packed.size(), mib / 4);
    for (const std::size_t slice : {std::size_t{7}, std::size_t{4096}, whole}) {
        const Decoded d = decode_all(content_encoding(GetParam()), packed, slice, {.max_output = mib});
        EXPECT_EQ(d.ec, errc::body_too_large) << slice;
        EXPECT_GT(d.total, mib);
        EXPECT_LE(d.total, mib + decoder_chunk_size) << slice;
        EXPECT_EQ(d.output.size(), d.total);
    }
}

TEST(DecoderErrors, BombUnderTheLimitDecodesFully)
{
    // A highly compressed body decodes when the limit allows it; 0 means no
    // limit. (Exactly at the limit is still within it.)
    for (const Format format : {Format::gzip, Format::br, Format::zstd}) {
        const std::string packed = compress(format, std::string(mib, '\0'), 10);
        const Decoded d = decode_all(content_encoding(format), packed, whole, {.max_output = 10 * mib});
        EXPECT_FALSE(d.ec) << format_name(format);
        EXPECT_EQ(d.total, 10 * mib);
        const Decoded unlimited = decode_all(content_encoding(format), packed, 7, {.max_output = 0});
        EXPECT_FALSE(unlimited.ec) << format_name(format);
        EXPECT_EQ(unlimited.total, 10 * mib);
    }
}

TEST(DecoderErrors, ChainedBombStopsWithinOneChunkOfTheLimit)
{
    // br over the gzip bomb: the intermediate gzip stream is ~100 KB, the
    // final output 100 MiB.
    const std::string packed = compress(Format::br, bomb(Format::gzip));
    for (const std::size_t slice : {std::size_t{7}, whole}) {
        const Decoded d = decode_all("gzip, br", packed, slice, {.max_output = mib});
        EXPECT_EQ(d.ec, errc::body_too_large);
        EXPECT_LE(d.total, mib + decoder_chunk_size);
    }
}

TEST(DecoderErrors, IntermediateStageIsBoundedToo)
{
    // A gzip member followed by 100 MiB of zero padding, gzipped again: the
    // final output is 2 bytes, but the outer stage would inflate 100 MiB that
    // the inner one only skips. The intermediate output is capped near the
    // limit so that a small body cannot burn unbounded CPU.
    const std::string packed =
        compress_with_prefix(Format::gzip, compress(Format::gzip, "ok"), std::string(mib, '\0'), 100);
    ASSERT_LT(packed.size(), mib / 4);
    const Decoded capped = decode_all("gzip, gzip", packed, whole, {.max_output = mib});
    EXPECT_EQ(capped.ec, errc::body_too_large);
    EXPECT_EQ(capped.output, "ok");
    const Decoded unlimited = decode_all("gzip, gzip", packed, whole, {.max_output = 0});
    EXPECT_FALSE(unlimited.ec);
    EXPECT_EQ(unlimited.output, "ok");
}

// --- zstd window cap -------------------------------------------------------

int frame_window_log(const std::string& frame)
{
    // RFC 8878 3.1.1.1: magic (4 bytes), then the frame header descriptor;
    // without Single_Segment_Flag a Window_Descriptor byte follows.
    const auto fhd = static_cast<unsigned char>(frame.at(4));
    if ((fhd & 0x20) != 0) {
        return -1;
    }
    return 10 + (static_cast<unsigned char>(frame.at(5)) >> 3);
}

TEST(DecoderErrors, ZstdWindowLargerThanTheCapIsRejected)
{
    const std::string plain = sample_text(512 * 1024);
    const std::string big = compress_zstd_window(plain, 28);
    ASSERT_EQ(frame_window_log(big), 28) << "the frame must really ask for 256 MiB";
    const Decoded capped = decode_all("zstd", big, whole, {.zstd_max_window_log = 20});
    EXPECT_EQ(capped.ec, errc::decode_error);
    EXPECT_EQ(capped.total, 0u);
    const Decoded by_default = decode_all("zstd", big, 7, {});
    EXPECT_EQ(by_default.ec, errc::decode_error) << "the default cap is 2^27";

    const std::string small = compress_zstd_window(plain, 20);
    ASSERT_EQ(frame_window_log(small), 20);
    const Decoded fits = decode_all("zstd", small, 7, {.zstd_max_window_log = 20});
    ASSERT_FALSE(fits.ec) << fits.ec.message();
    EXPECT_TRUE(fits.output == plain);
    EXPECT_EQ(decode_all("zstd", small, whole, {.zstd_max_window_log = 19}).ec, errc::decode_error);
}

TEST(DecoderErrors, ZstdWindowCapOutsideZstdsRangeIsAConfigError)
{
    EXPECT_THROW((void)make_content_decoder("zstd", {.zstd_max_window_log = 5}), std::invalid_argument);
    EXPECT_THROW((void)make_content_decoder("gzip", {.zstd_max_window_log = 40}), std::invalid_argument);
    EXPECT_NO_THROW((void)make_content_decoder("zstd", {.zstd_max_window_log = 10}));
}

// --- After an error --------------------------------------------------------

TEST(DecoderErrors, ErrorsAreSticky)
{
    auto decoder = make_content_decoder("gzip", {});
    ASSERT_TRUE(decoder);
    std::string out;
    EXPECT_EQ((*decoder)->decode("not gzip", out), errc::decode_error);
    EXPECT_EQ((*decoder)->decode(compress(Format::gzip, "x"), out), errc::decode_error);
    EXPECT_EQ((*decoder)->finish(out), errc::decode_error);
    EXPECT_EQ(out, "");

    auto limited = make_content_decoder("", {.max_output = 3});
    ASSERT_TRUE(limited);
    EXPECT_EQ((*limited)->decode("abcd", out), errc::body_too_large);
    EXPECT_EQ((*limited)->decode("e", out), errc::body_too_large);
    EXPECT_EQ((*limited)->finish(out), errc::body_too_large);
    EXPECT_EQ((*limited)->total_output(), 4u);
}

} // namespace
} // namespace trawl::test
