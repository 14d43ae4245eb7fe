// urljoin against the URL standard's parser tests (web-platform-tests
// urltestdata.json) for web URLs, plus hand cases.
//
// urljoin parses as the URL standard does but percent-encodes like
// safe_url_string (a superset of the standard's sets, and "%25" for a lone
// '%'), so a case passes when urljoin(base, input) equals
// safe_url_string(expected href), or fails when the standard fails.
//
// Which tests apply (each skip is a category, counted in UrlTestData below):
//  * base is http(s): the input is joined to it, unless the input has a
//    non-special scheme (an absolute URL trawl passes through
//    safe_url_string, not the standard's opaque-path parser) or is file:
//    (drive letters, empty hosts: not a crawl target).
//  * base is null: only inputs with an http(s) scheme apply, joined to a
//    base of another scheme (wss://), which the standard treats the same
//    way as no base.
//  * every other base (file:, non-special schemes, about:, ...) is skipped.
//  * "relativeTo" (also fail relative to some base) is not checked: the data
//    does not say which base.
// Known deviations would be listed in known_deviations() with their
// reasons; every selected case currently passes, so the list is empty.

#include "conformance_cases.hpp"

#include <trawl/url.hpp>

#include <gtest/gtest.h>

#include <map>

namespace trawl::test {
namespace {

struct WptCase {
    std::size_t index = 0; ///< position in the JSON array (comments included)
    std::string name;
    std::string input;
    std::string base;      ///< the base urljoin gets
    bool failure = false;
    std::string href;
};

void PrintTo(const WptCase& c, std::ostream* os)
{
    *os << "#" << c.index << " input=\"" << c.input << "\" base=\"" << c.base << "\"";
}

std::string lower_scheme_of(std::string_view s)
{
    while (!s.empty() && static_cast<unsigned char>(s.front()) <= 0x20) {
        s.remove_prefix(1);
    }
    std::string scheme;
    for (char c : s) {
        if (c == ':') {
            return scheme;
        }
        if (c == '\t' || c == '\n' || c == '\r') {
            continue;
        }
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (!scheme.empty() && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'));
        if (!ok) {
            return {};
        }
        scheme.push_back((c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c);
    }
    return {};
}

bool is_web_scheme(std::string_view s)
{
    return s == "http" || s == "https" || s == "ws" || s == "wss" || s == "ftp";
}

struct Selection {
    std::vector<WptCase> cases;
    std::map<std::string, int> skipped; ///< category -> count
    std::size_t objects = 0;
};

const Selection& selection()
{
    static const Selection selected = [] {
        Selection s;
        boost::json::value doc;
        try {
            doc = load_conformance_json("urltestdata.json");
        } catch (const std::exception&) {
            return s; // UrlTestData.SelectionIsComplete fails
        }
        const auto& array = doc.as_array();
        for (std::size_t i = 0; i < array.size(); ++i) {
            if (!array[i].is_object()) {
                continue; // a comment
            }
            ++s.objects;
            const auto& o = array[i].as_object();
            WptCase c;
            c.index = i;
            c.input = std::string(o.at("input").as_string());
            c.failure = bool_member(o, "failure");
            c.href = string_member(o, "href").value_or("");
            const std::string input_scheme = lower_scheme_of(c.input);
            const auto* base = o.if_contains("base");
            if (base == nullptr || base->is_null()) {
                if (o.contains("relativeTo")) {
                    ++s.skipped["relativeTo"];
                    continue;
                }
                if (input_scheme != "http" && input_scheme != "https") {
                    ++s.skipped["null base, input not http(s)"];
                    continue;
                }
                c.base = "wss://base.invalid/";
            } else {
                c.base = std::string(base->as_string());
                const std::string base_scheme = lower_scheme_of(c.base);
                if (base_scheme != "http" && base_scheme != "https") {
                    ++s.skipped["base not http(s)"];
                    continue;
                }
                if (input_scheme == "file") {
                    ++s.skipped["file: input"];
                    continue;
                }
                if (!input_scheme.empty() && !is_web_scheme(input_scheme)) {
                    ++s.skipped["non-special input scheme"];
                    continue;
                }
            }
            char prefix[16];
            std::snprintf(prefix, sizeof prefix, "%03zu_", i);
            c.name = prefix + sanitize_name(c.input, 32);
            s.cases.push_back(std::move(c));
        }
        return s;
    }();
    return selected;
}

struct Deviation {
    std::optional<std::string> trawl; ///< trawl's answer; nullopt = an error
    std::string reason;
};

/// Keyed by the input (each appears once among the selected cases).
const std::map<std::string, Deviation>& known_deviations()
{
    static const std::map<std::string, Deviation> deviations = {};
    return deviations;
}

std::string describe(const boost::system::result<std::string>& r)
{
    return r ? "\"" + *r + "\"" : "error " + r.error().message();
}

class UrlTestData : public ::testing::TestWithParam<WptCase> {};

TEST_P(UrlTestData, JoinsAsTheUrlStandard)
{
    const WptCase& c = GetParam();
    const auto actual = urljoin(c.base, c.input);
    std::optional<std::string> expected;
    std::string trace = "expectation: the URL standard";
    if (const auto d = known_deviations().find(c.input); d != known_deviations().end()) {
        expected = d->second.trawl;
        trace = "known deviation: " + d->second.reason;
    } else if (!c.failure) {
        const auto safe = safe_url_string(c.href);
        ASSERT_TRUE(safe) << "safe_url_string(\"" << c.href << "\") failed";
        expected = *safe;
    }
    SCOPED_TRACE(trace);
    if (!expected) {
        EXPECT_FALSE(actual) << "expected failure, got " << describe(actual);
    } else {
        EXPECT_EQ(describe(actual), "\"" + *expected + "\"") << "href: " << c.href;
    }
}

INSTANTIATE_TEST_SUITE_P(Wpt, UrlTestData, ::testing::ValuesIn(selection().cases),
                         [](const ::testing::TestParamInfo<WptCase>& info) { return info.param.name; });

TEST(UrlTestDataSelection, SelectionIsComplete)
{
    const auto& s = selection();
    EXPECT_EQ(s.objects, 891U);
    std::size_t skipped = 0;
    for (const auto& [category, count] : s.skipped) {
        std::cout << "skipped (" << category << "): " << count << "\n";
        skipped += static_cast<std::size_t>(count);
    }
    std::cout << "checked: " << s.cases.size() << "\n";
    EXPECT_EQ(skipped + s.cases.size(), s.objects);
}

// --- Hand cases ------------------------------------------------------------

TEST(Urljoin, RelativeReferences)
{
    const std::string base = "http://example.com/a/b/c?x=1#top";
    EXPECT_EQ(urljoin(base, "../d").value(), "http://example.com/a/d");
    EXPECT_EQ(urljoin(base, "../../../../d").value(), "http://example.com/d");
    EXPECT_EQ(urljoin(base, "./").value(), "http://example.com/a/b/");
    EXPECT_EQ(urljoin(base, "d e").value(), "http://example.com/a/b/d%20e");
    EXPECT_EQ(urljoin(base, "?q").value(), "http://example.com/a/b/c?q");
    EXPECT_EQ(urljoin(base, "#f").value(), "http://example.com/a/b/c?x=1#f");
    EXPECT_EQ(urljoin(base, "").value(), "http://example.com/a/b/c?x=1");
    EXPECT_EQ(urljoin(base, "//Other.example:80/p").value(), "http://other.example/p");
    EXPECT_EQ(urljoin(base, "/r\xC3\xA9sum\xC3\xA9?q=\xC3\xA9").value(), "http://example.com/r%C3%A9sum%C3%A9?q=%C3%A9");
    EXPECT_EQ(urljoin("https://example.com", "page").value(), "https://example.com/page");
}

TEST(Urljoin, AbsoluteReferences)
{
    EXPECT_EQ(urljoin("http://example.com/a", "https://EXAMPLE.org:443/x/../y").value(), "https://example.org/y");
    EXPECT_EQ(urljoin("http://example.com/a", "mailto:someone@example.com").value(), "mailto:someone@example.com");
    EXPECT_EQ(urljoin("http://example.com/a", "http://\xE4\xBE\x8B\xE3\x81\x88.jp/").value(), "http://xn--r8jz45g.jp/");
}

TEST(Urljoin, NonWebBasesFollowRfc3986)
{
    EXPECT_EQ(urljoin("foo://host/a/b/c", "../d").value(), "foo://host/a/d");
    EXPECT_EQ(urljoin("file:///tmp/a/b", "c d").value(), "file:///tmp/a/c%20d");
}

TEST(Urljoin, Errors)
{
    EXPECT_FALSE(urljoin("not a url", "x"));
    EXPECT_FALSE(urljoin("http://example.com/", "http://exa mple.com/"));
    EXPECT_FALSE(urljoin("http://example.com/", "//:80/"));
    EXPECT_FALSE(urljoin("http://example.com/", "http://example.com:65536/"));
}

TEST(HasHttpScheme, HttpAndHttpsInAnyCase)
{
    EXPECT_TRUE(has_http_scheme("http://a/"));
    EXPECT_TRUE(has_http_scheme("HTTPS://a/"));
    EXPECT_FALSE(has_http_scheme("http:/a"));
    EXPECT_FALSE(has_http_scheme("ftp://a/"));
    EXPECT_FALSE(has_http_scheme("httpx://a/"));
    EXPECT_FALSE(has_http_scheme(""));
}

} // namespace
} // namespace trawl::test
