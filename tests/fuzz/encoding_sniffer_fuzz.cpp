// libFuzzer target: arbitrary bytes as a response body with a Content-Type
// header taken from the input. Detection and decoding must never crash or
// throw, must name an encoding trawl knows, and the text must be valid
// UTF-8 of at most 3 bytes per input byte (plus a constant), as
// <trawl/encoding.hpp> promises.
//
// Input layout: if a '\n' comes within the first 128 bytes, the bytes
// before it are the Content-Type value and the rest is the body; otherwise
// there is no header and everything is the body. The last byte also picks
// one encoding to force through decode_to_utf8().
//
// Run through run_fuzzer.sh (see README.md).

#include <trawl/encoding.hpp>

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

// One label per encoding trawl decodes (encoding/labels.cpp), some spelled
// as aliases so that label resolution runs too.
constexpr std::array<std::string_view, 42> labels = {
    "UTF-8",        "IBM866",       "ISO-8859-2",  "iso8859-3",    "ISO-8859-4",     "ISO-8859-5",
    "ISO-8859-6",   "ISO-8859-7",   "ISO-8859-8",  "ISO-8859-8-I", "ISO-8859-10",    "ISO-8859-13",
    "ISO-8859-14",  "ISO-8859-15",  "ISO-8859-16", "KOI8-R",       "KOI8-U",         "macintosh",
    "windows-874",  "cp1250",       "windows-1251", "latin1",      "windows-1253",   "iso-8859-9",
    "windows-1255", "windows-1256", "windows-1257", "windows-1258", "x-mac-cyrillic", "gbk",
    "gb18030",      "Big5",         "big5hkscs",   "EUC-JP",       "ISO-2022-JP",    "Shift_JIS",
    "EUC-KR",       "utf-16",       "UTF-16LE",    "UTF-32BE",     "UTF-32LE",       "utf-16-be",
};

// The constant in "3 bytes per input byte plus a constant": generous, the
// point is to catch output that grows faster than the input.
constexpr std::size_t output_slack = 64;

/// Well-formed UTF-8 (Unicode table 3-7), written here rather than taken
/// from encoding/utf8.hpp so that the check does not share the decoder's
/// code.
bool valid_utf8(std::string_view s)
{
    std::size_t i = 0;
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    while (i < s.size()) {
        const unsigned char c = byte(i);
        std::size_t n = 0;
        unsigned char lo = 0x80;
        unsigned char hi = 0xBF;
        if (c < 0x80) {
            ++i;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            n = 1;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 2;
            lo = c == 0xE0 ? 0xA0 : 0x80;
            hi = c == 0xED ? 0x9F : 0xBF;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 3;
            lo = c == 0xF0 ? 0x90 : 0x80;
            hi = c == 0xF4 ? 0x8F : 0xBF;
        } else {
            return false;
        }
        if (i + n >= s.size()) {
            return false;
        }
        if (byte(i + 1) < lo || byte(i + 1) > hi) {
            return false;
        }
        for (std::size_t k = 2; k <= n; ++k) {
            if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) {
                return false;
            }
        }
        i += n + 1;
    }
    return true;
}

[[noreturn]] void fail(const char* what, std::string_view detail)
{
    std::fprintf(stderr, "encoding_sniffer_fuzz: %s: %.*s\n", what, static_cast<int>(detail.size()), detail.data());
    std::abort();
}

void check_text(const char* what, std::string_view text, std::size_t input_size)
{
    if (!valid_utf8(text)) {
        fail("output is not valid UTF-8", what);
    }
    if (text.size() > 3 * input_size + output_slack) {
        fail("output more than 3 bytes per input byte", what);
    }
}

void check_known(const char* what, const std::string& encoding)
{
    if (encoding.empty() || trawl::resolve_encoding(encoding) != encoding) {
        fail(what, encoding);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    std::string_view content_type;
    std::string_view body = input;
    if (const auto eol = input.substr(0, 128).find('\n'); eol != std::string_view::npos) {
        content_type = input.substr(0, eol);
        body = input.substr(eol + 1);
    }

    // Each step on its own, as Response and the conformance tests use them.
    if (const auto from_header = trawl::http_content_type_encoding(content_type)) {
        check_known("http_content_type_encoding gave an unknown name", *from_header);
    }
    if (const auto declared = trawl::html_body_declared_encoding(body)) {
        check_known("html_body_declared_encoding gave an unknown name", *declared);
    }
    if (const auto bom = trawl::read_bom(body)) {
        check_known("read_bom gave an unknown name", bom->encoding);
        if (bom->length > body.size()) {
            fail("byte order mark longer than the body", bom->encoding);
        }
    }
    if (const std::string resolved = trawl::resolve_encoding(content_type); !resolved.empty()) {
        check_known("resolve_encoding is not idempotent", resolved);
    }

    // The whole sniffer, with and without Scrapy's detector.
    const trawl::Decoded plain = trawl::html_to_unicode(content_type, body);
    check_known("html_to_unicode chose an unknown encoding", plain.encoding);
    check_text("html_to_unicode", plain.text, body.size());

    const auto detected = trawl::detect_encoding(content_type, body, "windows-1252", trawl::detect_utf8_or_windows_1252);
    check_known("detect_encoding chose an unknown encoding", detected.encoding);
    if (detected.bom_length > body.size()) {
        fail("detect_encoding: byte order mark longer than the body", detected.encoding);
    }
    const trawl::Decoded guessed =
        trawl::html_to_unicode(content_type, body, "windows-1252", trawl::detect_utf8_or_windows_1252);
    check_text("html_to_unicode with the detector", guessed.text, body.size());

    // One decoder forced on the bytes, whatever they declare.
    if (size > 0) {
        const std::string_view label = labels[data[size - 1] % labels.size()];
        if (trawl::resolve_encoding(label).empty()) {
            fail("a label of the fuzzer's list is unknown", label);
        }
        check_text("decode_to_utf8", trawl::decode_to_utf8(body, label), body.size());
    }
    return 0;
}
