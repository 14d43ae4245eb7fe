// br (RFC 7932) through libbrotlidec's streaming API.

#include <brotli/decode.h>

#include "codec/content_decoder.hpp"
#include "codec/decoder_stage.hpp"

#include <trawl/error.hpp>

#include <cstdint>
#include <memory>
#include <new>

namespace trawl::detail::codec {
namespace {

struct BrotliStateDeleter {
    void operator()(BrotliDecoderState* state) const noexcept { BrotliDecoderDestroyInstance(state); }
};

class BrotliStage final : public Stage {
public:
    BrotliStage(Sink& next, std::size_t budget)
        : Stage(next, budget),
          state_(BrotliDecoderCreateInstance(nullptr, nullptr, nullptr)),
          buffer_(std::make_unique_for_overwrite<std::uint8_t[]>(decoder_chunk_size))
    {
        if (!state_) {
            throw std::bad_alloc();
        }
        // Large windows (up to 1 GiB, a non-standard extension) stay off: the
        // default caps the decoder's ring buffer at 16 MiB.
    }

    boost::system::error_code write(std::string_view input) override
    {
        if (input.empty()) {
            return {};
        }
        seen_input_ = true;
        if (done_) {
            return check_padding(input);
        }
        for (;;) {
            std::size_t avail_in = input.size();
            const auto* next_in = reinterpret_cast<const std::uint8_t*>(input.data());
            std::size_t avail_out = decoder_chunk_size;
            std::uint8_t* next_out = buffer_.get();
            const BrotliDecoderResult result = BrotliDecoderDecompressStream(
                state_.get(), &avail_in, &next_in, &avail_out, &next_out, nullptr);
            const std::size_t consumed = input.size() - avail_in;
            const std::size_t produced = decoder_chunk_size - avail_out;
            input.remove_prefix(consumed);

            if (result == BROTLI_DECODER_RESULT_ERROR) {
                return errc::decode_error;
            }
            if (produced != 0) {
                if (auto ec = emit({reinterpret_cast<const char*>(buffer_.get()), produced})) {
                    return ec;
                }
            }
            switch (result) {
            case BROTLI_DECODER_RESULT_SUCCESS:
                done_ = true;
                return check_padding(input); // the decoder leaves what follows unread
            case BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT:
                return {}; // it took all of `input`
            case BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT:
                if (consumed == 0 && produced == 0) {
                    return errc::decode_error; // no progress: never loop forever
                }
                break;
            case BROTLI_DECODER_RESULT_ERROR:
                return errc::decode_error;
            }
        }
    }

    boost::system::error_code finish() override
    {
        if (!seen_input_ || done_) {
            return {};
        }
        return errc::decode_error;
    }

private:
    std::unique_ptr<BrotliDecoderState, BrotliStateDeleter> state_;
    std::unique_ptr<std::uint8_t[]> buffer_;
    bool seen_input_ = false;
    bool done_ = false;
};

} // namespace

std::unique_ptr<Stage> make_brotli_stage(Sink& next, std::size_t budget)
{
    return std::make_unique<BrotliStage>(next, budget);
}

} // namespace trawl::detail::codec
