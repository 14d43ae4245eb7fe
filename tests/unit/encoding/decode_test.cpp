// decode_to_utf8: UTF-8 repair, single-byte tables, iconv for the
// multi-byte encodings, U+FFFD for every invalid sequence, and the bounds
// on output size.

#include <trawl/encoding.hpp>

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace trawl {
namespace {

const std::string fffd = "\xEF\xBF\xBD";

TEST(DecodeToUtf8, ValidUtf8IsUnchanged)
{
    const std::string text = "plain ASCII, caf\xC3\xA9, \xE2\x82\xAC, \xF0\x9F\x98\x80, \xEF\xBF\xBF";
    EXPECT_EQ(decode_to_utf8(text, "utf-8"), text);
    EXPECT_EQ(decode_to_utf8("", "UTF-8"), "");
    EXPECT_EQ(decode_to_utf8(std::string("a\0b", 3), "UTF-8"), std::string("a\0b", 3));
}

TEST(DecodeToUtf8, InvalidUtf8BecomesOneReplacementPerMaximalSubpart)
{
    EXPECT_EQ(decode_to_utf8("a\xFF" "b", "UTF-8"), "a" + fffd + "b");
    EXPECT_EQ(decode_to_utf8("\xC2\xC2\xA3", "UTF-8"), fffd + "\xC2\xA3");
    EXPECT_EQ(decode_to_utf8("\xE3\xAB" "x", "UTF-8"), fffd + "x");           // truncated 3-byte sequence
    EXPECT_EQ(decode_to_utf8("\xF0\x9F\x98", "UTF-8"), fffd);                 // truncated at the end
    EXPECT_EQ(decode_to_utf8("\xC0\x80", "UTF-8"), fffd + fffd);              // overlong
    EXPECT_EQ(decode_to_utf8("\xED\xA0\x80", "UTF-8"), fffd + fffd + fffd);   // a surrogate
    EXPECT_EQ(decode_to_utf8("\xF4\x90\x80\x80", "UTF-8"), fffd + fffd + fffd + fffd); // past U+10FFFF
    EXPECT_EQ(decode_to_utf8("\xF0<span>", "UTF-8"), fffd + "<span>"); // markup after it survives
}

TEST(DecodeToUtf8, SingleByteEncodings)
{
    EXPECT_EQ(decode_to_utf8("caf\xE9 \x80 \x93q\x94", "windows-1252"), "caf\xC3\xA9 \xE2\x82\xAC \xE2\x80\x9Cq\xE2\x80\x9D");
    EXPECT_EQ(decode_to_utf8("\x80", "iso-8859-1"), "\xE2\x82\xAC"); // read as windows-1252
    EXPECT_EQ(decode_to_utf8("\x81", "windows-1252"), fffd);          // undefined in the code page
    EXPECT_EQ(decode_to_utf8("\xCB\xC1\xD4", "koi8-r"), "\xD0\xBA\xD0\xB0\xD1\x82");           // кат
    EXPECT_EQ(decode_to_utf8("\xDA\xD0\xE2", "iso-8859-5"), "\xD0\xBA\xD0\xB0\xD1\x82");       // кат
    EXPECT_EQ(decode_to_utf8("\xEA\xE0\xF2", "windows-1251"), "\xD0\xBA\xD0\xB0\xD1\x82");     // кат
    EXPECT_EQ(decode_to_utf8("\xA4", "iso-8859-15"), "\xE2\x82\xAC");
    EXPECT_EQ(decode_to_utf8("\xFD", "windows-1254"), "\xC4\xB1"); // dotless i (iso-8859-9 label too)
    EXPECT_EQ(decode_to_utf8("\xFD", "iso-8859-9"), "\xC4\xB1");
}

TEST(DecodeToUtf8, MultiByteEncodings)
{
    EXPECT_EQ(decode_to_utf8("\x83\x65\x83\x58\x83\x67", "Shift_JIS"), "\xE3\x83\x86\xE3\x82\xB9\xE3\x83\x88"); // テスト
    EXPECT_EQ(decode_to_utf8("\xA5\xC6\xA5\xB9\xA5\xC8", "EUC-JP"), "\xE3\x83\x86\xE3\x82\xB9\xE3\x83\x88");
    EXPECT_EQ(decode_to_utf8("\x1B$B%F%9%H\x1B(B!", "ISO-2022-JP"), "\xE3\x83\x86\xE3\x82\xB9\xE3\x83\x88!");
    EXPECT_EQ(decode_to_utf8("\xC7\xD1", "EUC-KR"), "\xED\x95\x9C");       // 한
    EXPECT_EQ(decode_to_utf8("\xA4\x40", "Big5"), "\xE4\xB8\x80");         // 一
    EXPECT_EQ(decode_to_utf8("\xD6\xD0", "gb2312"), "\xE4\xB8\xAD");       // 中
    EXPECT_EQ(decode_to_utf8("\x81\x30\x81\x30", "gb18030"), "\xC2\x80");  // a four-byte sequence
    EXPECT_EQ(decode_to_utf8("100\x80", "gbk"), "100\xE2\x82\xAC");        // lone 0x80 is the euro sign
}

TEST(DecodeToUtf8, InvalidMultiByteSequences)
{
    EXPECT_EQ(decode_to_utf8("a\x83", "Shift_JIS"), "a" + fffd);           // cut off by the end
    EXPECT_EQ(decode_to_utf8("\xFF" "a", "Shift_JIS"), fffd + "a");
    EXPECT_EQ(decode_to_utf8("\xFF\x80", "gb18030"), fffd + "\xE2\x82\xAC");
    EXPECT_EQ(decode_to_utf8("<p>\xC7</p>", "EUC-KR").substr(0, 3), "<p>");
    const std::string mixed = decode_to_utf8("\xC7<p>x</p>", "EUC-KR");
    EXPECT_NE(mixed.find("p>x</p>"), std::string::npos) << mixed;
}

TEST(DecodeToUtf8, Utf16And32)
{
    EXPECT_EQ(decode_to_utf8(std::string("h\0i\0", 4), "UTF-16LE"), "hi");
    EXPECT_EQ(decode_to_utf8(std::string("\0h\0i", 4), "UTF-16BE"), "hi");
    EXPECT_EQ(decode_to_utf8(std::string("\0h\0i", 4), "utf-16"), "hi"); // no BOM: big-endian
    EXPECT_EQ(decode_to_utf8(std::string("\x3D\xD8\x00\xDE", 4), "UTF-16LE"), "\xF0\x9F\x98\x80"); // a surrogate pair
    EXPECT_EQ(decode_to_utf8(std::string("\x3D\xD8" "a\0", 4), "UTF-16LE"), fffd + "a"); // a lone surrogate
    EXPECT_EQ(decode_to_utf8(std::string("a\0b", 3), "UTF-16LE"), "a" + fffd);           // an odd byte at the end
    EXPECT_EQ(decode_to_utf8(std::string("\0\0\0h\0\0\0i", 8), "utf-32"), "hi");
    EXPECT_EQ(decode_to_utf8(std::string("h\0\0\0\0\0\x11\0i\0\0\0", 12), "UTF-32LE"), "h" + fffd + "i");
}

TEST(DecodeToUtf8, OutputIsAtMostThreeBytesPerInputByte)
{
    const std::string garbage(100000, '\xFF');
    for (const char* encoding : {"UTF-8", "Shift_JIS", "EUC-KR", "gb18030", "Big5", "UTF-16LE", "UTF-32BE",
                                 "ISO-2022-JP", "windows-1252", "ISO-8859-8"}) {
        const std::string text = decode_to_utf8(garbage, encoding);
        EXPECT_LE(text.size(), 3 * garbage.size() + 16) << encoding;
        EXPECT_GE(text.capacity(), text.size());
        EXPECT_LE(text.capacity(), 3 * garbage.size() + garbage.size() + 64) << encoding << ": loose capacity";
    }
}

TEST(DecodeToUtf8, LargeInvalidBodiesDecodeInLinearTime)
{
    // 512 KB of bytes that are all invalid: a decoder doing work in
    // proportion to the rest of the body at each error would take minutes
    // (a copy of 128 KB on average at each of 512 K errors).
    std::string garbage;
    for (int i = 0; i < (512 << 10) / 2; ++i) {
        garbage += "\x82\xFF";
    }
    const std::string text = decode_to_utf8(garbage, "Shift_JIS");
    EXPECT_GE(text.size(), garbage.size() / 2 * 3);
    EXPECT_EQ(decode_to_utf8(garbage, "UTF-8").size(), garbage.size() * 3);
}

TEST(DecodeToUtf8, ThreadsDecodeAtTheSameTime)
{
    std::vector<std::thread> threads;
    std::vector<int> ok(8, 0);
    for (int t = 0; t < 8; ++t) {
        threads.emplace_back([&ok, t] {
            const char* encoding = t % 2 == 0 ? "Shift_JIS" : "koi8-r";
            const std::string input = t % 2 == 0 ? "\x83\x65\x83\x58\x83\x67" : "\xCB\xC1\xD4";
            const std::string expected =
                t % 2 == 0 ? "\xE3\x83\x86\xE3\x82\xB9\xE3\x83\x88" : "\xD0\xBA\xD0\xB0\xD1\x82";
            for (int i = 0; i < 200; ++i) {
                ok[t] += decode_to_utf8(input, encoding) == expected ? 1 : 0;
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    EXPECT_EQ(ok, std::vector<int>(8, 200));
}

TEST(DecodeToUtf8, UnknownEncodingIsTheCallersMistake)
{
    EXPECT_THROW(decode_to_utf8("abc", "x-klingon"), std::invalid_argument);
    EXPECT_THROW(decode_to_utf8("abc", ""), std::invalid_argument);
}

} // namespace
} // namespace trawl
