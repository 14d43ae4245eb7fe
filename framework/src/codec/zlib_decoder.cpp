// gzip and deflate through zlib's inflate.

#define ZLIB_CONST
#include <zlib.h>

#include "codec/decoder_stage.hpp"
#include "codec/content_decoder.hpp"

#include <trawl/error.hpp>

#include <algorithm>
#include <array>
#include <climits>
#include <cstdint>
#include <memory>
#include <new>

namespace trawl::detail::codec {
namespace {

enum class Wrapper { gzip, deflate_sniff };

class ZlibStage final : public Stage {
public:
    ZlibStage(Sink& next, std::size_t budget, Wrapper wrapper)
        : Stage(next, budget), wrapper_(wrapper), buffer_(std::make_unique_for_overwrite<Bytef[]>(decoder_chunk_size))
    {
        if (wrapper_ == Wrapper::gzip) {
            init(16 + MAX_WBITS);
            state_ = State::body;
        }
    }

    ~ZlibStage() override
    {
        if (initialised_) {
            inflateEnd(&stream_);
        }
    }

    boost::system::error_code write(std::string_view input) override
    {
        if (input.empty()) {
            return {};
        }
        seen_input_ = true;
        if (state_ == State::sniff) {
            // Servers answer "deflate" with either wrapper (IIS famously sent raw
            // deflate), so look at the first two bytes before choosing.
            while (sniffed_ < sniff_.size() && !input.empty()) {
                sniff_[sniffed_++] = static_cast<std::uint8_t>(input.front());
                input.remove_prefix(1);
            }
            if (sniffed_ < sniff_.size()) {
                return {};
            }
            init(looks_like_zlib_header() ? MAX_WBITS : -MAX_WBITS);
            state_ = State::body;
            const std::string_view head(reinterpret_cast<const char*>(sniff_.data()), sniff_.size());
            if (auto ec = feed(head)) {
                return ec;
            }
        }
        return feed(input);
    }

    boost::system::error_code finish() override
    {
        if (!seen_input_ || state_ == State::stream_end || state_ == State::padding) {
            return {};
        }
        return errc::decode_error; // inside a member, or still sniffing
    }

private:
    enum class State {
        sniff,      ///< deflate only: fewer than two bytes seen
        body,       ///< inflating a gzip member or the deflate stream
        stream_end, ///< a member/stream just ended; what follows decides
        padding,    ///< zero bytes after the end: only more zeros allowed
    };

    void init(int window_bits)
    {
        if (inflateInit2(&stream_, window_bits) != Z_OK) {
            throw std::bad_alloc();
        }
        initialised_ = true;
    }

    bool looks_like_zlib_header() const noexcept
    {
        // RFC 1950: CM = 8 (deflate), CINFO <= 7 (window <= 32 KiB), and the
        // header read as a 16-bit big-endian number is a multiple of 31. A raw
        // stream's first byte is its first block header, LSB first: CM = 8
        // would mean a non-final stored block with a 1 in its padding bits,
        // which encoders do not write, so the test does not misfire in practice.
        const unsigned cmf = sniff_[0];
        const unsigned flg = sniff_[1];
        return (cmf & 0x0fu) == 8u && (cmf >> 4) <= 7u && ((cmf << 8) | flg) % 31u == 0u;
    }

    boost::system::error_code feed(std::string_view input)
    {
        while (!input.empty()) {
            switch (state_) {
            case State::sniff: // handled by write()
            case State::body:
                if (auto ec = inflate_some(input)) {
                    return ec;
                }
                break;
            case State::stream_end:
                if (input.front() == '\0') {
                    state_ = State::padding;
                } else if (wrapper_ == Wrapper::gzip) {
                    // Another member (RFC 1952 2.2); inflate checks its magic.
                    if (inflateReset(&stream_) != Z_OK) {
                        return errc::decode_error;
                    }
                    state_ = State::body;
                } else {
                    return errc::decode_error;
                }
                break;
            case State::padding:
                return check_padding(input);
            }
        }
        return {};
    }

    /// Inflates until `input` is used up or the member ends, emitting at most
    /// one chunk per inflate() call.
    boost::system::error_code inflate_some(std::string_view& input)
    {
        for (;;) {
            const auto offered = static_cast<uInt>(std::min<std::size_t>(input.size(), UINT_MAX));
            stream_.next_in = reinterpret_cast<const Bytef*>(input.data());
            stream_.avail_in = offered;
            stream_.next_out = buffer_.get();
            stream_.avail_out = static_cast<uInt>(decoder_chunk_size);
            const int rc = inflate(&stream_, Z_NO_FLUSH);
            const std::size_t consumed = offered - stream_.avail_in;
            const std::size_t produced = decoder_chunk_size - stream_.avail_out;
            input.remove_prefix(consumed);
            stream_.next_in = nullptr; // never left pointing into the caller's buffer

            if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
                return errc::decode_error; // Z_DATA_ERROR, Z_NEED_DICT, Z_MEM_ERROR
            }
            if (produced != 0) {
                if (auto ec = emit({reinterpret_cast<const char*>(buffer_.get()), produced})) {
                    return ec;
                }
            }
            if (rc == Z_STREAM_END) {
                state_ = State::stream_end;
                return {};
            }
            // A partly filled buffer means inflate has flushed all it can.
            if (input.empty() && stream_.avail_out != 0) {
                return {};
            }
            if (consumed == 0 && produced == 0) {
                return errc::decode_error; // no progress: never loop forever
            }
        }
    }

    Wrapper wrapper_;
    State state_ = State::sniff;
    z_stream stream_{};
    bool initialised_ = false;
    bool seen_input_ = false;
    std::array<std::uint8_t, 2> sniff_{};
    std::size_t sniffed_ = 0;
    std::unique_ptr<Bytef[]> buffer_;
};

} // namespace

std::unique_ptr<Stage> make_gzip_stage(Sink& next, std::size_t budget)
{
    return std::make_unique<ZlibStage>(next, budget, Wrapper::gzip);
}

std::unique_ptr<Stage> make_deflate_stage(Sink& next, std::size_t budget)
{
    return std::make_unique<ZlibStage>(next, budget, Wrapper::deflate_sniff);
}

} // namespace trawl::detail::codec
