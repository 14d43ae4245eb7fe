// The robots.txt conformance cases (tests/conformance/data/
// robots_txt_cases.json: facts from the tests of google/robotstxt and
// scrapy/protego), every case of every type, against trawl::RobotsTxt.
//
// trawl follows RFC 9309, and Google's library where the RFC is silent.
// Where the two libraries disagree (the case's `disagreement` field), that
// choice fails some cases; they are listed in known_deviations() below, one
// reason per disagreement class. Only disagreement cases may be listed, a
// listed case must still fail (so the list cannot go stale silently), and
// every unlisted case must pass. The Summary test prints the counts per
// type and per source.

#include <trawl/robots_txt.hpp>

#include "robots/robots_lines.hpp"
#include "robots/robots_path.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <gtest/gtest.h>

#include <cctype>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace trawl {
namespace {

struct Case {
    std::string name;
    boost::json::object data;
};

void PrintTo(const Case& c, std::ostream* os)
{
    *os << c.name;
}

const boost::json::array& all_case_data()
{
    static const boost::json::array cases = [] {
        const std::string path = std::string(TRAWL_CONFORMANCE_DIR) + "/robots_txt_cases.json";
        std::ifstream in(path, std::ios::binary);
        std::stringstream text;
        text << in.rdbuf();
        return boost::json::parse(text.str()).as_object().at("cases").as_array();
    }();
    return cases;
}

std::string string_of(const boost::json::object& o, std::string_view key)
{
    return std::string(o.at(key).as_string());
}

std::vector<Case> all_cases()
{
    std::vector<Case> out;
    for (const auto& value : all_case_data()) {
        const auto& c = value.as_object();
        std::string name = string_of(c, "type") + "_" + string_of(c, "id");
        for (char& ch : name) {
            if (!std::isalnum(static_cast<unsigned char>(ch))) {
                ch = '_';
            }
        }
        out.push_back({std::move(name), c});
    }
    return out;
}

struct Deviation {
    std::string disagreement; // the case's `disagreement` class
    std::string reason;
};

/// Case id -> why trawl answers otherwise than the origin library's test.
const std::map<std::string, Deviation>& known_deviations()
{
    static const std::map<std::string, Deviation> deviations = [] {
        struct Class {
            const char* disagreement;
            const char* reason;
            std::vector<const char*> ids;
        };
        const std::vector<Class> classes = {
            {"ua-product-token",
             "RFC 9309 2.2.1 product tokens: a group names [A-Za-z_-] only, read as Google does "
             "(Rule1TestBot -> Rule, foo*bot -> foo, 1bot -> nobody); a crawler whose token has other "
             "characters obeys the * group (Protego matches the whole value)",
             {"robots-d787959aa4", "robots-de8047c6f8", "robots-1ba367d276", "robots-852f23f823",
              "robots-ab08f3d291", "robots-b3001a0f42", "robots-09106b38da", "robots-7c56554b2b",
              "robots-b0c65796bb", "robots-5368c8b7bf", "robots-db359454ab", "robots-4aa1cf76b0",
              "robots-ce55f0d2ec", "robots-8d54c2d46d", "robots-57176d3e58", "robots-ac825b37a1",
              "robots-f834ea2743", "robots-e9be10abec", "robots-274cc23369", "robots-21f611aaf3"}},
            {"ua-substring-match",
             "RFC 9309 2.2.1: a group applies to an exactly matching product token, not to the longest "
             "substring of the crawler's User-Agent (Google's reading)",
             {"robots-ba99cbfaea", "robots-c7c58a4867", "robots-132c2ae7f0", "robots-c515b8020a",
              "robots-631739a67b"}},
            {"ua-value-with-space",
             "allowed() takes a User-Agent header and obeys its first product: the caller 'Foo Bar' is "
             "crawler Foo (Google compares the caller's string as given)",
             {"robots-0edc40fbea"}},
            {"group-boundary",
             "RFC 9309 2.1 as Google reads it: lines other than user-agent/allow/disallow do not end a "
             "group (Protego ends it at unknown lines)",
             {"robots-d2761b9a7d", "robots-aa96b0fd3f", "robots-99934ece6d"}},
            {"percent-encoding",
             "RFC 9309 2.2.2: non-ASCII is percent-encoded and %xx of unreserved characters decoded on "
             "both sides before comparing (Google compares the caller's URL as given)",
             {"robots-095940645d", "robots-cbd06e738d", "robots-3d3f1967e5"}},
            {"encoded-special-characters",
             "RFC 9309 2.2.3: only a literal * and $ are special; %2A and %24 are reserved characters "
             "and stay encoded on both sides, so they match only themselves (as Google)",
             {"robots-0c05ed5871", "robots-392fad59c6", "robots-f782097bfa", "robots-b5aff8ac6b",
              "robots-59fbd89a5c", "robots-63a8a7ab82"}},
            {"absolute-url-in-rule",
             "rules are matched against the path from its first byte: 'Disallow: http://host/' matches "
             "no path (as Google)",
             {"robots-03d13f7bee"}},
        };
        std::map<std::string, Deviation> out;
        for (const auto& c : classes) {
            for (const char* id : c.ids) {
                out.emplace(id, Deviation{c.disagreement, c.reason});
            }
        }
        return out;
    }();
    return deviations;
}

std::string decode_base64(std::string_view text)
{
    static constexpr std::string_view alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    unsigned bits = 0;
    int count = 0;
    for (char c : text) {
        const auto at = alphabet.find(c);
        if (at == std::string_view::npos) {
            continue; // '=' padding
        }
        bits = (bits << 6) | static_cast<unsigned>(at);
        count += 6;
        if (count >= 8) {
            count -= 8;
            out.push_back(static_cast<char>((bits >> count) & 0xFF));
        }
    }
    return out;
}

std::string robots_body(const boost::json::object& c)
{
    if (const auto* b64 = c.if_contains("robots_txt_base64")) {
        return decode_base64(b64->as_string());
    }
    return string_of(c, "robots_txt");
}

std::string show(const std::optional<std::string>& s)
{
    return s ? "\"" + *s + "\"" : "null";
}

/// "" if trawl gives the case's expected answer, else what it gave.
std::string run_case(const boost::json::object& c)
{
    const std::string type = string_of(c, "type");
    if (type == "allow") {
        const bool expected = c.at("expected_allowed").as_bool();
        const bool got = RobotsTxt::parse(robots_body(c)).allowed(string_of(c, "url"), string_of(c, "user_agent"));
        return got == expected ? "" : std::string("allowed() = ") + (got ? "true" : "false");
    }
    if (type == "crawl_delay") {
        const auto got = RobotsTxt::parse(robots_body(c)).crawl_delay(string_of(c, "user_agent"));
        const auto& expected = c.at("expected_crawl_delay");
        const bool same = expected.is_null() ? !got : (got && std::abs(*got - expected.to_number<double>()) < 1e-9);
        return same ? "" : "crawl_delay() = " + (got ? std::to_string(*got) : std::string("null"));
    }
    if (type == "sitemaps") {
        const auto got = RobotsTxt::parse(robots_body(c)).sitemaps();
        std::vector<std::string> expected;
        for (const auto& v : c.at("expected_sitemaps").as_array()) {
            expected.emplace_back(v.as_string());
        }
        return got == expected ? "" : "sitemaps() has " + std::to_string(got.size()) + " entries";
    }
    if (type == "request_rate") {
        const auto got = RobotsTxt::parse(robots_body(c)).request_rate(string_of(c, "user_agent"));
        const auto& expected = c.at("expected_request_rate");
        if (expected.is_null()) {
            return got ? "request_rate() is set" : "";
        }
        if (!got) {
            return "request_rate() = null";
        }
        const auto& e = expected.as_object();
        std::string failure;
        if (got->requests != e.at("requests").to_number<unsigned>()) {
            failure += " requests=" + std::to_string(got->requests);
        }
        if (std::abs(got->seconds - e.at("seconds").to_number<double>()) > 1e-9) {
            failure += " seconds=" + std::to_string(got->seconds);
        }
        const auto times = {std::pair{"start_time", &got->start_time}, std::pair{"end_time", &got->end_time}};
        for (const auto& [key, value] : times) {
            if (const auto* want = e.if_contains(key)) {
                const auto want_value = want->is_null() ? std::nullopt : std::optional<std::string>(want->as_string());
                if (*value != want_value) {
                    failure += std::string(" ") + key + "=" + show(*value);
                }
            }
        }
        return failure;
    }
    if (type == "visit_time") {
        const auto got = RobotsTxt::parse(robots_body(c)).visit_time(string_of(c, "user_agent"));
        const auto& e = c.at("expected_visit_time").as_object();
        const bool same = got && got->start_time == e.at("start_time").as_string()
                          && got->end_time == e.at("end_time").as_string();
        return same ? "" : "visit_time() = " + (got ? got->start_time + "-" + got->end_time : std::string("null"));
    }
    if (type == "preferred_host") {
        const auto got = RobotsTxt::parse(robots_body(c)).preferred_host();
        const auto& expected = c.at("expected_host");
        const auto want = expected.is_null() ? std::nullopt : std::optional<std::string>(expected.as_string());
        return got == want ? "" : "preferred_host() = " + show(got);
    }
    if (type == "parse_stats") {
        const auto stats = detail::robots_parse_stats(robots_body(c), RobotsTxt::max_size);
        std::string failure;
        if (stats.valid_directives != c.at("expected_valid_directives").to_number<std::size_t>()) {
            failure += " valid=" + std::to_string(stats.valid_directives);
        }
        if (const auto* last = c.if_contains("expected_last_line");
            last && stats.lines != last->to_number<std::size_t>()) {
            failure += " lines=" + std::to_string(stats.lines);
        }
        if (const auto* unknown = c.if_contains("expected_unknown_directives");
            unknown && stats.unknown_directives != unknown->to_number<std::size_t>()) {
            failure += " unknown=" + std::to_string(stats.unknown_directives);
        }
        return failure;
    }
    if (type == "valid_user_agent") {
        const bool got = is_valid_robots_product_token(string_of(c, "user_agent"));
        return got == c.at("expected_valid").as_bool() ? "" : "is_valid_robots_product_token() disagrees";
    }
    if (type == "path_params_query") {
        const auto got = detail::robots_path_string(string_of(c, "url"));
        return got == string_of(c, "expected_path") ? "" : "path = " + got;
    }
    if (type == "escape_pattern") {
        const auto got = detail::normalise_robots_pattern(string_of(c, "pattern"));
        return got == string_of(c, "expected") ? "" : "pattern = " + got;
    }
    return "unknown case type " + type;
}

class RobotsConformance : public ::testing::TestWithParam<Case> {};

TEST_P(RobotsConformance, Case)
{
    const auto& c = GetParam().data;
    const std::string id = string_of(c, "id");
    const std::string failure = run_case(c);
    const auto deviation = known_deviations().find(id);
    if (deviation == known_deviations().end()) {
        EXPECT_EQ(failure, "") << id << ": " << boost::json::serialize(c);
    } else {
        EXPECT_NE(failure, "") << id << " is listed as a known deviation (" << deviation->second.reason
                               << ") but now passes: remove it from the list";
    }
}

INSTANTIATE_TEST_SUITE_P(All, RobotsConformance, ::testing::ValuesIn(all_cases()),
                         [](const ::testing::TestParamInfo<Case>& info) { return info.param.name; });

TEST(RobotsConformanceList, ListsOnlyDisagreementCasesOfTheirClass)
{
    std::map<std::string, const boost::json::object*> by_id;
    for (const auto& value : all_case_data()) {
        by_id.emplace(string_of(value.as_object(), "id"), &value.as_object());
    }
    for (const auto& [id, deviation] : known_deviations()) {
        const auto it = by_id.find(id);
        ASSERT_NE(it, by_id.end()) << id << " is not in the case file";
        const auto* disagreement = it->second->if_contains("disagreement");
        ASSERT_NE(disagreement, nullptr) << id << " is not a disagreement case: it must pass";
        EXPECT_EQ(disagreement->as_string(), deviation.disagreement) << id;
    }
}

TEST(RobotsConformanceSummary, CountsPerTypeAndSource)
{
    struct Counts {
        int passed = 0;
        int listed = 0;
        int failed = 0;
    };
    std::map<std::string, Counts> by_type;
    std::map<std::string, Counts> by_source;
    std::map<std::string, int> listed_by_class;
    for (const auto& value : all_case_data()) {
        const auto& c = value.as_object();
        const bool passed = run_case(c).empty();
        const auto deviation = known_deviations().find(string_of(c, "id"));
        for (auto* counts : {&by_type[string_of(c, "type")], &by_source[string_of(c, "source")]}) {
            if (passed) {
                ++counts->passed;
            } else if (deviation != known_deviations().end()) {
                ++counts->listed;
            } else {
                ++counts->failed;
            }
        }
        if (!passed && deviation != known_deviations().end()) {
            ++listed_by_class[deviation->second.disagreement];
        }
    }
    int failed = 0;
    const auto print = [&](const char* what, const std::map<std::string, Counts>& table) {
        for (const auto& [key, counts] : table) {
            std::printf("robots conformance %s %-18s passed %3d  known deviations %2d  failed %d\n", what,
                        key.c_str(), counts.passed, counts.listed, counts.failed);
            failed += counts.failed;
        }
    };
    print("type  ", by_type);
    print("source", by_source);
    for (const auto& [name, count] : listed_by_class) {
        std::printf("robots conformance deviation %-28s %d\n", name.c_str(), count);
    }
    EXPECT_EQ(failed, 0) << "(counted twice: per type and per source)";
}

} // namespace
} // namespace trawl
