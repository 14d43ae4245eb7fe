#pragma once
// The pieces a ContentDecoder is built from: one Stage per coding, each
// pushing its output, one bounded chunk at a time, into the next Sink. The
// last sink appends to the caller's string and enforces the limit, so a chunk
// reaches it (and the limit is checked) before the stage inflates any more.

#include <boost/system/error_code.hpp>

#include <cstddef>
#include <memory>
#include <string_view>

namespace trawl::detail::codec {

class Sink {
public:
    /// Takes one chunk of at most decoder_chunk_size bytes. An error stops
    /// the stage that produced the chunk, which returns it to its own caller.
    virtual boost::system::error_code write(std::string_view chunk) = 0;

protected:
    ~Sink() = default;
};

/// One coding's decoder. Stages are stateful and not reusable: after an error
/// the owner (ContentDecoder) refuses further input, so stages need not
/// remember errors themselves.
class Stage : public Sink {
public:
    /// `budget` caps what this stage may produce in total (0 = unlimited);
    /// see make_content_decoder for why intermediate stages are capped.
    Stage(Sink& next, std::size_t budget) : next_(next), budget_(budget) {}
    virtual ~Stage() = default;
    Stage(const Stage&) = delete;
    Stage& operator=(const Stage&) = delete;

    /// The input has ended: decode_error unless the stream is complete (or no
    /// byte was ever written: an empty body is accepted as empty output).
    /// All output was already pushed by write(), so this only checks.
    virtual boost::system::error_code finish() = 0;

protected:
    /// Passes a produced chunk on, counting it against the budget.
    boost::system::error_code emit(std::string_view chunk);

    /// Bytes after the end of a complete stream: zero padding is ignored, as
    /// browsers do for gzip; anything else is decode_error.
    static boost::system::error_code check_padding(std::string_view trailing) noexcept;

private:
    Sink& next_;
    std::size_t budget_;
    std::size_t produced_ = 0;
};

std::unique_ptr<Stage> make_gzip_stage(Sink& next, std::size_t budget);
/// zlib-wrapped (RFC 1950) or raw (RFC 1951), told apart by the first two bytes.
std::unique_ptr<Stage> make_deflate_stage(Sink& next, std::size_t budget);
std::unique_ptr<Stage> make_brotli_stage(Sink& next, std::size_t budget);
std::unique_ptr<Stage> make_zstd_stage(Sink& next, std::size_t budget, int max_window_log);

/// Throws std::invalid_argument unless zstd accepts `max_window_log` as its
/// ZSTD_d_windowLogMax.
void validate_zstd_window_log(int max_window_log);

} // namespace trawl::detail::codec
