// The sitemap cases (tests/conformance/data/sitemap_cases.json: facts from
// Scrapy's tests/test_utils_sitemap.py and tests/test_spider_sitemap.py) run
// against parse_sitemap, robots_sitemap_urls and sitemap_links.
//
// sitemap_spider cases give the spider's settings: sitemap_rules and
// sitemap_follow regexes are applied here with trawl::Regex (search, not
// match, as Python's re.search; PCRE2, as the spider will), rules to the
// pages sitemap_links returns (as the spider will route them), follow
// through SitemapRules::follow.
// sitemap_filter is described in words; the descriptions this file knows
// are implemented in filter_for() as SitemapRules::filter predicates, and an
// unknown description fails the case (the file changed: teach this test).

#include "conformance_cases.hpp"

#include <trawl/regex.hpp>
#include <trawl/sitemap.hpp>

#include <gtest/gtest.h>

#include <cstdio>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace trawl::test {
namespace {

const std::vector<ConformanceCase>& sitemap_cases()
{
    static const auto cases = load_cases("sitemap_cases.json");
    return cases;
}

/// Scrapy's default DOWNLOAD_MAXSIZE, which SitemapSpider uses as its gunzip limit.
constexpr std::size_t scrapy_max_size = 1024u * 1024u * 1024u;

std::string body_of(const boost::json::object& c)
{
    if (auto b64 = string_member(c, "body_base64")) {
        return base64_decode(*b64);
    }
    return string_member(c, "body_text").value_or("");
}

std::vector<std::string> strings_of(const boost::json::value* v)
{
    std::vector<std::string> out;
    if (v != nullptr && v->is_array()) {
        for (const auto& s : v->as_array()) {
            out.emplace_back(s.as_string());
        }
    }
    return out;
}

std::string joined(const std::vector<std::string>& v)
{
    std::string out = "[";
    for (const auto& s : v) {
        out += (out.size() > 1 ? ", '" : "'") + s + "'";
    }
    return out + "]";
}

int lastmod_year(const SitemapEntry& entry)
{
    const auto it = entry.fields.find("lastmod");
    if (it == entry.fields.end() || it->second.size() < 4) {
        return 0;
    }
    return std::stoi(it->second.substr(0, 4));
}

/// The predicate for a sitemap_filter described in words; false if unknown.
bool filter_for(const std::string& words, std::function<bool(const SitemapEntry&)>& filter)
{
    if (words == "keep entries whose lastmod year > 2008") {
        filter = [](const SitemapEntry& e) { return lastmod_year(e) > 2008; };
        return true;
    }
    // The upstream test parses the date part of "2004-01-01T20:00:00+00:00".
    if (words == "keep entries whose lastmod (date part) year > 2004") {
        filter = [](const SitemapEntry& e) { return lastmod_year(e) > 2004; };
        return true;
    }
    return false;
}

std::string check_parse(const boost::json::object& c)
{
    std::string problems;
    const Sitemap sitemap = parse_sitemap(body_of(c));
    if (auto root = string_member(c, "expected_root")) {
        const std::string got = sitemap.type == SitemapType::urlset         ? "urlset"
                                : sitemap.type == SitemapType::sitemapindex ? "sitemapindex"
                                                                            : "unknown";
        if (got != *root) {
            problems += "root " + got + "; ";
        }
    }
    const auto& expected = c.at("expected_entries").as_array();
    if (expected.size() != sitemap.entries.size()) {
        return problems + "entries: " + std::to_string(sitemap.entries.size()) + " instead of " +
               std::to_string(expected.size()) + "; ";
    }
    for (std::size_t i = 0; i < expected.size(); ++i) {
        const SitemapEntry& got = sitemap.entries[i];
        std::map<std::string, std::string> want_fields;
        std::vector<std::string> want_alternates;
        for (const auto& [key, value] : expected[i].as_object()) {
            if (key == "alternate") {
                want_alternates = strings_of(&value);
            } else {
                want_fields.emplace(key, value.as_string());
            }
        }
        std::map<std::string, std::string> got_fields = got.fields;
        got_fields.emplace("loc", got.loc);
        if (got_fields != want_fields) {
            problems += "entry " + std::to_string(i) + " fields differ (loc '" + got.loc + "'); ";
        }
        if (got.alternates != want_alternates) {
            problems += "entry " + std::to_string(i) + " alternates " + joined(got.alternates) + "; ";
        }
    }
    return problems;
}

std::string check_robots(const boost::json::object& c)
{
    const auto got = robots_sitemap_urls(body_of(c), string_member(c, "base_url").value());
    const auto want = strings_of(c.if_contains("expected_urls"));
    return got == want ? "" : "urls " + joined(got);
}

std::string check_spider(const boost::json::object& c)
{
    SitemapRules rules;
    std::vector<Regex> page_rules;
    if (const auto* settings = c.if_contains("spider_settings")) {
        const auto& s = settings->as_object();
        rules.alternate_links = bool_member(s, "sitemap_alternate_links");
        if (const auto* follow = s.if_contains("sitemap_follow")) {
            std::vector<Regex> follow_res;
            for (const auto& re : strings_of(follow)) {
                follow_res.emplace_back(re);
            }
            rules.follow = [follow_res](std::string_view loc) {
                for (const auto& re : follow_res) {
                    if (re.search(loc)) {
                        return true;
                    }
                }
                return false;
            };
        }
        if (const auto* rule_list = s.if_contains("sitemap_rules")) {
            for (const auto& rule : rule_list->as_array()) {
                page_rules.emplace_back(std::string(rule.as_array().at(0).as_string()));
            }
        }
        if (auto words = string_member(s, "sitemap_filter")) {
            if (!filter_for(*words, rules.filter)) {
                return "unknown sitemap_filter description '" + *words + "': implement it in filter_for()";
            }
        }
    }
    const SitemapLinks links = sitemap_links(string_member(c, "response_url").value(), body_of(c), rules,
                                             scrapy_max_size);
    if (!links.sitemaps.empty() && !links.pages.empty()) {
        return "one response gave both sitemaps and pages";
    }
    std::vector<std::string> got = links.sitemaps;
    for (const auto& page : links.pages) {
        // The spider's default rule ('', 'parse') requests every page.
        bool routed = page_rules.empty();
        for (const auto& re : page_rules) {
            routed = routed || re.search(page);
        }
        if (routed) {
            got.push_back(page);
        }
    }
    const auto want = strings_of(c.if_contains("expected_request_urls"));
    return got == want ? "" : "requests " + joined(got);
}

/// Checks one case; returns "" when trawl agrees, else what differs.
std::string check(const boost::json::object& c)
{
    const std::string type = string_member(c, "type").value_or("");
    if (type == "sitemap_parse") {
        return check_parse(c);
    }
    if (type == "robots_sitemap_urls") {
        return check_robots(c);
    }
    if (type == "sitemap_spider") {
        return check_spider(c);
    }
    return "unknown case type " + type;
}

class SitemapConformance : public ::testing::TestWithParam<ConformanceCase> {};

TEST_P(SitemapConformance, AgreesWithScrapy)
{
    const auto& c = GetParam().data;
    EXPECT_EQ(check(c), "") << "case " << string_member(c, "id").value_or("");
}

INSTANTIATE_TEST_SUITE_P(Scrapy, SitemapConformance, ::testing::ValuesIn(sitemap_cases()), CaseName{});

TEST(SitemapConformanceFile, HasEveryCaseAndAllPass)
{
    std::map<std::string, std::pair<int, int>> by_type; // type -> (passed, total)
    for (const auto& c : sitemap_cases()) {
        auto& [passed, total] = by_type[string_member(c.data, "type").value_or("")];
        ++total;
        passed += check(c.data).empty() ? 1 : 0;
    }
    int passed = 0;
    for (const auto& [type, counts] : by_type) {
        std::printf("sitemap conformance: %-20s %d/%d passed\n", type.c_str(), counts.first, counts.second);
        passed += counts.first;
    }
    std::printf("sitemap conformance: %d/%zu passed\n", passed, sitemap_cases().size());
    EXPECT_EQ(sitemap_cases().size(), 26u);
    EXPECT_EQ(by_type["sitemap_parse"].second, 10);
    EXPECT_EQ(by_type["robots_sitemap_urls"].second, 1);
    EXPECT_EQ(by_type["sitemap_spider"].second, 15);
    EXPECT_EQ(static_cast<std::size_t>(passed), sitemap_cases().size());
}

} // namespace
} // namespace trawl::test
