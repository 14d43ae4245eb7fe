// safe_url_string against w3lib's test table
// (tests/conformance/data/safe_url_string_cases.json).
//
// Where upstream marks w3lib as a known failure (w3lib_known_failure), the
// case holds two answers: "expected" (the test's target, mostly the URL
// standard) and "w3lib_actual". trawl follows the target, except for two
// groups where following it would contradict cases w3lib passes:
//
//  * Invalid schemes ("://example.com", "1://example.com", ...; 45 cases).
//    The target is an error, but safe_url_string also accepts relative URLs
//    ("/path", "©"), and test_safe_url_string_invalid_scheme asserts that
//    "://evil.com/path" and "1x://evil.com/path" pass through unchanged. Such
//    input is indistinguishable from a relative path, so trawl treats it as
//    one: w3lib_actual.
//  * "https://example.com:" (1 case). The target keeps the ':', but the
//    passing case "http://www.example.com:/résumé" drops it, and so does
//    the URL standard. trawl drops it: w3lib_actual.
//
// Everywhere else trawl follows the target: "" is an error; the page
// encoding applies to the query only for special schemes other than ws/wss
// and never to the fragment; a lone '%' becomes "%25"; an empty '?' or '#'
// is kept; hosts are parsed as the URL standard does for special schemes
// (invalid IDNA code points, bad percent-escapes and bad IPv4 numbers are
// errors, credentials need a host).
//
// Known deviations (neither answer), listed in known_deviations() below:
// two invalid-scheme inputs whose '%' trawl escapes as "%25" because of the
// '%' rule above, where w3lib_actual keeps it.

#include "conformance_cases.hpp"

#include <trawl/error.hpp>
#include <trawl/url.hpp>

#include <gtest/gtest.h>

#include <map>

namespace trawl::test {
namespace {

const std::vector<ConformanceCase>& safe_url_cases()
{
    static const auto cases = load_cases("safe_url_string_cases.json");
    return cases;
}

struct Deviation {
    std::optional<std::string> trawl; ///< what trawl returns; nullopt = an error
    std::string reason;
};

const std::map<std::string, Deviation>& known_deviations()
{
    static const std::map<std::string, Deviation> deviations = {
        {"safeurl-f1e8b5ff62", // "%://example.com"
         {"%25://example.com", "invalid scheme read as a relative path (w3lib_actual), whose lone '%' trawl escapes"}},
        {"safeurl-1893a505f6", // "a!\"#$%&'()*,/;<=>?@[\\]^_`{|}~\x7f\x80://example.com"
         {"a!%22#$%25&'()*,/;%3C=%3E?@%5B%5C%5D%5E_%60%7B%7C%7D~%7F%C2%80://example.com",
          "invalid scheme read as a relative path (w3lib_actual), whose lone '%' trawl escapes"}},
    };
    return deviations;
}

/// The known-failure cases where trawl follows w3lib (see the file comment).
bool follows_w3lib(const boost::json::object& c)
{
    const std::string input = string_member(c, "input").value_or("");
    const bool invalid_scheme = input.size() > 14 && input.ends_with("://example.com") && bool_member(c, "expected_error");
    const bool lone_invalid_scheme = input == "://example.com";
    return invalid_scheme || lone_invalid_scheme || input == "https://example.com:";
}

SafeUrlOptions options_of(const boost::json::object& c)
{
    SafeUrlOptions options;
    if (const auto* positional = c.if_contains("positional_args")) {
        options.encoding = std::string(positional->as_array().at(0).as_string());
    }
    if (const auto* o = c.if_contains("options")) {
        const auto& opts = o->as_object();
        if (const auto encoding = string_member(opts, "encoding")) {
            options.encoding = *encoding;
        }
        if (const auto encoding = string_member(opts, "path_encoding")) {
            options.path_encoding = *encoding;
        }
        if (const auto* v = opts.if_contains("quote_path")) {
            options.quote_path = v->as_bool();
        }
    }
    return options;
}

/// Text is UTF-8. Bytes are passed as they are, except that bytes upstream
/// decoded with a non-UTF-8 `encoding` are decoded here, as the caller that
/// knows the page encoding would.
std::string input_of(const boost::json::object& c, const SafeUrlOptions& options)
{
    if (const auto bytes = string_member(c, "input_bytes_base64")) {
        std::string raw = base64_decode(*bytes);
        if (options.encoding != "utf-8") {
            EXPECT_EQ(options.encoding, "latin1") << "only latin-1 input bytes are expected";
            raw = latin1_to_utf8(raw);
        }
        return raw;
    }
    return string_member(c, "input").value();
}

std::string describe(const boost::system::result<std::string>& r)
{
    return r ? "\"" + *r + "\"" : "error " + r.error().message();
}

class SafeUrlStringCase : public ::testing::TestWithParam<ConformanceCase> {};

TEST_P(SafeUrlStringCase, MatchesTheChosenExpectation)
{
    const auto& c = GetParam().data;
    const auto options = options_of(c);
    const std::string input = input_of(c, options);
    const auto actual = safe_url_string(input, options);

    std::optional<std::string> expected;
    std::string trace = "expectation: the test's target";
    const auto deviation = known_deviations().find(string_member(c, "id").value());
    if (deviation != known_deviations().end()) {
        expected = deviation->second.trawl;
        trace = "known deviation: " + deviation->second.reason;
    } else if (bool_member(c, "w3lib_known_failure") && follows_w3lib(c)) {
        expected = string_member(c, "w3lib_actual");
        trace = "expectation: w3lib_actual (see the file comment)";
    } else if (!bool_member(c, "expected_error")) {
        expected = string_member(c, "expected");
    }

    SCOPED_TRACE(trace);
    if (!expected) {
        ASSERT_FALSE(actual) << "expected an error, got " << describe(actual);
        EXPECT_EQ(actual.error(), make_error_code(errc::invalid_url));
        return;
    }
    ASSERT_TRUE(actual) << "expected \"" << *expected << "\", got " << describe(actual);
    EXPECT_EQ(*actual, *expected);
    if (bool_member(c, "idempotent")) {
        EXPECT_EQ(describe(safe_url_string(*actual, options)), describe(actual)) << "not idempotent";
    }
}

INSTANTIATE_TEST_SUITE_P(W3lib, SafeUrlStringCase, ::testing::ValuesIn(safe_url_cases()), CaseName{});

TEST(SafeUrlStringData, AllCasesLoadedAndChoicesCounted)
{
    ASSERT_EQ(safe_url_cases().size(), 285U);
    int known_failures = 0;
    int follow_w3lib = 0;
    for (const auto& c : safe_url_cases()) {
        if (bool_member(c.data, "w3lib_known_failure")) {
            ++known_failures;
            follow_w3lib += follows_w3lib(c.data) ? 1 : 0;
        }
    }
    EXPECT_EQ(known_failures, 72);
    EXPECT_EQ(follow_w3lib, 46); // 45 invalid schemes + "https://example.com:"
    EXPECT_EQ(known_deviations().size(), 2U);
}

// --- Beyond the shared data ------------------------------------------------

TEST(SafeUrlString, UnencodableQueryFallsBackToUtf8)
{
    // w3lib raises UnicodeEncodeError; trawl uses UTF-8, as canonicalize_url does.
    EXPECT_EQ(safe_url_string("http://x/?q=\xE2\x82\xAC", {.encoding = "latin-1"}).value(), "http://x/?q=%E2%82%AC");
}

TEST(SafeUrlString, HostsOfSpecialUrls)
{
    EXPECT_EQ(safe_url_string("http://0x7f.1/").value(), "http://127.0.0.1/");
    EXPECT_EQ(safe_url_string("http://ex%41mple.COM/").value(), "http://example.com/");
    EXPECT_EQ(safe_url_string("http://[0:0::1]:8080/").value(), "http://[::1]:8080/");
    EXPECT_EQ(safe_url_string("http://fa\xC3\x9F.de/").value(), "http://xn--fa-hia.de/"); // non-transitional
    EXPECT_FALSE(safe_url_string("http://exa mple.com/"));
    EXPECT_FALSE(safe_url_string("http://a%25b/"));
    EXPECT_FALSE(safe_url_string("https://"));
    EXPECT_FALSE(safe_url_string("http://:80/"));
    // Opaque (non-special) hosts are only lower-cased, as w3lib does.
    EXPECT_EQ(safe_url_string("foo://Ex%41mple/").value(), "foo://ex%41mple/");
    EXPECT_EQ(safe_url_string("file:///tmp/a b").value(), "file:///tmp/a%20b");
}

TEST(SafeUrlString, UnknownEncodingIsAConfigurationError)
{
    EXPECT_THROW((void)safe_url_string("http://x/?q=\xC3\xA9", {.encoding = "no-such-encoding"}), std::invalid_argument);
}

} // namespace
} // namespace trawl::test
