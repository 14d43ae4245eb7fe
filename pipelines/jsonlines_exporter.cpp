#include "jsonlines_exporter.hpp"

#include "feed_text.hpp"

namespace trawl {

JsonLinesExporter::JsonLinesExporter(ByteSink& sink, FeedExporterOptions options)
    : sink_(sink), options_(std::move(options)), ensure_ascii_(!feed::is_utf8_encoding(options_.encoding))
{
    feed::check_known_options(options_.kwargs, {"ensure_ascii"}, "jsonlines");
    ensure_ascii_ = feed::bool_option(options_.kwargs, "ensure_ascii", "jsonlines").value_or(ensure_ascii_);
}

void JsonLinesExporter::export_item(const Item& item)
{
    line_.clear();
    escaped_strings_ += feed::append_item_json(line_, item, options_, feed::JsonStyle{ensure_ascii_, std::nullopt});
    line_.push_back('\n');
    sink_.write(line_);
}

} // namespace trawl
