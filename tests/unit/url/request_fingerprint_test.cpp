// request_fingerprint against Scrapy's known hashes and relations
// (tests/conformance/data/request_fingerprint_cases.json), and the JSON
// document it hashes.

#include "conformance_cases.hpp"
#include "url/fingerprint_json.hpp"

#include <trawl/fingerprint.hpp>

#include <gtest/gtest.h>
#include <openssl/sha.h>

#include <string>
#include <utility>
#include <vector>

namespace trawl::test {
namespace {

const std::vector<ConformanceCase>& fingerprint_cases()
{
    static const auto cases = load_cases("request_fingerprint_cases.json");
    return cases;
}

Request request_of(const boost::json::object& r)
{
    Request request(string_member(r, "url").value(), string_member(r, "method").value_or("GET"));
    request.body = base64_decode(string_member(r, "body_base64").value_or(""));
    if (const auto* headers = r.if_contains("headers")) {
        for (const auto& [name, value] : headers->as_object()) {
            request.headers.add(std::string(name), std::string(value.as_string()));
        }
    }
    if (const auto* meta = r.if_contains("meta")) {
        request.meta = meta->as_object();
    }
    return request;
}

FingerprintOptions options_of(const boost::json::object& c, std::string_view key)
{
    FingerprintOptions options;
    if (const auto* o = c.if_contains(key)) {
        const auto& opts = o->as_object();
        if (const auto* headers = opts.if_contains("include_headers")) {
            for (const auto& name : headers->as_array()) {
                options.include_headers.emplace_back(name.as_string());
            }
        }
        if (const auto* v = opts.if_contains("keep_fragments")) {
            options.keep_fragments = v->as_bool();
        }
    }
    return options;
}

class RequestFingerprintCase : public ::testing::TestWithParam<ConformanceCase> {};

TEST_P(RequestFingerprintCase, MatchesScrapy)
{
    const auto& c = GetParam().data;
    const std::string type = string_member(c, "type").value();
    if (type == "fingerprint") {
        const Request request = request_of(c.at("request").as_object());
        const auto options = options_of(c, "options");
        EXPECT_EQ(to_hex(request_fingerprint(request, options)), string_member(c, "expected_sha1_hex").value())
            << "hashed: " << detail::fingerprint_json(request, options);
        return;
    }
    ASSERT_EQ(type, "fingerprint_relation");
    const Request a = request_of(c.at("a").as_object());
    const Request b = request_of(c.at("b").as_object());
    const auto a_options = options_of(c, "a_options");
    const auto b_options = options_of(c, "b_options");
    const bool equal = request_fingerprint(a, a_options) == request_fingerprint(b, b_options);
    EXPECT_EQ(equal ? "equal" : "different", string_member(c, "expected_relation").value())
        << "a: " << detail::fingerprint_json(a, a_options) << "\nb: " << detail::fingerprint_json(b, b_options);
}

INSTANTIATE_TEST_SUITE_P(Scrapy, RequestFingerprintCase, ::testing::ValuesIn(fingerprint_cases()), CaseName{});

TEST(RequestFingerprintData, AllCasesLoaded)
{
    EXPECT_EQ(fingerprint_cases().size(), 36U);
}

// --- The hashed document ---------------------------------------------------

TEST(FingerprintJson, MatchesPythonJsonDumpsWithSortedKeys)
{
    Request request("https://example.org#a");
    request.headers.add("A", "B");
    EXPECT_EQ(detail::fingerprint_json(request, {.include_headers = {"A"}}),
              R"({"body": "", "headers": {"61": ["42"]}, "method": "GET", "url": "https://example.org/"})");
}

TEST(FingerprintJson, HeadersAreSortedLowerCasedAndRepeatedValuesKept)
{
    Request request("http://x/", "post");
    request.body = "\x01\xff";
    request.headers.add("Set-Cookie", "a");
    request.headers.add("accept", "text/html");
    request.headers.add("set-cookie", "b");
    EXPECT_EQ(detail::fingerprint_json(request, {.include_headers = {"set-cookie", "Accept", "SET-COOKIE", "X-Missing"}}),
              R"({"body": "01ff", "headers": {"616363657074": ["746578742f68746d6c"], )"
              R"("7365742d636f6f6b6965": ["61", "62"]}, "method": "POST", "url": "http://x/"})");
}

TEST(FingerprintJson, NonAsciiAndControlCharactersAreEscapedAsPythonDoes)
{
    Request request("http://x/\xC3\xA9\xF0\x9F\x92\xA9\"\\\n\x01\x7f\xff");
    request.meta["verbatim_url"] = true;
    EXPECT_EQ(detail::fingerprint_json(request),
              "{\"body\": \"\", \"headers\": {}, \"method\": \"GET\", \"url\": "
              "\"http://x/\\u00e9\\ud83d\\udca9\\\"\\\\\\n\\u0001\\u007f\\ufffd\"}");
    // A host IDNA cannot encode stays Unicode in the canonical URL.
    EXPECT_EQ(detail::fingerprint_json(Request("http://.\xC3\xA9xample.com/")),
              R"({"body": "", "headers": {}, "method": "GET", "url": "http://.\u00e9xample.com/"})");
}

TEST(RequestFingerprint, LargeBodiesStreamIntoTheDigest)
{
    Request a("http://x/", "POST");
    a.body.assign(100000, 'x');
    Request b = a;
    b.body.back() = 'y';
    EXPECT_NE(request_fingerprint(a), request_fingerprint(b));
    EXPECT_EQ(request_fingerprint(a), request_fingerprint(a));
    EXPECT_EQ(to_hex(request_fingerprint(a)).size(), 40U);
}

TEST(RequestFingerprint, MethodCaseDoesNotMatter)
{
    // Scrapy's Request upper-cases the method before anything sees it.
    EXPECT_EQ(request_fingerprint(Request("http://x/", "get")), request_fingerprint(Request("http://x/", "GET")));
}

// request_fingerprint remembers recent fingerprints per URL: every answer,
// hit or miss, must be what hashing the request's document gives.
TEST(RequestFingerprint, RepeatedRequestsGetWhatAFreshDigestGives)
{
    auto fresh = [](const Request& request, const FingerprintOptions& options) {
        const auto document = detail::fingerprint_json(request, options);
        Fingerprint fingerprint{};
        SHA1(reinterpret_cast<const unsigned char*>(document.data()), document.size(), fingerprint.data());
        return fingerprint;
    };
    FingerprintOptions keep_fragments;
    keep_fragments.keep_fragments = true;
    FingerprintOptions with_header;
    with_header.include_headers = {"Accept"};
    // More URLs than the cache has slots, each in the variants a cached
    // answer must tell apart: method, verbatim_url, keep_fragments (with
    // another fragment too), a body, a chosen header.
    std::vector<std::pair<Request, FingerprintOptions>> requests;
    for (int i = 0; i < 5000; ++i) {
        const std::string base =
            "http://example.com/d" + std::to_string(i % 7) + "/../p" + std::to_string(i) + ".html?b=2&a=1";
        const std::string url = base + "#s" + std::to_string(i % 3);
        requests.emplace_back(Request{url}, FingerprintOptions{});
        requests.emplace_back(Request{base + "#other"}, FingerprintOptions{});
        requests.emplace_back(Request{base + "#other"}, keep_fragments);
        requests.emplace_back(Request{url, "POST"}, FingerprintOptions{});
        Request verbatim{url};
        verbatim.meta["verbatim_url"] = true;
        requests.emplace_back(verbatim, FingerprintOptions{});
        requests.emplace_back(Request{url}, keep_fragments);
        Request with_body{url, "POST"};
        with_body.body = "n=" + std::to_string(i);
        requests.emplace_back(with_body, FingerprintOptions{});
        Request accept{url};
        accept.headers.add("Accept", "text/html");
        requests.emplace_back(accept, with_header);
    }
    // Forwards (misses, then slots taken over), backwards, then each twice
    // in a row (hits).
    std::size_t checked = 0;
    auto check = [&](std::size_t i) {
        const auto& [request, options] = requests[i];
        ASSERT_EQ(to_hex(request_fingerprint(request, options)), to_hex(fresh(request, options)))
            << "request " << i << ": " << request.method << " " << request.url;
        ++checked;
    };
    for (std::size_t i = 0; i < requests.size(); ++i) {
        ASSERT_NO_FATAL_FAILURE(check(i));
    }
    for (std::size_t i = requests.size(); i-- > 0;) {
        ASSERT_NO_FATAL_FAILURE(check(i));
    }
    for (std::size_t i = 0; i < requests.size(); ++i) {
        ASSERT_NO_FATAL_FAILURE(check(i));
        ASSERT_NO_FATAL_FAILURE(check(i));
    }
    EXPECT_EQ(checked, 4 * requests.size());
    // The variants do differ, so a cache that confused them would be caught.
    EXPECT_EQ(fresh(requests[0].first, {}), fresh(requests[1].first, {}));  // the fragment is dropped
    EXPECT_NE(fresh(requests[0].first, {}), fresh(requests[3].first, {}));
    EXPECT_NE(fresh(requests[0].first, {}), fresh(requests[4].first, {}));
    EXPECT_NE(fresh(requests[0].first, {}), fresh(requests[5].first, keep_fragments));
    EXPECT_NE(fresh(requests[2].first, keep_fragments), fresh(requests[5].first, keep_fragments));
}

} // namespace
} // namespace trawl::test
