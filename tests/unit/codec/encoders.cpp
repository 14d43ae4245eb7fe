#include "encoders.hpp"

#define ZLIB_CONST
#include <brotli/encode.h>
#include <zlib.h>
#include <zstd.h>

#include <array>
#include <cstdint>
#include <stdexcept>

namespace trawl::test {
namespace {

constexpr std::size_t out_step = 64 * 1024;

/// What an encoder is fed: `prefix` once, then `data` `repeat` times.
struct Input {
    std::string_view prefix;
    std::string_view data;
    std::size_t repeat = 1;

    std::size_t pieces() const noexcept { return repeat + 1; }
    std::string_view piece(std::size_t i) const noexcept { return i == 0 ? prefix : data; }
};

std::string zlib_compress(int window_bits, const Input& input)
{
    z_stream z{};
    if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        throw std::runtime_error("deflateInit2");
    }
    std::string out;
    std::array<Bytef, out_step> buf;
    for (std::size_t i = 0; i <= input.pieces(); ++i) {
        const bool last = i == input.pieces();
        const std::string_view data = last ? std::string_view() : input.piece(i);
        z.next_in = reinterpret_cast<const Bytef*>(data.data());
        z.avail_in = static_cast<uInt>(data.size());
        int rc = Z_OK;
        do {
            z.next_out = buf.data();
            z.avail_out = static_cast<uInt>(buf.size());
            rc = deflate(&z, last ? Z_FINISH : Z_NO_FLUSH);
            out.append(reinterpret_cast<const char*>(buf.data()), buf.size() - z.avail_out);
        } while (z.avail_out == 0 || (last && rc != Z_STREAM_END));
    }
    deflateEnd(&z);
    return out;
}

std::string brotli_compress(const Input& input)
{
    BrotliEncoderState* s = BrotliEncoderCreateInstance(nullptr, nullptr, nullptr);
    // Quality 5 keeps the 100 MiB bombs quick to build.
    BrotliEncoderSetParameter(s, BROTLI_PARAM_QUALITY, 5);
    std::string out;
    std::array<std::uint8_t, out_step> buf;
    for (std::size_t i = 0; i <= input.pieces(); ++i) {
        const bool last = i == input.pieces();
        const std::string_view data = last ? std::string_view() : input.piece(i);
        std::size_t avail_in = data.size();
        const auto* next_in = reinterpret_cast<const std::uint8_t*>(data.data());
        const BrotliEncoderOperation op = last ? BROTLI_OPERATION_FINISH : BROTLI_OPERATION_PROCESS;
        do {
            std::size_t avail_out = buf.size();
            std::uint8_t* next_out = buf.data();
            if (!BrotliEncoderCompressStream(s, op, &avail_in, &next_in, &avail_out, &next_out, nullptr)) {
                throw std::runtime_error("BrotliEncoderCompressStream");
            }
            out.append(reinterpret_cast<const char*>(buf.data()), buf.size() - avail_out);
        } while (avail_in != 0 || BrotliEncoderHasMoreOutput(s) ||
                 (last && !BrotliEncoderIsFinished(s)));
    }
    BrotliEncoderDestroyInstance(s);
    return out;
}

std::string zstd_stream(ZSTD_CCtx* cctx, const Input& input)
{
    std::string out;
    std::array<char, out_step> buf;
    for (std::size_t i = 0; i <= input.pieces(); ++i) {
        const bool last = i == input.pieces();
        const std::string_view data = last ? std::string_view() : input.piece(i);
        ZSTD_inBuffer in{data.data(), data.size(), 0};
        std::size_t remaining = 0;
        do {
            ZSTD_outBuffer o{buf.data(), buf.size(), 0};
            remaining = ZSTD_compressStream2(cctx, &o, &in, last ? ZSTD_e_end : ZSTD_e_continue);
            if (ZSTD_isError(remaining)) {
                throw std::runtime_error(ZSTD_getErrorName(remaining));
            }
            out.append(buf.data(), o.pos);
        } while (in.pos < in.size || (last && remaining != 0));
    }
    return out;
}

std::string zstd_compress(const Input& input)
{
    ZSTD_CCtx* cctx = ZSTD_createCCtx();
    ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);
    std::string out = zstd_stream(cctx, input);
    ZSTD_freeCCtx(cctx);
    return out;
}

} // namespace

const char* format_name(Format format) noexcept
{
    switch (format) {
    case Format::gzip: return "gzip";
    case Format::zlib: return "zlib";
    case Format::raw: return "raw";
    case Format::br: return "br";
    case Format::zstd: return "zstd";
    }
    return "?";
}

const char* content_encoding(Format format) noexcept
{
    switch (format) {
    case Format::gzip: return "gzip";
    case Format::zlib:
    case Format::raw: return "deflate";
    case Format::br: return "br";
    case Format::zstd: return "zstd";
    }
    return "?";
}

std::string compress(Format format, std::string_view data, std::size_t repeat)
{
    return compress_with_prefix(format, {}, data, repeat);
}

std::string compress_with_prefix(Format format, std::string_view prefix, std::string_view data,
                                 std::size_t repeat)
{
    const Input input{prefix, data, repeat};
    switch (format) {
    case Format::gzip: return zlib_compress(16 + MAX_WBITS, input);
    case Format::zlib: return zlib_compress(MAX_WBITS, input);
    case Format::raw: return zlib_compress(-MAX_WBITS, input);
    case Format::br: return brotli_compress(input);
    case Format::zstd: return zstd_compress(input);
    }
    return {};
}

std::string compress_zstd_window(std::string_view data, int window_log)
{
    ZSTD_CCtx* cctx = ZSTD_createCCtx();
    ZSTD_CCtx_setParameter(cctx, ZSTD_c_windowLog, window_log);
    ZSTD_CCtx_setParameter(cctx, ZSTD_c_enableLongDistanceMatching, 1);
    ZSTD_CCtx_setParameter(cctx, ZSTD_c_contentSizeFlag, 0);
    // Streamed (continue, then end) so zstd never learns the size and
    // cannot shrink the window to fit it.
    std::string out = zstd_stream(cctx, Input{{}, data, 1});
    ZSTD_freeCCtx(cctx);
    return out;
}

std::string sample_text(std::size_t size)
{
    static constexpr std::array<std::string_view, 16> words{
        "<div>", "crawl ", "spider ", "</a> ", "request ", "the ", "response ", "<p class=\"x\">",
        "item ", "quote ", "author ", "tag ", "href=\"/page/", "\n", "scrapy ", "trawl "};
    std::string out;
    out.reserve(size + 16);
    std::uint32_t state = 12345;
    while (out.size() < size) {
        state = state * 1664525u + 1013904223u;
        out += words[state >> 28];
        if ((state & 0xff) < 40) {
            out += std::to_string(state % 1000); // some entropy, like ids in pages
        }
    }
    out.resize(size);
    return out;
}

} // namespace trawl::test
