// The "dedup" pipeline: keys per kind or global, what counts as the same
// key, and the Drop("duplicate").

#include "unit/middlewares/middleware_test_support.hpp"

#include <dedup_pipeline.hpp>
#include <kind_fields.hpp>

#include <boost/json/parse.hpp>

#include <gtest/gtest.h>

namespace trawl::test {
namespace {

namespace json = boost::json;

bool dropped(DedupPipeline& pipeline, Crawler& crawler, Item item)
{
    auto action = run(pipeline.process_item(std::move(item), crawler.spider()));
    if (auto* drop = std::get_if<Drop>(&action)) {
        EXPECT_EQ(drop->reason, "duplicate");
        return true;
    }
    return false;
}

TEST(DedupPipeline, NotConfiguredWithoutFields)
{
    auto crawler = make_crawler();
    EXPECT_THROW(DedupPipeline::from_crawler(*crawler), NotConfigured);
    auto bad = make_crawler({{"DEDUP_FIELDS", 3}});
    EXPECT_THROW(DedupPipeline::from_crawler(*bad), SettingsError);
}

TEST(DedupPipeline, GlobalFieldsDropRepeats)
{
    auto crawler = make_crawler({{"DEDUP_FIELDS", "url, lang"}});
    auto pipeline = DedupPipeline::from_crawler(*crawler);
    EXPECT_FALSE(dropped(*pipeline, *crawler, Item{"page", {{"url", "a"}, {"lang", "en"}, {"n", 1}}}));
    EXPECT_TRUE(dropped(*pipeline, *crawler, Item{"page", {{"url", "a"}, {"lang", "en"}, {"n", 2}}}))
        << "other fields do not matter";
    EXPECT_FALSE(dropped(*pipeline, *crawler, Item{"page", {{"url", "a"}, {"lang", "de"}}}));
    EXPECT_FALSE(dropped(*pipeline, *crawler, Item{"other", {{"url", "a"}, {"lang", "en"}}})) << "kinds apart";
    EXPECT_FALSE(dropped(*pipeline, *crawler, Item{"page", {{"url", "a"}}})) << "missing lang is its own key";
    EXPECT_TRUE(dropped(*pipeline, *crawler, Item{"page", {{"url", "a"}}}));
    EXPECT_FALSE(dropped(*pipeline, *crawler, Item{"page", {{"url", "a"}, {"lang", nullptr}}}))
        << "null differs from missing";
    EXPECT_FALSE(dropped(*pipeline, *crawler, Item{"page", {{"url", 1}, {"lang", "en"}}})) << "1 is not \"1\"";
    EXPECT_FALSE(dropped(*pipeline, *crawler, Item{"page", {{"url", "1"}, {"lang", "en"}}}));
    EXPECT_FALSE(dropped(*pipeline, *crawler, Item{"page", {{"x", 1}}})) << "no key fields: passes";
    EXPECT_FALSE(dropped(*pipeline, *crawler, Item{"page", {{"x", 1}}}));
}

TEST(DedupPipeline, PerKindFields)
{
    auto crawler = make_crawler({{"DEDUP_FIELDS", json::parse(R"({"book": ["isbn"], "*": ["url"]})")}});
    auto pipeline = DedupPipeline::from_crawler(*crawler);
    EXPECT_FALSE(dropped(*pipeline, *crawler, Item{"book", {{"isbn", "1"}, {"url", "a"}}}));
    EXPECT_FALSE(dropped(*pipeline, *crawler, Item{"book", {{"isbn", "2"}, {"url", "a"}}}));
    EXPECT_TRUE(dropped(*pipeline, *crawler, Item{"book", {{"isbn", "1"}, {"url", "b"}}}));
    EXPECT_FALSE(dropped(*pipeline, *crawler, Item{"author", {{"url", "a"}}}));
    EXPECT_TRUE(dropped(*pipeline, *crawler, Item{"author", {{"url", "a"}, {"isbn", "9"}}}));
}

TEST(DedupPipeline, KeysDoNotRunTogether)
{
    const std::vector<std::string> fields{"a", "b"};
    auto one = DedupPipeline::key_of(Item{"k", {{"a", "xy"}, {"b", "z"}}}, fields);
    auto two = DedupPipeline::key_of(Item{"k", {{"a", "x"}, {"b", "yz"}}}, fields);
    ASSERT_TRUE(one && two);
    EXPECT_FALSE(*one == *two);
    EXPECT_FALSE(DedupPipeline::key_of(Item{"k", {{"c", 1}}}, fields));
}

TEST(DedupPipeline, KeepsOnlyHashes)
{
    auto crawler = make_crawler({{"DEDUP_FIELDS", json::array{"body"}}});
    auto pipeline = DedupPipeline::from_crawler(*crawler);
    const std::string big(1 << 20, 'x');
    for (int i = 0; i < 20; ++i) {
        EXPECT_FALSE(dropped(*pipeline, *crawler, Item{"page", {{"body", big + std::to_string(i)}}}));
    }
    EXPECT_EQ(pipeline->seen_count(), 20U);
    EXPECT_EQ(sizeof(DedupPipeline::Key), 16U) << "20 MB of keys kept as 320 bytes of hashes";
}

} // namespace
} // namespace trawl::test
