#pragma once
// "dedup": drops an item whose key was seen before in this crawl (Scrapy's
// docs' DuplicatesPipeline). DEDUP_FIELDS names the fields forming the
// key, for every kind or per kind (kind_fields.hpp):
//   ITEM_PIPELINES: {dedup: 200}
//   DEDUP_FIELDS: {book: [isbn], "*": [url]}
// Duplicates are dropped with the reason "duplicate". Kinds without key
// fields, and items holding none of their key fields, pass.
//
// Memory stays bounded by the number of distinct items, not their size:
// only a 128-bit hash of (kind, key values) is kept, 16 bytes plus the set's
// overhead per item.

#include "kind_fields.hpp"

#include <trawl/item_pipeline.hpp>
#include <trawl/log.hpp>

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_set>

namespace trawl {

class Crawler;

class DedupPipeline final : public ItemPipeline {
public:
    /// Throws NotConfigured when DEDUP_FIELDS is unset, SettingsError when
    /// it has the wrong shape.
    static std::unique_ptr<DedupPipeline> from_crawler(Crawler& crawler);

    explicit DedupPipeline(pipelines::KindFields fields);

    boost::asio::awaitable<ItemAction> process_item(Item item, Spider& spider) override;

    /// The 128-bit key of `item` under `fields`, or nothing when it holds
    /// none of them. Exposed for tests.
    struct Key {
        std::uint64_t high = 0;
        std::uint64_t low = 0;
        friend bool operator==(const Key&, const Key&) = default;
    };
    static std::optional<Key> key_of(const Item& item, const std::vector<std::string>& fields);

    std::size_t seen_count() const;

private:
    struct KeyHash {
        std::size_t operator()(const Key& key) const noexcept { return static_cast<std::size_t>(key.low); }
    };

    pipelines::KindFields fields_;
    mutable std::mutex mutex_;  // items may reach process_item from more than one pool thread
    std::unordered_set<Key, KeyHash> seen_;
    Logger logger_{"trawl.pipelines.dedup"};
};

} // namespace trawl
