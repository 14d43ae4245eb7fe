#include "dedup_pipeline.hpp"

#include <trawl/components.hpp>
#include <trawl/crawler.hpp>

#include <boost/json/serialize.hpp>

#include <openssl/evp.h>

#include <array>
#include <cstring>
#include <stdexcept>

namespace trawl {

std::unique_ptr<DedupPipeline> DedupPipeline::from_crawler(Crawler& crawler)
{
    auto fields = pipelines::KindFields::from_setting(crawler.settings(), "DEDUP_FIELDS");
    if (fields.empty()) {
        throw NotConfigured{"DEDUP_FIELDS is not set"};
    }
    return std::make_unique<DedupPipeline>(std::move(fields));
}

DedupPipeline::DedupPipeline(pipelines::KindFields fields) : fields_(std::move(fields)) {}

std::optional<DedupPipeline::Key> DedupPipeline::key_of(const Item& item, const std::vector<std::string>& fields)
{
    // Each part is length-prefixed so that ("ab", "c") and ("a", "bc") differ;
    // a missing field and a null one differ too.
    std::string material;
    auto append = [&material](std::string_view part) {
        const auto size = static_cast<std::uint64_t>(part.size());
        material.append(reinterpret_cast<const char*>(&size), sizeof size);
        material.append(part);
    };
    append(item.kind());
    bool any = false;
    for (const auto& field : fields) {
        if (const auto* value = item.fields().if_contains(field)) {
            any = true;
            material.push_back('=');
            append(boost::json::serialize(*value));
        } else {
            material.push_back('-');
        }
    }
    if (!any) {
        return std::nullopt;
    }
    // SHA-256 cut to 128 bits: no accidental collision in any crawl's
    // lifetime, at 16 bytes a key.
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    if (EVP_Digest(material.data(), material.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1) {
        throw std::runtime_error{"dedup: SHA-256 failed"};
    }
    Key key;
    std::memcpy(&key.high, digest.data(), sizeof key.high);
    std::memcpy(&key.low, digest.data() + sizeof key.high, sizeof key.low);
    return key;
}

boost::asio::awaitable<ItemAction> DedupPipeline::process_item(Item item, Spider&)
{
    const auto& fields = fields_.for_kind(item.kind());
    if (!fields.empty()) {
        if (auto key = key_of(item, fields)) {
            bool inserted = false;
            {
                std::lock_guard lock{mutex_};
                inserted = seen_.insert(*key).second;
            }
            if (!inserted) {
                logger_.debug("Duplicate {} item: {}", item.kind(), boost::json::serialize(item.fields()));
                Drop drop{"duplicate"};
                co_return drop;
            }
        }
    }
    co_return item;
}

std::size_t DedupPipeline::seen_count() const
{
    std::lock_guard lock{mutex_};
    return seen_.size();
}

} // namespace trawl
