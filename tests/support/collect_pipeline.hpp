#pragma once
// An item pipeline for tests: keeps every item that reaches it, so a test
// can check what came out of a crawl.

#include <trawl/item.hpp>
#include <trawl/item_pipeline.hpp>

#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace trawl::testing {

struct Collected {
    std::mutex mutex;
    std::vector<Item> items;
    std::multiset<std::string> urls;  ///< for spiders that record the pages they saw
};

class CollectPipeline final : public ItemPipeline {
public:
    explicit CollectPipeline(Collected& collected) : collected_(collected) {}
    boost::asio::awaitable<ItemAction> process_item(Item item, Spider&) override
    {
        {
            std::lock_guard lock{collected_.mutex};
            collected_.items.push_back(item);
        }
        co_return item;
    }

private:
    Collected& collected_;
};

} // namespace trawl::testing
