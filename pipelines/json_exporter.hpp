#pragma once
// JSON ("json"): one array of the items, as Scrapy's JsonItemExporter
// writes it. With FEED_EXPORT_INDENT 0 (the default) each item is on a line
// of its own:
//   [\n{"a": 1},\n{"a": 2}\n]
// with indent N > 0 each item is pretty-printed with N spaces per level
// (json.dumps(indent=N)); with indent unset nothing is broken: [{"a": 1},{"a": 2}].
// The document is valid once finish() has run: a feed that is appended to
// holds two arrays (invalid JSON), which the feed warns about.
// NaN and infinities are written as null (Python writes NaN / Infinity,
// which is not JSON).
// Options: ensure_ascii (bool) overrides what the encoding implies.

#include <trawl/feed_exporter.hpp>

#include "feed_text.hpp"

#include <string>

namespace trawl {

class JsonExporter final : public FeedExporter {
public:
    /// Throws std::invalid_argument for an unsupported encoding or option.
    JsonExporter(ByteSink& sink, FeedExporterOptions options);

    void start() override;
    void export_item(const Item& item) override;
    void finish() override;
    bool appendable() const noexcept override { return false; }

private:
    ByteSink& sink_;
    FeedExporterOptions options_;
    feed::JsonStyle style_;
    bool first_ = true;
    std::string buffer_;  // reused: its capacity stays
};

} // namespace trawl
