// The encoding detection cases (tests/conformance/data/
// encoding_detection_cases.json: facts from w3lib's tests/test_encoding.py)
// run against trawl's encoding functions.
//
// How names are compared: the file gives w3lib's answer as a Python codec
// name (expected_encoding) and, where one exists, the WHATWG name
// (expected_encoding_whatwg). trawl names encodings the WHATWG way, so a
// case passes when trawl's name equals expected_encoding_whatwg or, where
// that is null (UTF-32, "ascii"), resolve_encoding(expected_encoding): the
// name trawl gives the encoding w3lib chose.
//
// Every case runs. The cases trawl deliberately answers differently are
// listed in known_differences() below with their reason (and in
// tests/conformance/KNOWN_DIFFERENCES.md); a listed case must still fail,
// so the list cannot go stale silently.

#include "conformance_cases.hpp"

#include <trawl/encoding.hpp>

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace trawl::test {
namespace {

const std::vector<ConformanceCase>& encoding_cases()
{
    static const auto cases = load_cases("encoding_detection_cases.json");
    return cases;
}

/// id -> why trawl differs.
const std::map<std::string, std::string>& known_differences()
{
    static const std::map<std::string, std::string> differences{};
    return differences;
}

std::string body_of(const boost::json::object& c)
{
    if (auto b64 = string_member(c, "body_base64")) {
        return base64_decode(*b64);
    }
    if (auto ascii = string_member(c, "body_ascii")) {
        return *ascii;
    }
    return string_member(c, "body_text").value_or(""); // upstream passed text: its UTF-8 bytes
}

/// trawl's name for the encoding the case expects ("" for none).
std::string expected_name(const boost::json::object& c)
{
    if (auto whatwg = string_member(c, "expected_encoding_whatwg")) {
        return *whatwg;
    }
    if (auto python = string_member(c, "expected_encoding")) {
        return resolve_encoding(*python);
    }
    return {};
}

/// Checks one case; returns "" when trawl agrees, else what differs.
std::string check(const boost::json::object& c)
{
    const std::string type = string_member(c, "type").value();
    const std::string body = body_of(c);
    std::string problems;
    const auto expect = [&](bool ok, const std::string& what) {
        if (!ok) {
            problems += what + "; ";
        }
    };
    if (type == "http_content_type_encoding") {
        const auto got = http_content_type_encoding(string_member(c, "content_type").value());
        expect(got.value_or("") == expected_name(c), "encoding '" + got.value_or("(none)") + "'");
    } else if (type == "html_body_declared_encoding") {
        const auto got = html_body_declared_encoding(body);
        expect(got.value_or("") == expected_name(c), "encoding '" + got.value_or("(none)") + "'");
    } else if (type == "resolve_encoding") {
        const std::string got = resolve_encoding(string_member(c, "label").value());
        expect(got == expected_name(c), "encoding '" + got + "'");
    } else if (type == "read_bom") {
        const auto got = read_bom(body);
        expect((got ? got->encoding : "") == expected_name(c), "encoding '" + (got ? got->encoding : "(none)") + "'");
        const auto* length = c.if_contains("expected_bom_length");
        const std::size_t expected_length = length != nullptr && length->is_int64() ? length->as_int64() : 0;
        expect((got ? got->length : 0) == expected_length, "BOM length");
        if (auto after = string_member(c, "expected_text_after_bom"); after && got) {
            expect(decode_to_utf8(std::string_view(body).substr(got->length), got->encoding) == *after,
                   "text after the BOM");
        }
    } else if (type == "to_unicode") {
        const std::string got = decode_to_utf8(body, string_member(c, "encoding").value());
        expect(got == string_member(c, "expected_text").value(), "text '" + got + "'");
    } else if (type == "html_to_unicode") {
        std::string default_encoding = "UTF-8";
        EncodingDetector detector;
        if (const auto* options = c.if_contains("options")) {
            if (auto d = string_member(options->as_object(), "default_encoding")) {
                default_encoding = *d;
            }
            if (options->as_object().contains("auto_detect_fun")) {
                detector = [](std::string_view) { return std::string("ascii"); }; // "always returns 'ascii'"
            }
        }
        const Decoded got =
            html_to_unicode(string_member(c, "content_type").value_or(""), body, default_encoding, detector);
        expect(got.encoding == expected_name(c), "encoding '" + got.encoding + "'");
        if (auto text = string_member(c, "expected_text")) {
            expect(got.text == *text, "text '" + got.text + "'");
        }
        if (const auto* any = c.if_contains("expected_text_any_of")) {
            bool matched = false;
            for (const auto& option : any->as_array()) {
                matched = matched || got.text == option.as_string();
            }
            expect(matched, "text '" + got.text + "' (none of the accepted ones)");
        }
        if (const auto* parts = c.if_contains("expected_text_contains")) {
            for (const auto& part : parts->as_array()) {
                expect(got.text.find(std::string_view(part.as_string())) != std::string::npos,
                       "text '" + got.text + "' lacks '" + std::string(part.as_string()) + "'");
            }
        }
    } else {
        problems = "unknown case type " + type;
    }
    return problems;
}

class EncodingConformance : public ::testing::TestWithParam<ConformanceCase> {};

TEST_P(EncodingConformance, AgreesWithW3lib)
{
    const auto& c = GetParam().data;
    const std::string id = string_member(c, "id").value_or("");
    const std::string problems = check(c);
    const auto known = known_differences().find(id);
    if (known == known_differences().end()) {
        EXPECT_EQ(problems, "") << "case " << id;
    } else {
        EXPECT_NE(problems, "") << "case " << id << " is listed as a known difference (" << known->second
                                << ") but now agrees: remove it from the list";
    }
}

INSTANTIATE_TEST_SUITE_P(W3lib, EncodingConformance, ::testing::ValuesIn(encoding_cases()), CaseName{});

TEST(EncodingConformanceFile, HasEveryCase)
{
    EXPECT_EQ(encoding_cases().size(), 123u);
    std::size_t known = 0;
    for (const auto& c : encoding_cases()) {
        known += known_differences().count(string_member(c.data, "id").value_or(""));
    }
    EXPECT_EQ(known, known_differences().size()) << "a known difference names a case that is not in the file";
}

} // namespace
} // namespace trawl::test
