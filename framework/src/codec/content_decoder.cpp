// Parses Content-Encoding and chains the coding stages (decoder_stage.hpp).

#include "codec/content_decoder.hpp"

#include "codec/decoder_stage.hpp"

#include <trawl/error.hpp>
#include <trawl/headers.hpp>

#include <boost/assert.hpp>

#include <algorithm>
#include <vector>

namespace trawl::detail {
namespace codec {

boost::system::error_code Stage::emit(std::string_view chunk)
{
    produced_ += chunk.size();
    if (budget_ != 0 && produced_ > budget_) {
        return errc::body_too_large;
    }
    return next_.write(chunk);
}

boost::system::error_code Stage::check_padding(std::string_view trailing) noexcept
{
    const bool zeros = std::all_of(trailing.begin(), trailing.end(), [](char c) { return c == '\0'; });
    return zeros ? boost::system::error_code{} : make_error_code(errc::decode_error);
}

} // namespace codec

namespace {

using codec::Stage;

enum class Coding { gzip, deflate, br, zstd };

/// More codings than anyone sends on purpose; each costs a chunk buffer and
/// a decoder state, so a hostile header must not pick the count.
constexpr std::size_t max_codings = 4;

/// The last stage appends to the caller's string and enforces the limit.
class OutputSink final : public codec::Sink {
public:
    explicit OutputSink(std::size_t limit) noexcept : limit_(limit) {}

    void bind(std::string& output) noexcept { output_ = &output; }
    std::size_t total() const noexcept { return total_; }

    boost::system::error_code write(std::string_view chunk) override
    {
        BOOST_ASSERT(output_ != nullptr);
        output_->append(chunk);
        total_ += chunk.size();
        if (limit_ != 0 && total_ > limit_) {
            return errc::body_too_large;
        }
        return {};
    }

private:
    std::string* output_ = nullptr;
    std::size_t total_ = 0;
    std::size_t limit_;
};

class ChainDecoder final : public ContentDecoder {
public:
    ChainDecoder(const std::vector<Coding>& codings, const DecoderLimits& limits) : sink_(limits.max_output)
    {
        // Intermediate output is compressed data, normally smaller than the
        // final body and never more than slightly larger (zstd, the worst, adds
        // under 1/256). Capping it too keeps a small body that inflates to
        // terabytes of something the next stage skips (gzip zero padding, zstd
        // skippable frames, a gzip header comment) from burning unbounded CPU.
        const std::size_t budget =
            limits.max_output == 0 ? 0 : limits.max_output + limits.max_output / 64 + decoder_chunk_size;
        // codings[0] was applied first, so it is decoded last and writes to
        // the sink; each later coding's stage feeds the one before it.
        codec::Sink* next = &sink_;
        for (const Coding coding : codings) {
            stages_.push_back(make_stage(coding, *next, budget, limits.zstd_max_window_log));
            next = stages_.back().get();
        }
    }

    boost::system::error_code decode(std::string_view input, std::string& output) override
    {
        BOOST_ASSERT_MSG(!finished_, "ContentDecoder::decode after finish");
        if (failed_) {
            return failed_;
        }
        sink_.bind(output);
        failed_ = stages_.empty() ? pass_through(input) : stages_.back()->write(input);
        return failed_;
    }

    boost::system::error_code finish(std::string& output) override
    {
        if (failed_ || finished_) {
            return failed_;
        }
        finished_ = true;
        sink_.bind(output);
        // Outermost first: were a stage to flush on finish, the next would see it.
        for (auto it = stages_.rbegin(); it != stages_.rend(); ++it) {
            if ((failed_ = (*it)->finish())) {
                break;
            }
        }
        return failed_;
    }

    std::size_t total_output() const noexcept override { return sink_.total(); }

private:
    static std::unique_ptr<Stage> make_stage(Coding coding, codec::Sink& next, std::size_t budget,
                                             int zstd_max_window_log)
    {
        switch (coding) {
        case Coding::gzip: return codec::make_gzip_stage(next, budget);
        case Coding::deflate: return codec::make_deflate_stage(next, budget);
        case Coding::br: return codec::make_brotli_stage(next, budget);
        case Coding::zstd: return codec::make_zstd_stage(next, budget, zstd_max_window_log);
        }
        BOOST_ASSERT_MSG(false, "unknown coding");
        return nullptr;
    }

    /// Identity still goes through the sink chunk by chunk, so a huge
    /// uncompressed body stops within one chunk of the limit as well.
    boost::system::error_code pass_through(std::string_view input)
    {
        while (!input.empty()) {
            const std::size_t n = std::min(input.size(), decoder_chunk_size);
            if (auto ec = sink_.write(input.substr(0, n))) {
                return ec;
            }
            input.remove_prefix(n);
        }
        return {};
    }

    OutputSink sink_;
    std::vector<std::unique_ptr<Stage>> stages_; ///< in Content-Encoding order
    boost::system::error_code failed_;
    bool finished_ = false;
};

std::string_view trim_ows(std::string_view s) noexcept
{
    const auto is_ows = [](char c) { return c == ' ' || c == '\t'; };
    while (!s.empty() && is_ows(s.front())) {
        s.remove_prefix(1);
    }
    while (!s.empty() && is_ows(s.back())) {
        s.remove_suffix(1);
    }
    return s;
}

} // namespace

boost::system::result<std::unique_ptr<ContentDecoder>>
make_content_decoder(std::string_view content_encoding, DecoderLimits limits)
{
    codec::validate_zstd_window_log(limits.zstd_max_window_log);

    std::vector<Coding> codings;
    while (true) {
        const std::size_t comma = content_encoding.find(',');
        const std::string_view token = trim_ows(content_encoding.substr(0, comma));
        // Empty list elements are allowed by RFC 9110 5.6.1; identity is a no-op.
        if (!token.empty() && !iequals(token, "identity")) {
            if (iequals(token, "gzip") || iequals(token, "x-gzip")) {
                codings.push_back(Coding::gzip);
            } else if (iequals(token, "deflate")) {
                codings.push_back(Coding::deflate);
            } else if (iequals(token, "br")) {
                codings.push_back(Coding::br);
            } else if (iequals(token, "zstd")) {
                codings.push_back(Coding::zstd);
            } else {
                return make_error_code(errc::unsupported_encoding);
            }
            if (codings.size() > max_codings) {
                return make_error_code(errc::unsupported_encoding);
            }
        }
        if (comma == std::string_view::npos) {
            break;
        }
        content_encoding.remove_prefix(comma + 1);
    }
    std::unique_ptr<ContentDecoder> decoder = std::make_unique<ChainDecoder>(codings, limits);
    return decoder;
}

} // namespace trawl::detail
