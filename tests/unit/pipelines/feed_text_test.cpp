#include "feed_text.hpp"

#include <gtest/gtest.h>

#include <array>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <utility>
#include <vector>

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
    // Few decimals (append_python_float's short path) and just past it.
    EXPECT_EQ(python_float(12.99), "12.99");
    EXPECT_EQ(python_float(0.99), "0.99");
    EXPECT_EQ(python_float(-0.5), "-0.5");
    EXPECT_EQ(python_float(1234567.125), "1234567.125");
    EXPECT_EQ(python_float(0.00012), "0.00012");
    EXPECT_EQ(python_float(0.1234567), "0.1234567");
    EXPECT_EQ(python_float(3.000001), "3.000001");
    EXPECT_EQ(python_float(2.675), "2.675");
    EXPECT_EQ(python_float(99999999999999.9), "99999999999999.9");
    EXPECT_EQ(python_float(123456789012345.6), "123456789012345.6");
    EXPECT_EQ(python_float(999999999999999.0), "999999999999999.0");
    EXPECT_EQ(python_float(1e14), "100000000000000.0");
    EXPECT_EQ(python_float(4503599627370496.5), "4503599627370496.0");
}

// Python's repr is the shortest text that reads back the same double: for
// many values, with few decimals or none to speak of, python_float reads
// back exactly and has as many significant digits as to_chars' shortest.
TEST(FeedTextTest, PythonFloatIsTheShortestTextThatReadsBack)
{
    std::mt19937_64 random{20261124};
    auto significant_digits = [](std::string_view text) {
        const auto e = text.find('e');
        text = text.substr(0, e);
        std::string digits;
        for (const char c : text) {
            if (c >= '0' && c <= '9') {
                digits.push_back(c);
            }
        }
        const auto first = digits.find_first_not_of('0');
        if (first == std::string::npos) {
            return std::size_t{1};
        }
        const auto last = digits.find_last_not_of('0');
        return last - first + 1;
    };
    for (int i = 0; i < 20000; ++i) {
        double value = 0;
        if (i % 2 == 0) {
            // An integer over a power of ten: a price, a rating.
            const auto scale = std::pow(10.0, static_cast<double>(random() % 9));
            value = static_cast<double>(random() % 100000000000ULL) / scale;
        } else {
            // Any finite double.
            do {
                const std::uint64_t bits = random();
                std::memcpy(&value, &bits, sizeof value);
            } while (!std::isfinite(value));
        }
        const std::string text = python_float(value);
        double back = 0;
        const auto parsed = std::from_chars(text.data(), text.data() + text.size(), back);
        ASSERT_EQ(parsed.ec, std::errc{}) << text;
        ASSERT_EQ(back, value) << text;
        std::array<char, 64> shortest{};
        const auto end = std::to_chars(shortest.data(), shortest.data() + shortest.size(), value,
                                       std::chars_format::scientific);
        ASSERT_EQ(significant_digits(text),
                  significant_digits(std::string_view(shortest.data(), static_cast<std::size_t>(end.ptr - shortest.data()))))
            << text;
    }
}

// append_json_string copies plain runs eight bytes at a time: whatever the
// position of a byte that needs escaping, it is found.
TEST(FeedTextTest, JsonStringEscapesAtEveryPositionOfALongString)
{
    const std::vector<std::pair<std::string, std::string>> cases{
        {"\"", "\\\""},     {"\\", "\\\\"},      {"\x1f", "\\u001f"}, {"\n", "\\n"},
        {"\x7f", "\\u007f"}, {"\xc3\xa9", "\\u00e9"}, {"\x80", "\\udc80"},  {"~", "~"},
        {" ", " "},
    };
    for (const auto& [special, escaped] : cases) {
        for (std::size_t before = 0; before < 20; ++before) {
            const std::string head(before, 'a');
            const std::string tail(19 - before, 'z');
            std::string out;
            append_json_string(out, head + special + tail, true);
            EXPECT_EQ(out, "\"" + head + escaped + tail + "\"") << before;
        }
    }
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
