#pragma once
// Feed exporters: turn items into the bytes of a feed format, as Scrapy's
// item exporters do. The "feedexport" extension (FEEDS) drives one per feed:
// start() once, export_item() for each item, finish() once, each call
// appending to a ByteSink; it writes those bytes to the file elsewhere.
//
// Built-in formats, byte for byte as Scrapy 2.8 writes them (differences
// are listed in each exporter's header, pipelines/*_exporter.hpp):
//   "jsonlines" (FEED_EXPORTERS_BASE also maps "jsonl" and "jl" to it),
//   "json", "csv", "xml".
// The item's kind is not written: Scrapy items have no kind, and a feed of
// Scrapy's shape is what downstream tools expect. Select items by kind with
// the feed option `item_classes` (trawl reads Scrapy's item classes as kinds).
//
// Text: item strings are UTF-8. Bytes that are not (a page in another
// encoding, a binary value) are kept, never replaced, each format escaping
// them as losslessly as it can, as Python's "surrogateescape" error handler
// does:
//   JSON, JSON lines  each invalid byte 0xNN is written \udcNN, the lone
//                     surrogate surrogateescape decodes it to, with or
//                     without ensure_ascii (a lone surrogate has no UTF-8
//                     form). Python reads it back with json.loads(line)
//                     and s.encode("utf-8", "surrogateescape").
//   CSV               the bytes as they are (a CSV file is bytes; read it
//                     with errors="surrogateescape" to get them back).
//   XML               cannot hold them in any form (no raw bytes, no
//                     surrogates, not even as &#xDCNN;): a value holding
//                     invalid UTF-8 is written in base64 and its element
//                     marked <field encoding="base64">, which no clean value
//                     has. Invalid bytes in field names become '_' (names
//                     are rewritten anyway, xml_exporter.hpp).
// escaped_strings() counts the strings escaped so (the feed warns once).
// Encoding: as Scrapy's FEED_EXPORT_ENCODING, `encoding` unset (null, the
// default) writes JSON and JSON lines ASCII-only, with \uXXXX escapes for
// anything else, and CSV and XML as UTF-8; "utf-8" writes UTF-8 everywhere
// (what Scrapy's project template sets). Other encodings are refused
// (std::invalid_argument).
//
// Numbers, booleans and null are written as Scrapy writes Python's: 1.5,
// 1e-05, 1e+16, true/false/null in JSON, True/False in CSV and XML.

#include <trawl/item.hpp>

#include <boost/json/object.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace trawl {

/// Where an exporter writes: bytes appended in call order.
class ByteSink {
public:
    virtual ~ByteSink() = default;
    virtual void write(std::string_view bytes) = 0;
};

/// A sink into memory, e.g. to serialise an item on one thread and hand
/// the bytes to another.
class StringSink final : public ByteSink {
public:
    void write(std::string_view bytes) override { buffer_.append(bytes); }
    const std::string& str() const noexcept { return buffer_; }
    /// The bytes written so far; the sink is empty afterwards.
    std::string take() noexcept { return std::exchange(buffer_, std::string{}); }
    void clear() noexcept { buffer_.clear(); }

private:
    std::string buffer_;
};

/// One exported field: the item's field and the name it is written under
/// (FEED_EXPORT_FIELDS as a list names both the same; as a dict, it maps
/// field -> output name).
struct FeedField {
    std::string field;
    std::string output;
    friend bool operator==(const FeedField&, const FeedField&) = default;
};

/// Scrapy's exporter options (a feed's options with FEED_EXPORT_* as
/// fallbacks).
struct FeedExporterOptions {
    /// FEED_EXPORT_FIELDS / `fields`: what to write and in which order.
    /// Unset: each item's own fields in their order (CSV: the first item's,
    /// for every row). Set: only these; JSON, JSON lines and XML skip the
    /// ones an item lacks unless export_empty_fields, CSV writes "".
    std::optional<std::vector<FeedField>> fields;
    /// FEED_EXPORT_ENCODING / `encoding`: unset, or "utf-8" (any case,
    /// also "utf8", "utf_8").
    std::optional<std::string> encoding;
    /// FEED_EXPORT_INDENT / `indent`: JSON and XML pretty-print with this
    /// many spaces per level when > 0; 0 puts each item on its own line;
    /// unset writes no newlines at all. JSON lines ignores it.
    std::optional<int> indent = 0;
    /// item_export_kwargs' export_empty_fields.
    bool export_empty_fields = false;
    /// The rest of item_export_kwargs, read by the exporter of the format
    /// (XML: item_element, root_element; CSV: include_headers_line,
    /// join_multivalued). A key the exporter does not know is refused.
    boost::json::object kwargs;
};

/// A feed format's serialiser. Not thread-safe: one thread drives it.
class FeedExporter {
public:
    virtual ~FeedExporter() = default;
    /// The format's opening bytes (JSON's "[", XML's declaration and root).
    virtual void start() {}
    virtual void export_item(const Item& item) = 0;
    /// The closing bytes; the output is complete afterwards.
    virtual void finish() {}
    /// Whether appending a second run's output to a first one's still makes
    /// a valid file (JSON lines, CSV) or not (JSON, XML: the feed warns).
    virtual bool appendable() const noexcept { return true; }
    /// How many strings held bytes that are not UTF-8 (escaped as the
    /// format does, above).
    std::uint64_t escaped_strings() const noexcept { return escaped_strings_; }

protected:
    /// Exporters add the strings they escaped.
    std::uint64_t escaped_strings_ = 0;
};

/// Builds an exporter writing to `sink`, which outlives it. Throws
/// std::invalid_argument for options it cannot honour.
using FeedExporterFactory =
    std::function<std::unique_ptr<FeedExporter>(ByteSink& sink, const FeedExporterOptions& options)>;

/// Exporters by name. FEED_EXPORTERS_BASE / FEED_EXPORTERS map a feed's
/// format ("jl", "json", ...) to one of these names; a user adds a format
/// with add() before the crawl and maps it in FEED_EXPORTERS (or names it
/// directly as the feed's format). Thread-safe.
class FeedExporterRegistry {
public:
    /// The process's registry, with the built-ins ("jsonlines", "json",
    /// "csv", "xml") registered.
    static FeedExporterRegistry& instance();

    /// An empty registry.
    FeedExporterRegistry() = default;
    FeedExporterRegistry(const FeedExporterRegistry&) = delete;
    FeedExporterRegistry& operator=(const FeedExporterRegistry&) = delete;

    /// Registers `factory` under `name`, replacing an earlier one. An empty
    /// factory throws std::invalid_argument.
    void add(std::string name, FeedExporterFactory factory);
    bool contains(std::string_view name) const;
    std::vector<std::string> names() const;
    /// Throws std::invalid_argument for an unknown name (naming the known
    /// ones) and whatever the factory throws.
    std::unique_ptr<FeedExporter> create(std::string_view name, ByteSink& sink,
                                         const FeedExporterOptions& options) const;

private:
    mutable std::mutex mutex_;
    std::map<std::string, FeedExporterFactory, std::less<>> factories_;
};

/// Registers "jsonlines", "json", "csv" and "xml".
void register_builtin_feed_exporters(FeedExporterRegistry& registry);

} // namespace trawl
