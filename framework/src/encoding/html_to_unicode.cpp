// Choosing a body's encoding in w3lib's order (byte order mark, HTTP
// header, in-document declaration, detector, default) and decoding it.

#include <trawl/encoding.hpp>

#include "encoding/decode.hpp"
#include "encoding/encoding_table.hpp"
#include "encoding/utf8.hpp"

#include <array>

namespace trawl {
namespace {

struct BomEntry {
    std::string_view bytes;
    std::string_view encoding;
};

// UTF-32LE before UTF-16LE: FF FE 00 00 starts both.
constexpr std::array<BomEntry, 5> boms{{
    {std::string_view("\x00\x00\xFE\xFF", 4), "UTF-32BE"},
    {std::string_view("\xFF\xFE\x00\x00", 4), "UTF-32LE"},
    {"\xFE\xFF", "UTF-16BE"},
    {"\xFF\xFE", "UTF-16LE"},
    {"\xEF\xBB\xBF", "UTF-8"},
}};

} // namespace

std::optional<ByteOrderMark> read_bom(std::string_view body)
{
    for (const auto& bom : boms) {
        if (body.starts_with(bom.bytes)) {
            return ByteOrderMark{std::string(bom.encoding), bom.bytes.size()};
        }
    }
    return std::nullopt;
}

std::string detect_utf8_or_windows_1252(std::string_view body)
{
    return detail::is_valid_utf8(body) ? "UTF-8" : "windows-1252";
}

DetectedEncoding detect_encoding(std::string_view content_type, std::string_view body,
                                 std::string_view default_encoding, const EncodingDetector& auto_detect)
{
    DetectedEncoding out;
    if (auto bom = read_bom(body)) {
        out.encoding = std::move(bom->encoding);
        out.bom_length = bom->length;
        out.source = EncodingSource::bom;
        return out;
    }
    if (auto header = http_content_type_encoding(content_type)) {
        out.encoding = std::move(*header);
        out.source = EncodingSource::http_header;
        return out;
    }
    if (auto declared = html_body_declared_encoding(body)) {
        out.encoding = std::move(*declared);
        out.source = EncodingSource::declaration;
        return out;
    }
    if (auto_detect) {
        out.encoding = resolve_encoding(auto_detect(body));
        if (!out.encoding.empty()) {
            out.source = EncodingSource::detector;
            return out;
        }
    }
    out.encoding = resolve_encoding(default_encoding);
    if (out.encoding.empty()) {
        out.encoding = "UTF-8";
    }
    out.source = EncodingSource::default_encoding;
    return out;
}

Decoded html_to_unicode(std::string_view content_type, std::string_view body, std::string_view default_encoding,
                        const EncodingDetector& auto_detect)
{
    DetectedEncoding detected = detect_encoding(content_type, body, default_encoding, auto_detect);
    Decoded out;
    out.text = decode_to_utf8(body.substr(detected.bom_length), detected.encoding);
    out.encoding = std::move(detected.encoding);
    return out;
}

} // namespace trawl
