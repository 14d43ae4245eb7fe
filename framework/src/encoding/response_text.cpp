// Response::text()/encoding(): declared with Response in the core's header,
// implemented here so that the core does not depend on iconv.
//
// Scrapy's TextResponse decides as w3lib's html_to_unicode does, and when
// nothing declares an encoding it guesses: UTF-8 if the body decodes as
// UTF-8, else windows-1252. Here that guess costs nothing extra: the one
// pass that checks a UTF-8 body is the pass that answers it.

#include <trawl/encoding.hpp>
#include <trawl/response.hpp>

#include "encoding/decode.hpp"
#include "encoding/encoding_table.hpp"
#include "encoding/utf8.hpp"

namespace trawl {
namespace {

void decode_into(detail::ResponseTextCache& cache, const Response& response)
{
    cache.storage.clear(); // a failed earlier attempt may have left a part
    const std::string_view content_type = response.headers().get("Content-Type").value_or(std::string_view{});
    const std::string_view body = response.body();
    DetectedEncoding detected = detect_encoding(content_type, body);
    const std::string_view bytes = body.substr(detected.bom_length);
    const detail::EncodingInfo* info = detail::find_encoding(detected.encoding);
    if (info == nullptr) {
        info = &detail::utf8_encoding(); // cannot happen: detection returns canonical names
    }
    if (info->kind == detail::DecoderKind::utf8) {
        const std::size_t valid = detail::valid_utf8_prefix(bytes);
        if (valid == bytes.size()) {
            cache.text = bytes; // the fast path: a view of the body itself
            cache.encoding = std::move(detected.encoding);
            return;
        }
        if (detected.source == EncodingSource::default_encoding) {
            info = detail::find_encoding("windows-1252");
            detected.encoding = info->name;
        } else {
            cache.storage.reserve(bytes.size() + 16);
            cache.storage.assign(bytes.substr(0, valid));
            detail::append_utf8_replacing(cache.storage, bytes.substr(valid));
        }
    }
    if (info->kind != detail::DecoderKind::utf8) {
        detail::append_decoded(cache.storage, bytes, *info);
    }
    detail::shrink_if_loose(cache.storage);
    cache.text = cache.storage;
    cache.encoding = std::move(detected.encoding);
}

const detail::ResponseTextCache& decoded(detail::ResponseTextCache& cache, const Response& response)
{
    if (!cache.ready.load(std::memory_order_acquire)) {
        std::lock_guard lock(cache.mutex);
        if (!cache.ready.load(std::memory_order_relaxed)) {
            decode_into(cache, response);
            cache.ready.store(true, std::memory_order_release);
        }
    }
    return cache;
}

} // namespace

std::string_view Response::text() const { return decoded(shared_->text_cache, *this).text; }

std::string_view Response::encoding() const { return decoded(shared_->text_cache, *this).encoding; }

} // namespace trawl
