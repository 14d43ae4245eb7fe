#include "json_exporter.hpp"

#include "feed_text.hpp"

namespace trawl {

JsonExporter::JsonExporter(ByteSink& sink, FeedExporterOptions options)
    : sink_(sink), options_(std::move(options))
{
    feed::check_known_options(options_.kwargs, {"ensure_ascii"}, "json");
    style_.ensure_ascii = feed::bool_option(options_.kwargs, "ensure_ascii", "json")
                              .value_or(!feed::is_utf8_encoding(options_.encoding));
    // Scrapy passes indent to json.dumps only when positive: 0 means "one
    // item per line", not json.dumps' "newlines without indentation".
    if (options_.indent && *options_.indent > 0) {
        style_.indent = *options_.indent;
    }
}

void JsonExporter::start()
{
    sink_.write(options_.indent ? "[\n" : "[");
}

void JsonExporter::export_item(const Item& item)
{
    buffer_.clear();
    if (!first_) {
        buffer_ += options_.indent ? ",\n" : ",";
    }
    first_ = false;
    escaped_strings_ += feed::append_item_json(buffer_, item, options_, style_);
    sink_.write(buffer_);
}

void JsonExporter::finish()
{
    sink_.write(options_.indent ? "\n]" : "]");
}

} // namespace trawl
