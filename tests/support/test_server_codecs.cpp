// Content codings for the test server's compressed resources and bombs.

#include "support/test_server_internal.hpp"

#include <brotli/encode.h>
#include <zlib.h>
#include <zstd.h>

#include <cstdint>
#include <map>
#include <mutex>
#include <stdexcept>
#include <utility>

namespace trawl::testing::detail {
namespace {

constexpr std::size_t chunk_size = 64 * 1024;
constexpr std::size_t mebibyte = 1024 * 1024;

/// Owns a deflate stream; windowBits picks the wrapper (31 gzip, 15 zlib, -15 raw).
class Deflater {
public:
    Deflater(int window_bits, int level, int strategy = Z_DEFAULT_STRATEGY) {
        if (deflateInit2(&stream_, level, Z_DEFLATED, window_bits, 9, strategy) != Z_OK) {
            throw std::runtime_error("deflateInit2 failed");
        }
    }
    ~Deflater() { deflateEnd(&stream_); }
    Deflater(const Deflater&) = delete;
    Deflater& operator=(const Deflater&) = delete;

    /// Feeds `data`, appending whatever output zlib produces to `out`.
    void feed(std::string_view data, int flush, std::string& out) {
        stream_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
        stream_.avail_in = static_cast<uInt>(data.size());
        unsigned char buffer[chunk_size];
        int rc = Z_OK;
        do {
            stream_.next_out = buffer;
            stream_.avail_out = sizeof buffer;
            rc = deflate(&stream_, flush);
            if (rc == Z_STREAM_ERROR) {
                throw std::runtime_error("deflate failed");
            }
            out.append(reinterpret_cast<char*>(buffer), sizeof buffer - stream_.avail_out);
        } while (stream_.avail_out == 0 || (flush == Z_FINISH && rc != Z_STREAM_END));
    }

private:
    z_stream stream_{};
};

std::string zlib_family(std::string_view data, int window_bits) {
    Deflater deflater(window_bits, Z_DEFAULT_COMPRESSION);
    std::string out;
    // zlib counts input in uInt; feed large bodies in slices.
    while (data.size() > chunk_size) {
        deflater.feed(data.substr(0, chunk_size), Z_NO_FLUSH, out);
        data.remove_prefix(chunk_size);
    }
    deflater.feed(data, Z_FINISH, out);
    return out;
}

std::string gzip_bomb(std::size_t total) {
    // Run-length matching finds the same 258-byte runs in zeros as the full
    // search, at twice the speed: 100 MiB takes ~0.7 s instead of ~1.6 s.
    Deflater deflater(31, Z_BEST_COMPRESSION, Z_RLE);
    const std::string zeros(chunk_size, '\0');
    std::string out;
    for (std::size_t done = 0; done < total; done += chunk_size) {
        deflater.feed(zeros, Z_NO_FLUSH, out);
    }
    deflater.feed({}, Z_FINISH, out);
    return out;
}

std::string brotli_bomb(std::size_t total) {
    std::unique_ptr<BrotliEncoderState, void (*)(BrotliEncoderState*)> state(
        BrotliEncoderCreateInstance(nullptr, nullptr, nullptr), &BrotliEncoderDestroyInstance);
    if (!state) {
        throw std::runtime_error("BrotliEncoderCreateInstance failed");
    }
    // Zeros compress to almost nothing at any quality; a low one keeps the
    // first build of a large bomb quick.
    BrotliEncoderSetParameter(state.get(), BROTLI_PARAM_QUALITY, 1);
    BrotliEncoderSetParameter(state.get(), BROTLI_PARAM_LGWIN, 22);
    const std::string zeros(chunk_size, '\0');
    std::string out;
    auto drain = [&] {
        std::size_t size = 0;
        const std::uint8_t* bytes = BrotliEncoderTakeOutput(state.get(), &size);
        out.append(reinterpret_cast<const char*>(bytes), size);
    };
    auto run = [&](BrotliEncoderOperation op, const std::uint8_t* data, std::size_t size) {
        std::size_t available_in = size;
        const std::uint8_t* next_in = data;
        do {
            std::size_t available_out = 0;
            if (!BrotliEncoderCompressStream(state.get(), op, &available_in, &next_in, &available_out, nullptr,
                                             nullptr)) {
                throw std::runtime_error("BrotliEncoderCompressStream failed");
            }
            drain();
        } while (available_in > 0 || BrotliEncoderHasMoreOutput(state.get()) ||
                 (op == BROTLI_OPERATION_FINISH && !BrotliEncoderIsFinished(state.get())));
    };
    for (std::size_t done = 0; done < total; done += chunk_size) {
        run(BROTLI_OPERATION_PROCESS, reinterpret_cast<const std::uint8_t*>(zeros.data()), zeros.size());
    }
    run(BROTLI_OPERATION_FINISH, nullptr, 0);
    return out;
}

std::string zstd_bomb(std::size_t total) {
    std::unique_ptr<ZSTD_CCtx, std::size_t (*)(ZSTD_CCtx*)> context(ZSTD_createCCtx(), &ZSTD_freeCCtx);
    if (!context) {
        throw std::runtime_error("ZSTD_createCCtx failed");
    }
    // No pledged size: the frame does not announce how large it inflates,
    // so a client has to notice while decoding.
    ZSTD_CCtx_setParameter(context.get(), ZSTD_c_compressionLevel, 3);
    const std::string zeros(chunk_size, '\0');
    std::string buffer(ZSTD_CStreamOutSize(), '\0');
    std::string out;
    auto run = [&](std::string_view data, ZSTD_EndDirective mode) {
        ZSTD_inBuffer input{data.data(), data.size(), 0};
        std::size_t remaining = 0;
        do {
            ZSTD_outBuffer output{buffer.data(), buffer.size(), 0};
            remaining = ZSTD_compressStream2(context.get(), &output, &input, mode);
            if (ZSTD_isError(remaining)) {
                throw std::runtime_error(ZSTD_getErrorName(remaining));
            }
            out.append(buffer.data(), output.pos);
        } while (mode == ZSTD_e_end ? remaining != 0 : input.pos < input.size);
    };
    for (std::size_t done = 0; done < total; done += chunk_size) {
        run(zeros, ZSTD_e_continue);
    }
    run({}, ZSTD_e_end);
    return out;
}

} // namespace

std::string gzip_compress(std::string_view data) {
    return zlib_family(data, 31);
}

std::string deflate_compress(std::string_view data, bool raw) {
    return zlib_family(data, raw ? -15 : 15);
}

std::string brotli_compress(std::string_view data) {
    std::size_t size = BrotliEncoderMaxCompressedSize(data.size());
    if (size == 0) {
        size = data.size() + 1024;  // the bound overflowed or data is tiny
    }
    std::string out(size, '\0');
    if (!BrotliEncoderCompress(6, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_GENERIC, data.size(),
                               reinterpret_cast<const std::uint8_t*>(data.data()), &size,
                               reinterpret_cast<std::uint8_t*>(out.data()))) {
        throw std::runtime_error("BrotliEncoderCompress failed");
    }
    out.resize(size);
    return out;
}

std::string zstd_compress(std::string_view data) {
    std::string out(ZSTD_compressBound(data.size()), '\0');
    const std::size_t size = ZSTD_compress(out.data(), out.size(), data.data(), data.size(), 3);
    if (ZSTD_isError(size)) {
        throw std::runtime_error(ZSTD_getErrorName(size));
    }
    out.resize(size);
    return out;
}

std::shared_ptr<const std::string> compression_bomb(std::string_view coding, int mebibytes) {
    static std::mutex mutex;
    static std::map<std::pair<std::string, int>, std::shared_ptr<const std::string>> cache;

    // Holding the lock while building makes concurrent first requests wait
    // for one build instead of each making its own.
    std::lock_guard lock(mutex);
    auto key = std::make_pair(std::string(coding), mebibytes);
    if (auto it = cache.find(key); it != cache.end()) {
        return it->second;
    }
    const std::size_t total = static_cast<std::size_t>(mebibytes) * mebibyte;
    std::string body;
    if (coding == "gzip") {
        body = gzip_bomb(total);
    } else if (coding == "br") {
        body = brotli_bomb(total);
    } else if (coding == "zstd") {
        body = zstd_bomb(total);
    } else {
        throw std::invalid_argument("no bomb for this coding");
    }
    auto made = std::make_shared<const std::string>(std::move(body));
    cache.emplace(std::move(key), made);
    return made;
}

} // namespace trawl::testing::detail
