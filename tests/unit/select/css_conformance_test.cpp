// The CSS selector conformance cases (tests/conformance/data/
// css_selector_cases.json: facts from cssselect's and parsel's own tests),
// run against trawl's translator and libxml2.
//
// How the documents are parsed: cssselect/XMLLANG_IDS as XML (its cases are
// about xml:lang); every other document as HTML, with HTML semantics, as a
// spider sees pages. cssselect parsed HTML_IDS as XML, and the data's README
// records that lxml's HTML parser gives the same results for every case.
// HTML_IDS is additionally parsed as XML and run with the generic (XML)
// semantics, checked against generic_xml_translator_ids where the case has
// them (the HTML-only pseudo-classes and case-insensitive names give []).
//
// Every case runs. Known deviations, each with its reason, are listed in
// known_deviations() below; a listed case must still fail, so the list
// cannot go stale silently.

#include <trawl/selector.hpp>

#include "select/css_translator.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>

namespace trawl {
namespace {

struct Case {
    std::size_t index = 0;
    std::string name;
    boost::json::object data;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name << " " << boost::json::serialize(c.data); }

const boost::json::object& root_json()
{
    static const boost::json::object root = [] {
        const std::string path = std::string(TRAWL_CONFORMANCE_DIR) + "/css_selector_cases.json";
        std::ifstream in(path, std::ios::binary);
        std::stringstream text;
        text << in.rdbuf();
        return boost::json::parse(text.str()).as_object();
    }();
    return root;
}

std::string sanitize(std::string_view text)
{
    std::string out;
    for (char c : text) {
        const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (keep) {
            out.push_back(c);
        } else if (!out.empty() && out.back() != '_') {
            out.push_back('_');
        }
    }
    return out.substr(0, 40);
}

std::vector<Case> cases_of(std::string_view type)
{
    std::vector<Case> out;
    const auto& cases = root_json().at("cases").as_array();
    for (std::size_t i = 0; i < cases.size(); ++i) {
        const auto& c = cases[i].as_object();
        if (c.at("type").as_string() != type) {
            continue;
        }
        std::string label;
        if (const auto* s = c.if_contains("selector")) {
            label = std::string(s->as_string());
        } else if (const auto* a = c.if_contains("argument")) {
            label = std::string(a->as_string());
        } else if (const auto* chain = c.if_contains("selector_chain")) {
            for (const auto& step : chain->as_array()) {
                label += std::string(step.as_string()) + " ";
            }
        }
        char prefix[16];
        std::snprintf(prefix, sizeof prefix, "%03zu_", i);
        out.push_back({i, prefix + sanitize(label), c});
    }
    return out;
}

std::string string_of(const boost::json::object& o, std::string_view key)
{
    return std::string(o.at(key).as_string());
}

/// Case id -> why trawl differs. Empty: every case passes.
const std::map<std::string, std::string>& known_deviations()
{
    static const std::map<std::string, std::string> deviations;
    return deviations;
}

/// Runs `check`, which returns "" on success or what went wrong; a known
/// deviation must fail, anything else must pass.
void expect_case(const Case& c, const std::string& failure)
{
    const std::string id = string_of(c.data, "id");
    const auto deviation = known_deviations().find(id);
    if (deviation == known_deviations().end()) {
        EXPECT_EQ(failure, "") << id;
    } else {
        EXPECT_NE(failure, "") << id << " is listed as a known deviation (" << deviation->second
                               << ") but now passes: remove it from the list";
    }
}

Selector document(const std::string& name, bool force_xml = false)
{
    static std::map<std::string, Selector> parsed;
    const std::string key = (force_xml ? "xml:" : "") + name;
    if (auto it = parsed.find(key); it != parsed.end()) {
        return it->second;
    }
    const auto& doc = root_json().at("documents").as_object().at(name).as_object();
    const std::string text = string_of(doc, "text");
    const bool xml = force_xml || name == "cssselect/XMLLANG_IDS";
    Selector s = xml ? Selector::from_xml(text) : Selector::from_html(text);
    parsed.emplace(key, s);
    return s;
}

std::string describe_ids(const std::vector<std::optional<std::string>>& ids)
{
    std::string out = "[";
    for (const auto& id : ids) {
        out += (out.size() > 1 ? ", " : "") + id.value_or("null");
    }
    return out + "]";
}

std::vector<std::optional<std::string>> ids_of(const boost::json::array& array)
{
    std::vector<std::optional<std::string>> out;
    for (const auto& v : array) {
        out.push_back(v.is_null() ? std::nullopt : std::optional<std::string>(std::string(v.as_string())));
    }
    return out;
}

std::string check_select(const Selector& root, const std::string& selector,
                         const std::vector<std::optional<std::string>>& expected)
{
    try {
        std::vector<std::optional<std::string>> ids;
        for (const auto& s : root.css(selector)) {
            ids.push_back(s.attrib("id"));
        }
        if (ids != expected) {
            return "got " + describe_ids(ids) + ", expected " + describe_ids(expected);
        }
        return {};
    } catch (const std::exception& e) {
        return std::string("threw: ") + e.what();
    }
}

class CssSelect : public ::testing::TestWithParam<Case> {};

TEST_P(CssSelect, MatchesCssselect)
{
    const auto& c = GetParam().data;
    const std::string name = string_of(c, "document");
    const std::string selector = string_of(c, "selector");
    const auto expected = ids_of(c.at("expected_ids").as_array());
    std::string failure = check_select(document(name), selector, expected);
    if (const auto* equivalent = c.if_contains("equivalent_to"); equivalent != nullptr && failure.empty()) {
        failure = check_select(document(name), std::string(equivalent->as_string()), expected);
        failure = failure.empty() ? failure : "equivalent selector: " + failure;
    }
    expect_case(GetParam(), failure);
}

INSTANTIATE_TEST_SUITE_P(Conformance, CssSelect, ::testing::ValuesIn(cases_of("select")),
                         [](const auto& info) { return info.param.name; });

// The HTML_IDS cases again, parsed as XML and run with the generic
// semantics: generic_xml_translator_ids where recorded, else the same ids.
class CssSelectGeneric : public ::testing::TestWithParam<Case> {};

TEST_P(CssSelectGeneric, MatchesCssselectGenericTranslator)
{
    const auto& c = GetParam().data;
    const auto* generic = c.if_contains("generic_xml_translator_ids");
    const auto expected = ids_of((generic != nullptr ? *generic : c.at("expected_ids")).as_array());
    EXPECT_EQ(check_select(document(string_of(c, "document"), true), string_of(c, "selector"), expected), "");
}

std::vector<Case> html_ids_cases()
{
    std::vector<Case> out;
    for (auto& c : cases_of("select")) {
        if (c.data.at("document").as_string() == "cssselect/HTML_IDS") {
            out.push_back(std::move(c));
        }
    }
    return out;
}

INSTANTIATE_TEST_SUITE_P(Conformance, CssSelectGeneric, ::testing::ValuesIn(html_ids_cases()),
                         [](const auto& info) { return info.param.name; });

class CssSelectCount : public ::testing::TestWithParam<Case> {};

TEST_P(CssSelectCount, MatchesCssselect)
{
    const auto& c = GetParam().data;
    ASSERT_EQ(string_of(c, "context"), "body");
    std::string failure;
    try {
        const auto body = document(string_of(c, "document")).css("body");
        EXPECT_EQ(body.size(), 1u);
        const auto found = body.css(string_of(c, "selector")).size();
        const auto expected = static_cast<std::size_t>(c.at("expected_count").to_number<std::int64_t>());
        if (found != expected) {
            failure = "got " + std::to_string(found) + ", expected " + std::to_string(expected);
        }
    } catch (const std::exception& e) {
        failure = std::string("threw: ") + e.what();
    }
    expect_case(GetParam(), failure);
}

INSTANTIATE_TEST_SUITE_P(Conformance, CssSelectCount, ::testing::ValuesIn(cases_of("select_count")),
                         [](const auto& info) { return info.param.name; });

std::string trim(std::string s)
{
    const auto space = [](char ch) { return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f'; };
    while (!s.empty() && space(s.back())) {
        s.pop_back();
    }
    std::size_t start = 0;
    while (start < s.size() && space(s[start])) {
        ++start;
    }
    return s.substr(start);
}

class CssExtract : public ::testing::TestWithParam<Case> {};

TEST_P(CssExtract, MatchesParsel)
{
    const auto& c = GetParam().data;
    std::vector<std::string> chain;
    if (const auto* s = c.if_contains("selector")) {
        chain.emplace_back(s->as_string());
    } else {
        for (const auto& step : c.at("selector_chain").as_array()) {
            chain.emplace_back(step.as_string());
        }
    }
    const bool stripped = string_of(c, "value_processing").find("stripped") != std::string::npos;
    std::vector<std::string> expected;
    for (const auto& v : c.at("expected_values").as_array()) {
        expected.emplace_back(v.as_string());
    }
    std::string failure;
    try {
        SelectorList current{document(string_of(c, "document"))};
        for (const auto& step : chain) {
            current = step.starts_with("xpath:") ? current.xpath(step.substr(6)) : current.css(step);
        }
        std::vector<std::string> values;
        for (auto& v : current.getall()) {
            if (stripped) {
                v = trim(std::move(v));
                if (v.empty()) {
                    continue;
                }
            }
            values.push_back(std::move(v));
        }
        if (values != expected) {
            std::string got;
            for (const auto& v : values) {
                got += "[" + v + "]";
            }
            failure = "got " + got;
        }
    } catch (const std::exception& e) {
        failure = std::string("threw: ") + e.what();
    }
    expect_case(GetParam(), failure);
}

INSTANTIATE_TEST_SUITE_P(Conformance, CssExtract, ::testing::ValuesIn(cases_of("extract")),
                         [](const auto& info) { return info.param.name; });

class CssParse : public ::testing::TestWithParam<Case> {};

TEST_P(CssParse, AcceptsOrRejects)
{
    const auto& c = GetParam().data;
    const std::string selector = string_of(c, "selector");
    const bool expected_valid = c.at("expected_valid").as_bool();
    std::string failure;
    for (const bool html : {true, false}) {
        try {
            const std::string xpath = detail::css::to_xpath(selector, html);
            // The translation must also compile.
            Selector::from_html("<p id=x>y</p>").css(selector);
            if (!expected_valid) {
                failure = "accepted, as " + xpath;
            }
        } catch (const SelectorError& e) {
            if (expected_valid) {
                failure = std::string("rejected: ") + e.what();
            } else {
                // The error names the query and a position inside it (or at its end).
                EXPECT_EQ(e.query(), selector);
                EXPECT_NE(std::string(e.what()).find(selector), std::string::npos) << e.what();
                EXPECT_LE(e.position(), selector.size()) << e.what();
            }
        }
    }
    expect_case(GetParam(), failure);
}

INSTANTIATE_TEST_SUITE_P(Conformance, CssParse, ::testing::ValuesIn(cases_of("parse")),
                         [](const auto& info) { return info.param.name; });

class CssNthSeries : public ::testing::TestWithParam<Case> {};

TEST_P(CssNthSeries, MatchesCssselect)
{
    const auto& c = GetParam().data;
    const auto series = detail::css::parse_nth(string_of(c, "argument"));
    const auto& expected = c.at("expected_a_b");
    std::string failure;
    if (expected.is_null()) {
        if (series) {
            failure = "accepted as " + std::to_string(series->first) + "n+" + std::to_string(series->second);
        }
    } else {
        const auto& ab = expected.as_array();
        const std::pair<long long, long long> want{ab[0].to_number<long long>(), ab[1].to_number<long long>()};
        if (series != want) {
            failure = series ? "got " + std::to_string(series->first) + "n+" + std::to_string(series->second)
                             : std::string("rejected");
        }
    }
    expect_case(GetParam(), failure);
}

INSTANTIATE_TEST_SUITE_P(Conformance, CssNthSeries, ::testing::ValuesIn(cases_of("nth_series")),
                         [](const auto& info) { return info.param.name; });

TEST(CssConformanceData, HasEveryCaseType)
{
    EXPECT_EQ(cases_of("select").size(), 104u);
    EXPECT_EQ(cases_of("select_count").size(), 35u);
    EXPECT_EQ(cases_of("extract").size(), 15u);
    EXPECT_EQ(cases_of("parse").size(), 33u);
    EXPECT_EQ(cases_of("nth_series").size(), 12u);
}

} // namespace
} // namespace trawl
