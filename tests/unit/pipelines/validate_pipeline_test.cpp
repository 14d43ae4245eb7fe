// The "validate" pipeline: schema parsing (errors name file and line), each
// rule, and the pipeline built through its factory from ITEM_SCHEMA.

#include "unit/middlewares/middleware_test_support.hpp"

#include <item_schema.hpp>
#include <validate_pipeline.hpp>

#include <boost/json/parse.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace trawl::test {
namespace {

namespace json = boost::json;
using pipelines::ItemSchema;

const char* const book_schema = R"(book:
  required: [title]
  additional: false
  fields:
    title: {type: string, min_length: 1, max_length: 10}
    price: {type: number, min: 0, max: 1000, required: true}
    url: url
    isbn: "string?"
    tags: {type: list, max_length: 2}
    stock: int
    rating: float
    new: bool
    extra: object
)";

Item book(json::object fields)
{
    return Item{"book", std::move(fields)};
}

std::string check(const ItemSchema& schema, const Item& item)
{
    auto violation = schema.check(item);
    return violation ? violation->key : "";
}

TEST(ItemSchema, AcceptsAValidItem)
{
    auto schema = ItemSchema::parse(book_schema, "schema.yaml");
    EXPECT_EQ(check(schema, book({{"title", "Dune"}, {"price", 9.5}, {"url", "https://example.com/dune"},
                                  {"isbn", nullptr}, {"tags", json::array{"sf"}}, {"stock", 3}, {"rating", 4.5},
                                  {"new", true}, {"extra", json::object{{"a", 1}}}})),
              "");
    EXPECT_EQ(check(schema, book({{"title", "Dune"}, {"price", 9}})), "") << "an int is a number";
}

TEST(ItemSchema, NamesFieldAndRule)
{
    auto schema = ItemSchema::parse(book_schema, "schema.yaml");
    auto missing = schema.check(book({{"title", "Dune"}}));
    ASSERT_TRUE(missing);
    EXPECT_EQ(missing->key, "price/required");
    EXPECT_EQ(missing->message, "missing required field 'price'");

    EXPECT_EQ(check(schema, book({{"price", 1}})), "title/required") << "required through the kind's list";
    EXPECT_EQ(check(schema, book({{"title", 5}, {"price", 1}})), "title/type");
    EXPECT_EQ(check(schema, book({{"title", ""}, {"price", 1}})), "title/min_length");
    EXPECT_EQ(check(schema, book({{"title", "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"},
                                  {"price", 1}})),
              "") << "ten characters in twenty bytes";
    EXPECT_EQ(check(schema, book({{"title", "elevenchars"}, {"price", 1}})), "title/max_length");
    EXPECT_EQ(check(schema, book({{"title", "a"}, {"price", -1}})), "price/min");
    EXPECT_EQ(check(schema, book({{"title", "a"}, {"price", 1000.5}})), "price/max");
    EXPECT_EQ(check(schema, book({{"title", "a"}, {"price", "12"}})), "price/type");
    EXPECT_EQ(check(schema, book({{"title", "a"}, {"price", nullptr}})), "price/null");
    EXPECT_EQ(check(schema, book({{"title", "a"}, {"price", 1}, {"url", "not a url"}})), "url/type");
    EXPECT_EQ(check(schema, book({{"title", "a"}, {"price", 1}, {"tags", json::array{1, 2, 3}}})), "tags/max_length");
    EXPECT_EQ(check(schema, book({{"title", "a"}, {"price", 1}, {"stock", 1.5}})), "stock/type");
    EXPECT_EQ(check(schema, book({{"title", "a"}, {"price", 1}, {"rating", 4}})), "rating/type");
    EXPECT_EQ(check(schema, book({{"title", "a"}, {"price", 1}, {"new", 1}})), "new/type");
    EXPECT_EQ(check(schema, book({{"title", "a"}, {"price", 1}, {"extra", json::array{}}})), "extra/type");
    EXPECT_EQ(check(schema, book({{"title", "a"}, {"price", 1}, {"colour", "red"}})), "colour/additional");
}

TEST(ItemSchema, OtherKindsPassUnlessStarIsGiven)
{
    auto schema = ItemSchema::parse(book_schema, "schema.yaml");
    EXPECT_EQ(check(schema, Item{"author", {{"x", 1}}}), "");
    auto star = ItemSchema::parse("'*': {required: [url]}\n", "s.yaml");
    EXPECT_EQ(check(star, Item{"author", {{"x", 1}}}), "url/required");
}

TEST(ItemSchema, ErrorsNameFileAndLine)
{
    auto error_of = [](const char* yaml) -> std::string {
        try {
            ItemSchema::parse(yaml, "schema.yaml");
        } catch (const SettingsError& e) {
            return e.what();
        }
        return "no error";
    };
    EXPECT_EQ(error_of("book:\n  fields:\n    price: nubmer\n"),
              "schema.yaml:3: ITEM_SCHEMA: book.price: unknown type 'nubmer' (expected string, int, float, number, "
              "bool, list, object, url or any)");
    EXPECT_NE(error_of("book:\n  fields:\n    price: {type: number, minimum: 0}\n").find("schema.yaml:3:"),
              std::string::npos);
    EXPECT_NE(error_of("book:\n  fields:\n    price: {type: number, min: low}\n").find("schema.yaml:3:"),
              std::string::npos);
    EXPECT_NE(error_of("book:\n  feilds: {}\n").find("schema.yaml:2: ITEM_SCHEMA: book: unknown key 'feilds'"),
              std::string::npos);
    EXPECT_NE(error_of("book: [a, b]\n").find("schema.yaml:1:"), std::string::npos);
    EXPECT_NE(error_of("book:\n  fields: {a: [\n").find("schema.yaml:"), std::string::npos) << "bad YAML";
    EXPECT_NE(error_of("book:\n  fields:\n    title: {type: bool, max_length: 3}\n").find("schema.yaml:3:"),
              std::string::npos);
}

TEST(ValidatePipeline, NotConfiguredWithoutASchema)
{
    auto crawler = make_crawler();
    EXPECT_THROW(ValidatePipeline::from_crawler(*crawler), NotConfigured);
}

TEST(ValidatePipeline, DropsWithAShortReasonAndLogsTheDetail)
{
    auto crawler = make_crawler({{"ITEM_SCHEMA", json::parse(R"({"book": {"required": ["price"]}})")}});
    auto pipeline = ValidatePipeline::from_crawler(*crawler);
    LogCapture log;
    auto dropped = run(pipeline->process_item(book({{"title", "a"}}), crawler->spider()));
    ASSERT_TRUE(std::holds_alternative<Drop>(dropped));
    EXPECT_EQ(std::get<Drop>(dropped).reason, "invalid/price/required");
    EXPECT_EQ(log.count("missing required field 'price'"), 1U);

    auto kept = run(pipeline->process_item(book({{"price", 1}}), crawler->spider()));
    ASSERT_TRUE(std::holds_alternative<Item>(kept));
    EXPECT_EQ(std::get<Item>(kept), book({{"price", 1}}));
}

TEST(ValidatePipeline, ReadsASchemaFile)
{
    const auto path = std::filesystem::temp_directory_path() / ("trawl_schema_" + std::to_string(::getpid()) + ".yaml");
    {
        std::ofstream out{path};
        out << "book:\n  fields:\n    price: {type: numbr}\n";
    }
    auto crawler = make_crawler({{"ITEM_SCHEMA", boost::json::value(path.string())}});
    try {
        ValidatePipeline::from_crawler(*crawler);
        ADD_FAILURE() << "a bad schema must fail";
    } catch (const SettingsError& e) {
        EXPECT_NE(std::string{e.what()}.find(path.string() + ":3:"), std::string::npos) << e.what();
    }
    {
        std::ofstream out{path};
        out << "book:\n  fields:\n    price: {type: number, required: true}\n";
    }
    auto pipeline = ValidatePipeline::from_crawler(*crawler);
    EXPECT_TRUE(std::holds_alternative<Drop>(run(pipeline->process_item(book({}), crawler->spider()))));
    std::filesystem::remove(path);

    auto missing = make_crawler({{"ITEM_SCHEMA", "/nonexistent/schema.yaml"}});
    EXPECT_THROW(ValidatePipeline::from_crawler(*missing), SettingsError);
}

TEST(ValidatePipeline, InlineSchemaErrorsNameTheSetting)
{
    auto crawler = make_crawler({{"ITEM_SCHEMA", json::parse(R"({"book": {"fields": {"a": "strin"}}})")}});
    try {
        ValidatePipeline::from_crawler(*crawler);
        ADD_FAILURE() << "a bad schema must fail";
    } catch (const SettingsError& e) {
        EXPECT_NE(std::string{e.what()}.find("book.a: unknown type 'strin'"), std::string::npos) << e.what();
    }
}

} // namespace
} // namespace trawl::test
