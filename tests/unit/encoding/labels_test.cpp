// resolve_encoding: WHATWG labels, w3lib's (Python's) codec names, and the
// browser mappings both share.

#include <trawl/encoding.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace trawl {
namespace {

TEST(ResolveEncoding, CanonicalNamesNameThemselves)
{
    const std::vector<std::string> names{
        "UTF-8",        "IBM866",       "ISO-8859-2",   "ISO-8859-3",   "ISO-8859-4",   "ISO-8859-5",
        "ISO-8859-6",   "ISO-8859-7",   "ISO-8859-8",   "ISO-8859-8-I", "ISO-8859-10",  "ISO-8859-13",
        "ISO-8859-14",  "ISO-8859-15",  "ISO-8859-16",  "KOI8-R",       "KOI8-U",       "macintosh",
        "windows-874",  "windows-1250", "windows-1251", "windows-1252", "windows-1253", "windows-1254",
        "windows-1255", "windows-1256", "windows-1257", "windows-1258", "x-mac-cyrillic", "gb18030",
        "Big5",         "EUC-JP",       "ISO-2022-JP",  "Shift_JIS",    "EUC-KR",       "UTF-16BE",
        "UTF-16LE",     "UTF-32BE",     "UTF-32LE"};
    for (const auto& name : names) {
        EXPECT_EQ(resolve_encoding(name), name);
        // Every one of them can be decoded (iconv knows it on this system).
        EXPECT_NO_THROW(decode_to_utf8("", name)) << name;
        if (!name.starts_with("UTF-16") && !name.starts_with("UTF-32")) {
            EXPECT_EQ(decode_to_utf8("<p class=\"x\">Hello, 1 + 1 = 2</p>\n", name),
                      "<p class=\"x\">Hello, 1 + 1 = 2</p>\n")
                << name << " is ASCII-compatible";
        }
    }
}

TEST(ResolveEncoding, BrowserMappings)
{
    for (const char* label : {"latin1", " Latin-1", "ISO-8859-1", "iso8859_1", "l1", "ascii", "US-ASCII", "cp1252",
                              "windows-1252", "iso_8859-1:1987", "cp819"}) {
        EXPECT_EQ(resolve_encoding(label), "windows-1252") << label;
    }
    for (const char* label : {"gbk", "GB2312", "gb_2312-80", "GB18030", "gb18030_2000", "x-gbk", "cp936"}) {
        EXPECT_EQ(resolve_encoding(label), "gb18030") << label;
    }
    for (const char* label : {"shift_jis", "Shift-JIS", "sjis", "x-sjis", "cp932", "Windows-31J", "ms_kanji"}) {
        EXPECT_EQ(resolve_encoding(label), "Shift_JIS") << label;
    }
    EXPECT_EQ(resolve_encoding("euc-kr"), "EUC-KR");
    EXPECT_EQ(resolve_encoding("cp949"), "EUC-KR");
    EXPECT_EQ(resolve_encoding("big5"), "Big5");
    EXPECT_EQ(resolve_encoding("big5hkscs"), "Big5");
    EXPECT_EQ(resolve_encoding("iso-8859-9"), "windows-1254");
    EXPECT_EQ(resolve_encoding("latin5"), "windows-1254");
    EXPECT_EQ(resolve_encoding("tis-620"), "windows-874");
    EXPECT_EQ(resolve_encoding("iso-8859-11"), "windows-874");
    EXPECT_EQ(resolve_encoding("win_1251"), "windows-1251");
}

TEST(ResolveEncoding, PythonCodecNames)
{
    EXPECT_EQ(resolve_encoding("iso8859-4"), "ISO-8859-4");
    EXPECT_EQ(resolve_encoding("iso8859_15"), "ISO-8859-15");
    EXPECT_EQ(resolve_encoding("utf_8"), "UTF-8");
    EXPECT_EQ(resolve_encoding("U8"), "UTF-8");
    EXPECT_EQ(resolve_encoding("utf-16-be"), "UTF-16BE");
    EXPECT_EQ(resolve_encoding("utf_16_le"), "UTF-16LE");
    EXPECT_EQ(resolve_encoding("utf-32-le"), "UTF-32LE");
    EXPECT_EQ(resolve_encoding("mac_roman"), "macintosh");
    EXPECT_EQ(resolve_encoding("koi8_r"), "KOI8-R");
    EXPECT_EQ(resolve_encoding("euc_jp"), "EUC-JP");
    EXPECT_EQ(resolve_encoding("iso2022_jp"), "ISO-2022-JP");
}

TEST(ResolveEncoding, UnicodeWithoutByteOrderIsBigEndian)
{
    EXPECT_EQ(resolve_encoding("utf-16"), "UTF-16BE");
    EXPECT_EQ(resolve_encoding("UTF16"), "UTF-16BE");
    EXPECT_EQ(resolve_encoding("utf-32"), "UTF-32BE");
    // The HTML standard's Windows-flavoured labels stay little-endian.
    EXPECT_EQ(resolve_encoding("ucs-2"), "UTF-16LE");
    EXPECT_EQ(resolve_encoding("unicode"), "UTF-16LE");
}

TEST(ResolveEncoding, UnknownLabels)
{
    for (const char* label : {"", " ", "none", "unknown encoding", "utf-7", "x-user-defined", "utf-9", "latin-99",
                              "\xC3\xA9tf-8", "-"}) {
        EXPECT_EQ(resolve_encoding(label), "") << label;
    }
    EXPECT_EQ(resolve_encoding(std::string(1000, 'a')), "");
    EXPECT_EQ(resolve_encoding("utf-8" + std::string(100, ' ')), "UTF-8"); // punctuation and spaces are ignored
    EXPECT_THROW(decode_to_utf8("x", "none"), std::invalid_argument);
}

} // namespace
} // namespace trawl
