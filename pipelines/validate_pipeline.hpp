#pragma once
// "validate": drops items that do not match ITEM_SCHEMA (item_schema.hpp).
// Enable it with ITEM_PIPELINES: {validate: 100} and ITEM_SCHEMA, either a
// path to a YAML file or the schema inline in the settings. A bad schema
// fails the crawl at start-up (SettingsError naming file and line).
//
// An invalid item is dropped with the reason "invalid/FIELD/RULE"
// ("invalid/price/required"), so stats count
// item_dropped_reasons_count/invalid/price/required; the log line says
// what was wrong ("missing required field 'price'").

#include "item_schema.hpp"

#include <trawl/item_pipeline.hpp>
#include <trawl/log.hpp>

#include <memory>

namespace trawl {

class Crawler;

class ValidatePipeline final : public ItemPipeline {
public:
    /// Throws NotConfigured when ITEM_SCHEMA is unset or null, SettingsError
    /// for a schema that does not parse.
    static std::unique_ptr<ValidatePipeline> from_crawler(Crawler& crawler);

    explicit ValidatePipeline(pipelines::ItemSchema schema);

    boost::asio::awaitable<ItemAction> process_item(Item item, Spider& spider) override;

private:
    pipelines::ItemSchema schema_;
    Logger logger_{"trawl.pipelines.validate"};
};

} // namespace trawl
