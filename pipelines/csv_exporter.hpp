#pragma once
// CSV ("csv"), as Scrapy's CsvItemExporter writes it (Python's csv module,
// excel dialect): a header row, then one row per item, each ended by
// "\r\n" (RFC 4180). A value is quoted when it holds the delimiter, a quote
// or a line break, and its quotes are doubled; a row of one empty value is
// written "" so that it is not a blank line.
//
// Columns: FEED_EXPORT_FIELDS (a dict renames: field -> header), else the
// first item's fields. A later item's other fields are dropped and its
// missing ones are empty, as in Scrapy. Nothing at all (no header) is
// written for a feed without items.
//
// Values: strings as they are (bytes that are not UTF-8 too: lossless, a
// CSV file is bytes; objects and lists written as JSON escape them as
// \udcNN instead); lists of strings joined with "," (the
// join_multivalued option); true/false as True/False and null as "", as
// Python's csv writes them. Where Scrapy writes Python's repr() (objects,
// lists holding non-strings) trawl writes the value as JSON
// (`[1, 2]`, `{"a": 1}`), which reads back.
// Options (item_export_kwargs): include_headers_line (bool, default true),
// join_multivalued (string, default ","), delimiter (one character,
// default ",").

#include <trawl/feed_exporter.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace trawl {

class CsvExporter final : public FeedExporter {
public:
    /// Throws std::invalid_argument for an unsupported encoding or option.
    CsvExporter(ByteSink& sink, FeedExporterOptions options);

    void export_item(const Item& item) override;

private:
    void append_cell(std::string_view text);
    void end_row();
    std::string cell_text(const boost::json::value& value);
    void count_escaped(std::string_view text);

    ByteSink& sink_;
    FeedExporterOptions options_;
    bool include_headers_line_ = true;
    std::string join_multivalued_ = ",";
    char delimiter_ = ',';
    std::string specials_;  // what makes a value quoted: the delimiter, '"', CR, LF
    bool headers_written_ = false;
    std::string row_;  // reused: its capacity stays
    std::size_t cells_ = 0;
    bool last_cell_empty_ = false;
};

} // namespace trawl
