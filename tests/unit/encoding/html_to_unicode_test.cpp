// detect_encoding / html_to_unicode: the order in which a body's encoding is
// decided (byte order mark, Content-Type, declaration, detector, default),
// and the byte order mark being removed from the text.

#include <trawl/encoding.hpp>

#include <gtest/gtest.h>

#include <string>

namespace trawl {
namespace {

TEST(ReadBom, EachByteOrderMark)
{
    EXPECT_EQ(read_bom("\xEF\xBB\xBFx")->encoding, "UTF-8");
    EXPECT_EQ(read_bom("\xEF\xBB\xBFx")->length, 3u);
    EXPECT_EQ(read_bom("\xFE\xFFx")->encoding, "UTF-16BE");
    EXPECT_EQ(read_bom("\xFF\xFEx")->encoding, "UTF-16LE");
    EXPECT_EQ(read_bom(std::string("\xFF\xFE\0\0", 4))->encoding, "UTF-32LE");
    EXPECT_EQ(read_bom(std::string("\xFF\xFE\0\0", 4))->length, 4u);
    EXPECT_EQ(read_bom(std::string("\0\0\xFE\xFF", 4))->encoding, "UTF-32BE");
    EXPECT_FALSE(read_bom(""));
    EXPECT_FALSE(read_bom("\xEF\xBB"));
    EXPECT_FALSE(read_bom("<html>"));
}

TEST(DetectEncoding, ByteOrderMarkBeatsEverything)
{
    const std::string body = "\xEF\xBB\xBF<meta charset=koi8-r>";
    const auto detected = detect_encoding("text/html; charset=windows-1251", body);
    EXPECT_EQ(detected.encoding, "UTF-8");
    EXPECT_EQ(detected.bom_length, 3u);
    EXPECT_EQ(detected.source, EncodingSource::bom);
}

TEST(DetectEncoding, HeaderBeatsDeclaration)
{
    const auto detected = detect_encoding("text/html; charset=windows-1251", "<meta charset=koi8-r>");
    EXPECT_EQ(detected.encoding, "windows-1251");
    EXPECT_EQ(detected.bom_length, 0u);
    EXPECT_EQ(detected.source, EncodingSource::http_header);
}

TEST(DetectEncoding, DeclarationWhenTheHeaderHasNoUsableCharset)
{
    EXPECT_EQ(detect_encoding("text/html", "<meta charset=koi8-r>").encoding, "KOI8-R");
    EXPECT_EQ(detect_encoding("text/html; charset=x-klingon", "<meta charset=koi8-r>").encoding, "KOI8-R");
    EXPECT_EQ(detect_encoding("", "<meta charset=koi8-r>").source, EncodingSource::declaration);
}

TEST(DetectEncoding, DetectorThenDefault)
{
    const EncodingDetector always_koi8 = [](std::string_view) { return std::string("koi8-u"); };
    const EncodingDetector no_idea = [](std::string_view) { return std::string(); };
    const EncodingDetector nonsense = [](std::string_view) { return std::string("x-klingon"); };
    EXPECT_EQ(detect_encoding("", "plain", "UTF-8", always_koi8).encoding, "KOI8-U");
    EXPECT_EQ(detect_encoding("", "plain", "UTF-8", always_koi8).source, EncodingSource::detector);
    EXPECT_EQ(detect_encoding("", "plain", "windows-1250", no_idea).encoding, "windows-1250");
    EXPECT_EQ(detect_encoding("", "plain", "windows-1250", nonsense).encoding, "windows-1250");
    EXPECT_EQ(detect_encoding("", "plain", "windows-1250").source, EncodingSource::default_encoding);
    EXPECT_EQ(detect_encoding("", "plain").encoding, "UTF-8");
    EXPECT_EQ(detect_encoding("", "plain", "x-klingon").encoding, "UTF-8");
    // The detector is not asked when something declares the encoding.
    EXPECT_EQ(detect_encoding("", "<meta charset=big5>", "UTF-8", always_koi8).encoding, "Big5");
}

TEST(DetectUtf8OrWindows1252, ScrapysGuess)
{
    EXPECT_EQ(detect_utf8_or_windows_1252("plain ASCII"), "UTF-8");
    EXPECT_EQ(detect_utf8_or_windows_1252("caf\xC3\xA9"), "UTF-8");
    EXPECT_EQ(detect_utf8_or_windows_1252("caf\xE9"), "windows-1252");
}

TEST(HtmlToUnicode, RemovesTheByteOrderMark)
{
    const auto utf8 = html_to_unicode("", "\xEF\xBB\xBFhi");
    EXPECT_EQ(utf8.text, "hi");
    EXPECT_EQ(utf8.encoding, "UTF-8");
    const auto utf16 = html_to_unicode("text/html; charset=utf-8", std::string("\xFF\xFEh\0i\0", 6));
    EXPECT_EQ(utf16.text, "hi");
    EXPECT_EQ(utf16.encoding, "UTF-16LE");
}

TEST(HtmlToUnicode, Utf16BodyByHeader)
{
    const auto decoded = html_to_unicode("text/html; charset=UTF-16", std::string("\0<\0p\0>\0\xE9", 8));
    EXPECT_EQ(decoded.encoding, "UTF-16BE");
    EXPECT_EQ(decoded.text, "<p>\xC3\xA9");
}

TEST(HtmlToUnicode, LegacyPageByMeta)
{
    const std::string page = "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=Shift_JIS\">"
                             "<title>\x83\x65\x83\x58\x83\x67</title></head><body>\x82\xA0</body></html>";
    const auto decoded = html_to_unicode("text/html", page);
    EXPECT_EQ(decoded.encoding, "Shift_JIS");
    EXPECT_NE(decoded.text.find("<title>\xE3\x83\x86\xE3\x82\xB9\xE3\x83\x88</title>"), std::string::npos);
    EXPECT_NE(decoded.text.find("<body>\xE3\x81\x82</body>"), std::string::npos);
}

TEST(HtmlToUnicode, InvalidBytesNeverThrow)
{
    EXPECT_EQ(html_to_unicode("text/html; charset=utf-8", "a\xFF").text, "a\xEF\xBF\xBD");
    EXPECT_EQ(html_to_unicode("", "a\xFF").text, "a\xEF\xBF\xBD"); // the default is UTF-8
    EXPECT_EQ(html_to_unicode("", "a\xFF", "UTF-8", detect_utf8_or_windows_1252).text, "a\xC3\xBF");
}

} // namespace
} // namespace trawl
