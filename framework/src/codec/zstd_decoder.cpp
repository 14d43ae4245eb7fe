// zstd (RFC 8878) through libzstd's streaming API, with the window capped.

#include <zstd.h>

#include "codec/content_decoder.hpp"
#include "codec/decoder_stage.hpp"

#include <trawl/error.hpp>

#include <memory>
#include <new>
#include <stdexcept>
#include <string>

namespace trawl::detail::codec {
namespace {

struct DctxDeleter {
    void operator()(ZSTD_DCtx* dctx) const noexcept { ZSTD_freeDCtx(dctx); }
};

class ZstdStage final : public Stage {
public:
    ZstdStage(Sink& next, std::size_t budget, int max_window_log)
        : Stage(next, budget),
          dctx_(ZSTD_createDCtx()),
          buffer_(std::make_unique_for_overwrite<char[]>(decoder_chunk_size))
    {
        if (!dctx_) {
            throw std::bad_alloc();
        }
        // The window is what the decoder must allocate, and the frame header
        // chooses it: without a cap, 13 bytes could demand 2 GiB.
        validate_zstd_window_log(max_window_log);
        ZSTD_DCtx_setParameter(dctx_.get(), ZSTD_d_windowLogMax, max_window_log);
    }

    boost::system::error_code write(std::string_view input) override
    {
        if (input.empty()) {
            return {};
        }
        seen_input_ = true;
        for (;;) {
            if (padding_ || (at_frame_end_ && !input.empty() && input.front() == '\0')) {
                // No frame starts with a zero byte, so zeros after a complete
                // frame can only be padding.
                padding_ = true;
                return check_padding(input);
            }
            ZSTD_inBuffer in{input.data(), input.size(), 0};
            ZSTD_outBuffer out{buffer_.get(), decoder_chunk_size, 0};
            // Concatenated frames are decoded one after the other: after a
            // frame's last byte the context starts the next one by itself.
            const std::size_t rc = ZSTD_decompressStream(dctx_.get(), &out, &in);
            input.remove_prefix(in.pos);
            if (ZSTD_isError(rc)) {
                return errc::decode_error; // includes frameParameter_windowTooLarge
            }
            if (out.pos != 0) {
                if (auto ec = emit({buffer_.get(), out.pos})) {
                    return ec;
                }
            }
            at_frame_end_ = rc == 0; // a frame ended and is fully flushed
            // A partly filled buffer means everything decodable was flushed.
            // (Not calling again after a frame's end keeps at_frame_end_ true:
            // with no input the context would report itself mid-header.)
            if (input.empty() && (out.pos < out.size || at_frame_end_)) {
                return {};
            }
            if (in.pos == 0 && out.pos == 0) {
                return errc::decode_error; // no progress: never loop forever
            }
        }
    }

    boost::system::error_code finish() override
    {
        if (!seen_input_ || at_frame_end_ || padding_) {
            return {};
        }
        return errc::decode_error;
    }

private:
    std::unique_ptr<ZSTD_DCtx, DctxDeleter> dctx_;
    std::unique_ptr<char[]> buffer_;
    bool seen_input_ = false;
    bool at_frame_end_ = false;
    bool padding_ = false;
};

} // namespace

void validate_zstd_window_log(int max_window_log)
{
    const ZSTD_bounds bounds = ZSTD_dParam_getBounds(ZSTD_d_windowLogMax);
    if (ZSTD_isError(bounds.error) || max_window_log < bounds.lowerBound ||
        max_window_log > bounds.upperBound) {
        throw std::invalid_argument("zstd_max_window_log " + std::to_string(max_window_log) +
                                    " is outside zstd's range [" + std::to_string(bounds.lowerBound) +
                                    ", " + std::to_string(bounds.upperBound) + "]");
    }
}

std::unique_ptr<Stage> make_zstd_stage(Sink& next, std::size_t budget, int max_window_log)
{
    return std::make_unique<ZstdStage>(next, budget, max_window_log);
}

} // namespace trawl::detail::codec
