#include "validate_pipeline.hpp"

#include <trawl/components.hpp>
#include <trawl/crawler.hpp>

#include <boost/json/serialize.hpp>

namespace trawl {

std::unique_ptr<ValidatePipeline> ValidatePipeline::from_crawler(Crawler& crawler)
{
    const auto& settings = crawler.settings();
    const auto* value = settings.find("ITEM_SCHEMA");
    if (value == nullptr || value->is_null() || (value->is_string() && value->get_string().empty())) {
        throw NotConfigured{"ITEM_SCHEMA is not set"};
    }
    if (value->is_string()) {
        return std::make_unique<ValidatePipeline>(pipelines::ItemSchema::load_file(std::string{value->get_string()}));
    }
    if (!value->is_object()) {
        throw SettingsError{fmt::format("ITEM_SCHEMA ({}): expected a file name or a mapping of item kinds",
                                        settings.source("ITEM_SCHEMA"))};
    }
    // An inline schema is already JSON; JSON is YAML, so one parser serves
    // both. Its lines are the settings file's, so errors name the setting's
    // source instead.
    return std::make_unique<ValidatePipeline>(
        pipelines::ItemSchema::parse(boost::json::serialize(*value), settings.source("ITEM_SCHEMA"), false));
}

ValidatePipeline::ValidatePipeline(pipelines::ItemSchema schema) : schema_(std::move(schema)) {}

boost::asio::awaitable<ItemAction> ValidatePipeline::process_item(Item item, Spider&)
{
    if (auto violation = schema_.check(item)) {
        logger_.warning("Invalid {} item: {}", item.kind(), violation->message);
        Drop drop{"invalid/" + violation->key};
        co_return drop;
    }
    co_return item;
}

} // namespace trawl
