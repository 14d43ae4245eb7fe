#pragma once
// JSON lines ("jsonlines", also "jsonl" and "jl"): one JSON object per item
// and line, as Scrapy's JsonLinesItemExporter writes it:
//   {"text": "It is our choices", "tags": ["change", "deep-thoughts"]}\n
// json.dumps' layout (", " and ": "), fields in the item's order (or
// FEED_EXPORT_FIELDS'). Each line is complete on its own, so a feed that is
// appended to, or cut short, keeps every line it has. FEED_EXPORT_INDENT is
// ignored, as Scrapy does.
// Options: ensure_ascii (bool) overrides what the encoding implies.

#include <trawl/feed_exporter.hpp>

#include <string>

namespace trawl {

class JsonLinesExporter final : public FeedExporter {
public:
    /// Throws std::invalid_argument for an unsupported encoding or option.
    JsonLinesExporter(ByteSink& sink, FeedExporterOptions options);

    void export_item(const Item& item) override;

private:
    ByteSink& sink_;
    FeedExporterOptions options_;
    bool ensure_ascii_;
    std::string line_;  // reused: its capacity stays
};

} // namespace trawl
