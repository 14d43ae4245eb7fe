#pragma once
// Character encodings of response bodies: which encoding a page is in and
// its text as UTF-8, decided the way Scrapy does it (w3lib.encoding):
//
//   1. a byte order mark (UTF-8, UTF-16LE/BE, UTF-32LE/BE);
//   2. else the charset of the HTTP Content-Type;
//   3. else a <meta charset>, <meta ... content="...; charset=..."> or XML
//      declaration in the first 4096 bytes, before <body>;
//   4. else a caller's guess (auto-detection), else the caller's default.
//
// Names. An encoding is named by its WHATWG Encoding Standard name
// ("UTF-8", "windows-1252", "Shift_JIS", "gb18030", "ISO-8859-4"...), and
// labels are mapped as browsers and w3lib both do: "iso-8859-1", "latin1"
// and "ascii" mean windows-1252; "gb2312" and "gbk" mean gb18030;
// "iso-8859-9" means windows-1254. Python codec names that w3lib returns
// ("cp1252", "iso8859-4", "utf-16-be", "big5hkscs", "gb18030_2000"...) are
// accepted as labels. Two w3lib behaviours the WHATWG standard lacks are
// kept: UTF-32 (named "UTF-32BE"/"UTF-32LE"), and "utf-16"/"utf-32"
// without a byte order mark meaning big-endian (RFC 2781).
//
// Decoding never fails: bytes that are invalid in the encoding become
// U+FFFD. The output is at most 3 bytes per input byte plus a constant, and
// the work is linear in the input. Legacy encodings go through glibc's
// iconv; UTF-8 and the single-byte encodings are decoded here.

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace trawl {

/// The canonical name of the encoding `label` stands for ("latin1" ->
/// "windows-1252", " UTF8 " -> "UTF-8"), or "" when it is not one trawl
/// decodes. Case, surrounding white space and punctuation ('-', '_', ' ',
/// ':', '.') do not matter.
std::string resolve_encoding(std::string_view label);

/// The encoding named by the charset parameter of a Content-Type header
/// value ("text/html; charset=ISO-8859-4" -> "ISO-8859-4"), resolved as by
/// resolve_encoding. nullopt when there is no well-formed charset parameter
/// or its label is unknown. Parameters are parsed (a "charset=" inside
/// another parameter's quoted value does not count); no white space is
/// allowed around '='; in a comma-joined value the first charset wins.
std::optional<std::string> http_content_type_encoding(std::string_view content_type);

/// The encoding a document declares in its first 4096 bytes: <meta
/// charset=X>, a <meta> whose content attribute holds "charset=X", or an
/// XML declaration's encoding="X", whichever comes first; comments are
/// skipped and the search stops at <body>. nullopt when there is none.
/// A declared UTF-16 or UTF-32 means UTF-8 (the declaration was readable
/// as ASCII, so the document is not UTF-16), as in the HTML standard.
std::optional<std::string> html_body_declared_encoding(std::string_view body);

/// A byte order mark at the start of a body.
struct ByteOrderMark {
    std::string encoding; ///< "UTF-8", "UTF-16BE", "UTF-16LE", "UTF-32BE", "UTF-32LE"
    std::size_t length;   ///< bytes to skip: 3, 2 or 4
};
std::optional<ByteOrderMark> read_bom(std::string_view body);

/// `bytes` in `encoding` (any label resolve_encoding knows) as UTF-8, with
/// U+FFFD for invalid bytes. A byte order mark is not removed. Throws
/// std::invalid_argument for an unknown encoding: that is the caller's
/// mistake, never the data's.
std::string decode_to_utf8(std::string_view bytes, std::string_view encoding);

/// A guess at the encoding of a body that declares none: a label, or ""
/// for no guess (w3lib's auto_detect_fun).
using EncodingDetector = std::function<std::string(std::string_view body)>;

/// Scrapy's guess for a body that declares no encoding: "UTF-8" if the body
/// is valid UTF-8 (ASCII included), else "windows-1252".
std::string detect_utf8_or_windows_1252(std::string_view body);

/// Which of the steps above decided.
enum class EncodingSource { bom, http_header, declaration, detector, default_encoding };

/// The encoding chosen for a body, and the byte order mark to skip.
struct DetectedEncoding {
    std::string encoding;        ///< canonical name
    std::size_t bom_length = 0;  ///< bytes of byte order mark at the start of the body
    EncodingSource source = EncodingSource::default_encoding;
};

/// Steps 1 to 4 above. `default_encoding` (a label) is used when nothing
/// else decides; an unknown label there means UTF-8. A detector's answer
/// that is unknown is ignored.
DetectedEncoding detect_encoding(std::string_view content_type, std::string_view body,
                                 std::string_view default_encoding = "UTF-8",
                                 const EncodingDetector& auto_detect = {});

/// The body as UTF-8 text and the encoding it was read in.
struct Decoded {
    std::string text;
    std::string encoding;
};

/// w3lib's html_to_unicode: detect_encoding, then decode the body after any
/// byte order mark. `content_type` is the header value ("" when absent).
Decoded html_to_unicode(std::string_view content_type, std::string_view body,
                        std::string_view default_encoding = "UTF-8", const EncodingDetector& auto_detect = {});

} // namespace trawl
