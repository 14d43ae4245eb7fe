#pragma once
// Item pipelines: each item goes through them in ascending priority order.
// They run on the pipelines' own executor (never the loop), one item at a
// time per pipeline in order, up to CONCURRENT_ITEMS items in flight.

#include <trawl/item.hpp>

#include <boost/asio/awaitable.hpp>

#include <string>
#include <variant>

namespace trawl {

class Spider;

/// Drops the item; the reason goes to stats (item_dropped_reasons_count/REASON) and the log.
struct Drop {
    std::string reason;
};

using ItemAction = std::variant<Item, Drop>;

class ItemPipeline {
public:
    virtual ~ItemPipeline() = default;
    virtual boost::asio::awaitable<void> open_spider(Spider& spider);
    virtual boost::asio::awaitable<ItemAction> process_item(Item item, Spider& spider) = 0;
    /// Always called, also after a failed or interrupted crawl: flush here.
    virtual boost::asio::awaitable<void> close_spider(Spider& spider);
};

} // namespace trawl
