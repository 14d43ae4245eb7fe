#pragma once
// Shared by the exporter tests: items from JSON text (field order kept) and
// a run of an exporter over them into memory.

#include <trawl/feed_exporter.hpp>
#include <trawl/item.hpp>

#include <boost/json/parse.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace trawl::test {

inline Item item_from(std::string_view json, std::string kind = "thing")
{
    return Item{std::move(kind), boost::json::parse(json).as_object()};
}

/// The two items Scrapy's exporters were run on to get the expected bytes
/// (Scrapy 2.8, Debian's python3-scrapy): strings with quotes, commas, line
/// breaks, non-ASCII and control characters; numbers; booleans; null;
/// nested lists and objects; a second item with other fields.
inline std::vector<Item> sample_items()
{
    return {item_from(R"({"text": "He said \"hi\", then\nleft", "n": 3, "f": 1.5, "b": true, "none": null,
                         "tags": ["a", "b,c"], "nested": {"k": [1, {"x": "y"}], "e": [], "o": {}},
                         "uni": "caf\u00e9 \u2013 \u65e5\u672c \ud83c\udf89", "ctrl": "a\u0001b\u007f\tc\r"})"),
            item_from(R"({"n": -2, "text": "second", "extra": 1e16, "small": 0.00001,
                         "big": 12345678901234567890})")};
}

template <class Exporter>
std::string run_exporter(const std::vector<Item>& items, FeedExporterOptions options = {})
{
    StringSink sink;
    Exporter exporter(sink, std::move(options));
    exporter.start();
    for (const auto& item : items) {
        exporter.export_item(item);
    }
    exporter.finish();
    return sink.take();
}

inline FeedExporterOptions utf8()
{
    FeedExporterOptions options;
    options.encoding = "utf-8";
    return options;
}

inline FeedExporterOptions indented(std::optional<int> indent)
{
    FeedExporterOptions options;
    options.indent = indent;
    return options;
}

inline std::vector<FeedField> fields(std::initializer_list<std::pair<const char*, const char*>> pairs)
{
    std::vector<FeedField> out;
    for (const auto& [field, output] : pairs) {
        out.push_back(FeedField{field, output});
    }
    return out;
}

} // namespace trawl::test
