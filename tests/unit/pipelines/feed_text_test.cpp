#include "feed_text.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace trawl::feed {
namespace {

TEST(FeedTextTest, PythonFloatMatchesPythonRepr)
{
    // Expected values printed by Python 3.11's repr().
    EXPECT_EQ(python_float(0.1), "0.1");
    EXPECT_EQ(python_float(1.0), "1.0");
    EXPECT_EQ(python_float(100.0), "100.0");
    EXPECT_EQ(python_float(1e15), "1000000000000000.0");
    EXPECT_EQ(python_float(1e16), "1e+16");
    EXPECT_EQ(python_float(1.5e16), "1.5e+16");
    EXPECT_EQ(python_float(1e-4), "0.0001");
    EXPECT_EQ(python_float(1e-5), "1e-05");
    EXPECT_EQ(python_float(123456.789), "123456.789");
    EXPECT_EQ(python_float(-0.0), "-0.0");
    EXPECT_EQ(python_float(0.0), "0.0");
    EXPECT_EQ(python_float(1e100), "1e+100");
    EXPECT_EQ(python_float(2.5e-300), "2.5e-300");
    EXPECT_EQ(python_float(5e-324), "5e-324");
    EXPECT_EQ(python_float(1.7976931348623157e308), "1.7976931348623157e+308");
    EXPECT_EQ(python_float(0.30000000000000004), "0.30000000000000004");
    EXPECT_EQ(python_float(1e22), "1e+22");
    EXPECT_EQ(python_float(-2.5), "-2.5");
    EXPECT_EQ(python_float(std::numeric_limits<double>::quiet_NaN()), "nan");
    EXPECT_EQ(python_float(std::numeric_limits<double>::infinity()), "inf");
    EXPECT_EQ(python_float(-std::numeric_limits<double>::infinity()), "-inf");
}

TEST(FeedTextTest, ValidUtf8KeepsValidTextAndReplacesIllFormedSequences)
{
    EXPECT_EQ(valid_utf8("plain"), "plain");
    EXPECT_EQ(valid_utf8("caf\xc3\xa9 \xf0\x9f\x8e\x89 \xef\xbf\xbd"), "caf\xc3\xa9 \xf0\x9f\x8e\x89 \xef\xbf\xbd");
    const std::string fffd = "\xef\xbf\xbd";
    EXPECT_EQ(valid_utf8("a\xff" "b"), "a" + fffd + "b");
    EXPECT_EQ(valid_utf8("\xc0\xaf"), fffd + fffd);                 // overlong '/'
    EXPECT_EQ(valid_utf8("\xe2\x82"), fffd);                        // truncated
    EXPECT_EQ(valid_utf8("\xe2\x82x"), fffd + "x");
    EXPECT_EQ(valid_utf8("\xed\xa0\x80"), fffd + fffd + fffd);      // a surrogate
    EXPECT_EQ(valid_utf8("\xf4\x90\x80\x80"), fffd + fffd + fffd + fffd);  // past U+10FFFF
}

TEST(FeedTextTest, JsonStringsEscapeAsPythonJsonDumps)
{
    std::string out;
    append_json_string(out, "q\" b\\ \n\r\t\b\f \x01 \x7f \xc3\xa9 \xf0\x9f\x8e\x89 /", true);
    EXPECT_EQ(out, R"("q\" b\\ \n\r\t\b\f \u0001 \u007f \u00e9 \ud83c\udf89 /")");
    out.clear();
    EXPECT_TRUE(append_json_string(out, "q\" \x01 \x7f \xc3\xa9 \xf0\x9f\x8e\x89 \xff", false));
    EXPECT_EQ(out, "\"q\\\" \\u0001 \x7f \xc3\xa9 \xf0\x9f\x8e\x89 \\udcff\"");
}

TEST(FeedTextTest, JsonStringsEscapeInvalidBytesAsSurrogateescape)
{
    const auto json = [](std::string_view text) {
        std::string out;
        const bool escaped = append_json_string(out, text, true);
        return std::make_pair(out, escaped);
    };
    EXPECT_EQ(json("ok \xef\xbf\xbd"), std::make_pair(std::string(R"("ok \ufffd")"), false));
    // Byte for byte as Python's surrogateescape decodes them.
    EXPECT_EQ(json("\xc0\xaf"), std::make_pair(std::string(R"("\udcc0\udcaf")"), true));
    EXPECT_EQ(json("\xe2\x82x"), std::make_pair(std::string(R"("\udce2\udc82x")"), true));
    EXPECT_EQ(json("\xed\xa0\x80"), std::make_pair(std::string(R"("\udced\udca0\udc80")"), true));
    EXPECT_EQ(json("\xf4\x90\x80\x80"), std::make_pair(std::string(R"("\udcf4\udc90\udc80\udc80")"), true));
    EXPECT_EQ(json("\x80\xff\xfe"), std::make_pair(std::string(R"("\udc80\udcff\udcfe")"), true));
}

TEST(FeedTextTest, Utf8ValidityAndBase64)
{
    EXPECT_TRUE(is_valid_utf8(""));
    EXPECT_TRUE(is_valid_utf8("caf\xc3\xa9 \xf0\x9f\x8e\x89 \xef\xbf\xbd"));
    EXPECT_FALSE(is_valid_utf8("a\xff"));
    EXPECT_FALSE(is_valid_utf8("\xe2\x82"));
    EXPECT_EQ(base64(""), "");
    EXPECT_EQ(base64("f"), "Zg==");
    EXPECT_EQ(base64("fo"), "Zm8=");
    EXPECT_EQ(base64("foo"), "Zm9v");
    EXPECT_EQ(base64("foob"), "Zm9vYg==");
    EXPECT_EQ(base64(std::string_view("\xff\xfe\x00", 3)), "//4A");
}

TEST(FeedTextTest, JsonNonFiniteNumbersAreNull)
{
    std::string out;
    append_json(out, boost::json::value(std::numeric_limits<double>::quiet_NaN()), JsonStyle{});
    EXPECT_EQ(out, "null");
}

TEST(FeedTextTest, UnsupportedEncodingsAreRefused)
{
    EXPECT_FALSE(is_utf8_encoding(std::nullopt));
    EXPECT_TRUE(is_utf8_encoding(std::string("UTF-8")));
    EXPECT_TRUE(is_utf8_encoding(std::string("utf8")));
    EXPECT_THROW(is_utf8_encoding(std::string("latin1")), std::invalid_argument);
}

} // namespace
} // namespace trawl::feed
