// canonicalize_url against w3lib's own test expectations
// (tests/conformance/data/canonicalize_url_cases.json), plus the properties
// the dupefilter relies on.

#include "conformance_cases.hpp"

#include <trawl/url.hpp>

#include <gtest/gtest.h>

namespace trawl::test {
namespace {

const std::vector<ConformanceCase>& canonicalize_cases()
{
    static const auto cases = load_cases("canonicalize_url_cases.json");
    return cases;
}

CanonicalizeOptions options_of(const boost::json::object& c)
{
    CanonicalizeOptions options;
    if (const auto* o = c.if_contains("options")) {
        const auto& opts = o->as_object();
        if (const auto* v = opts.if_contains("keep_blank_values")) {
            options.keep_blank_values = v->as_bool();
        }
        if (const auto* v = opts.if_contains("keep_fragments")) {
            options.keep_fragments = v->as_bool();
        }
        if (const auto encoding = string_member(opts, "encoding")) {
            options.encoding = *encoding;
        }
        if (const auto separator = string_member(opts, "query_separator")) {
            options.query_separator = separator->at(0);
        }
    }
    return options;
}

/// The URL as trawl gets it: text is UTF-8; bytes that upstream decoded with
/// a given encoding (parse_url(bytes, encoding=...)) arrive decoded.
std::string input_of(const boost::json::object& c)
{
    if (const auto bytes = string_member(c, "input_bytes_base64")) {
        std::string raw = base64_decode(*bytes);
        if (const auto* kwargs = c.if_contains("input_parse_kwargs")) {
            const auto encoding = string_member(kwargs->as_object(), "encoding");
            EXPECT_EQ(encoding.value_or(""), "latin1") << "only latin-1 input bytes are expected";
            raw = latin1_to_utf8(raw);
        }
        return raw;
    }
    return string_member(c, "input").value();
}

class CanonicalizeUrlCase : public ::testing::TestWithParam<ConformanceCase> {};

TEST_P(CanonicalizeUrlCase, MatchesW3lib)
{
    const auto& c = GetParam().data;
    const std::string input = input_of(c);
    const auto options = options_of(c);
    const std::string expected = string_member(c, "expected").value();
    const std::string actual = canonicalize_url(input, options);
    EXPECT_EQ(actual, expected) << "input: " << input;
    // The dupefilter may see a URL that is already canonical.
    EXPECT_EQ(canonicalize_url(actual, options), actual) << "not idempotent";
}

INSTANTIATE_TEST_SUITE_P(W3lib, CanonicalizeUrlCase, ::testing::ValuesIn(canonicalize_cases()), CaseName{});

TEST(CanonicalizeUrlData, AllCasesLoaded)
{
    EXPECT_EQ(canonicalize_cases().size(), 64U);
}

// --- Beyond the shared data ------------------------------------------------

TEST(CanonicalizeUrl, UnparsableUrlComesBackTrimmed)
{
    EXPECT_EQ(canonicalize_url("  http://example.com:99999/a\t "), "http://example.com:99999/a");
    EXPECT_EQ(canonicalize_url("http://[::1/x"), "http://[::1/x");
    EXPECT_EQ(canonicalize_url(""), "/"); // w3lib: an empty relative URL
}

TEST(CanonicalizeUrl, ParamsOfTheLastSegmentAreNotNormalised)
{
    // w3lib splits ";params" off the last segment (urlparse) and leaves them
    // as safe_url_string wrote them.
    EXPECT_EQ(canonicalize_url("http://www.example.com/a;%7e?b=%7e"), "http://www.example.com/a;%7e?b=~");
}

TEST(CanonicalizeUrl, PercentEscapesInThePathFollowW3lib)
{
    // %25 decodes to a literal '%' (w3lib's path set keeps '%'); escaped
    // separators stay escaped.
    EXPECT_EQ(canonicalize_url("http://x/%2541/%zz/a%2fb"), "http://x/%41/%zz/a%2Fb");
}

TEST(CanonicalizeUrl, EmptyQueryArgumentsAndKeys)
{
    EXPECT_EQ(canonicalize_url("http://x/?a=1&&b&=c&="), "http://x/?=&=c&a=1&b=");
    EXPECT_EQ(canonicalize_url("http://x/?a=1&&b&=c&=", {.keep_blank_values = false}), "http://x/?=c&a=1");
    EXPECT_EQ(canonicalize_url("http://x/?"), "http://x/");
}

TEST(CanonicalizeUrl, SchemeAndDefaultPortAreKept)
{
    // w3lib lower-cases the scheme and host but keeps an explicit default port.
    EXPECT_EQ(canonicalize_url("HTTP://Ex.COM:0080"), "http://ex.com:80/");
}

TEST(CanonicalizeUrl, UrlsWithoutHost)
{
    // urlunparse writes "//" for schemes in uses_netloc.
    EXPECT_EQ(canonicalize_url("file:/x"), "file:///x");
    EXPECT_EQ(canonicalize_url("file:///tmp/a%7e"), "file:///tmp/a~");
    EXPECT_EQ(canonicalize_url("foo://"), "foo:/");
    EXPECT_EQ(canonicalize_url("mailto:Joe@Example.com"), "mailto:Joe@Example.com");
}

TEST(CanonicalizeUrl, WebUrlsAlwaysHaveAHost)
{
    // The URL standard (and a browser) reads "http:/x" as host x; w3lib
    // would give the host-less "http:///x".
    EXPECT_EQ(canonicalize_url("http:/x?b&a"), "http://x/?a=&b=");
    EXPECT_EQ(canonicalize_url("https:///x/y"), "https://x/y");
    EXPECT_EQ(canonicalize_url("http:"), "http:"); // no host: returned as it is
}

TEST(CanonicalizeUrl, SeparatorThatQuotingWouldEscapeDoesNotSplit)
{
    // '|' is escaped by safe_url_string, so w3lib never sees it as a separator.
    EXPECT_EQ(canonicalize_url("http://x/?b=1|a=2", {.query_separator = '|'}), "http://x/?b=1%7Ca%3D2");
}

TEST(CanonicalizeUrl, UnknownEncodingIsAConfigurationError)
{
    EXPECT_THROW(canonicalize_url("http://x/?q=\xC3\xA9", {.encoding = "no-such-encoding"}), std::invalid_argument);
}

} // namespace
} // namespace trawl::test
