#pragma once
// The FEEDS setting read into one FeedConfig per feed, as Scrapy reads it:
//   FEEDS:
//     "items/%(name)s-%(time)s.jsonl": {format: jsonlines, overwrite: true}
//     "file:///tmp/books.csv": {fields: [title, price]}
//     "stdout:": {format: json}
// Each key is a URI: a local path (relative to the working directory), a
// file:// URI (percent-decoded, host empty or "localhost") or "stdout:"
// (FEED_STORAGES / FEED_STORAGES_BASE map schemes to a FeedStorageRegistry
// name, feed_storage.hpp: "file" or "stdout").
// Placeholders, as Python's % formatting: %(name)s the spider's name,
// %(time)s the UTC start time ("2024-05-01T12-00-00"), %(batch_time)s the
// UTC time the batch (file) started, with microseconds, %(batch_id)d the
// batch's number (1, 2, ...; %(batch_id)05d pads), and %(ARG)s any -a
// argument; %% is a '%'. Any other '%' stays as it is (so percent-encoded
// URIs work).
//
// Options, each falling back to a setting as in Scrapy:
//   format       FEED_EXPORTERS(_BASE) key or exporter name; if missing, the
//                file's extension (.jsonl .jl .json .csv .xml)
//   overwrite    bool, default false: append, as Scrapy's -o (-O sets true)
//   encoding     FEED_EXPORT_ENCODING          store_empty  FEED_STORE_EMPTY
//   fields       FEED_EXPORT_FIELDS (list, or dict field -> output name)
//   indent       FEED_EXPORT_INDENT
//   item_classes kinds of items to write (trawl's kinds stand for Scrapy's
//                item classes); empty or missing: every item
//   item_export_kwargs  export_empty_fields, and the format's own options
//   batch_item_count    FEED_EXPORT_BATCH_ITEM_COUNT: N > 0 starts a new
//                file every N items; the URI must then hold %(batch_id)d
//                or %(batch_time)s (else SettingsError, as Scrapy)
// Unknown options are warned about and ignored, as Scrapy ignores them.

#include "extensions/feed_uri.hpp"

#include <trawl/feed_exporter.hpp>
#include <trawl/settings.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace trawl {

class Spider;

struct FeedConfig {
    std::string uri;           ///< placeholders substituted (batch 1's)
    std::string storage = "file";  ///< a FeedStorageRegistry name
    std::filesystem::path path;  ///< for the "file" storage
    std::string format;        ///< as configured or inferred ("jl", "json")
    std::string exporter;      ///< the FeedExporterRegistry name ("jsonlines")
    bool overwrite = false;
    bool store_empty = false;
    std::vector<std::string> item_classes;
    FeedExporterOptions options;
    /// Items per file; 0: one file.
    std::int64_t batch_item_count = 0;
    /// The URI as configured and the placeholders' values, for the URIs
    /// of later batches (feed_batch_config).
    std::string uri_template;
    std::map<std::string, std::string> uri_params;
};

/// Reads FEEDS with the FEED_* fallbacks. `now` fills %(time)s. Throws
/// SettingsError naming FEEDS' source, the feed and what is wrong.
std::vector<FeedConfig> read_feed_configs(const Settings& settings, const Spider& spider,
                                          std::chrono::system_clock::time_point now);

/// `first` for batch `batch_id` started at `now`: its uri and path with
/// %(batch_id)d and %(batch_time)s substituted anew. Throws
/// std::invalid_argument when the URI no longer names a file.
FeedConfig feed_batch_config(const FeedConfig& first, std::int64_t batch_id,
                             std::chrono::system_clock::time_point now);

} // namespace trawl
