#include "csv_exporter.hpp"

#include "feed_text.hpp"

#include <stdexcept>

namespace trawl {

CsvExporter::CsvExporter(ByteSink& sink, FeedExporterOptions options) : sink_(sink), options_(std::move(options))
{
    // Only checked: CSV is UTF-8 whether the encoding is set or not.
    feed::is_utf8_encoding(options_.encoding);
    feed::check_known_options(options_.kwargs, {"include_headers_line", "join_multivalued", "delimiter"}, "csv");
    include_headers_line_ = feed::bool_option(options_.kwargs, "include_headers_line", "csv").value_or(true);
    join_multivalued_ = feed::string_option(options_.kwargs, "join_multivalued", "csv").value_or(",");
    const auto delimiter = feed::string_option(options_.kwargs, "delimiter", "csv").value_or(",");
    if (delimiter.size() != 1 || delimiter == "\"" || delimiter == "\r" || delimiter == "\n") {
        throw std::invalid_argument("csv exporter: option 'delimiter' must be one character other than a quote "
                                    "or a line break");
    }
    delimiter_ = delimiter.front();
    specials_ = {delimiter_, '"', '\r', '\n'};
}

void CsvExporter::export_item(const Item& item)
{
    if (!headers_written_) {
        headers_written_ = true;
        // As Scrapy: the first item fixes the columns, but only when a
        // header is written (without one each row has its item's fields).
        if (include_headers_line_) {
            if (!options_.fields) {
                std::vector<FeedField> fields;
                for (const auto& field : item.fields()) {
                    fields.push_back(FeedField{std::string(field.key()), std::string(field.key())});
                }
                options_.fields = std::move(fields);
            }
            for (const FeedField& field : *options_.fields) {
                count_escaped(field.output);
                append_cell(field.output);
            }
            end_row();
        }
    }
    if (options_.fields) {
        for (const FeedField& field : *options_.fields) {
            const boost::json::value* value = item.fields().if_contains(field.field);
            append_cell(value ? cell_text(*value) : std::string{});
        }
    } else {
        for (const auto& field : item.fields()) {
            append_cell(cell_text(field.value()));
        }
    }
    end_row();
}

void CsvExporter::count_escaped(std::string_view text)
{
    // Written as they are (lossless); only counted, for the feed's warning.
    if (!feed::is_valid_utf8(text)) {
        ++escaped_strings_;
    }
}

std::string CsvExporter::cell_text(const boost::json::value& value)
{
    if (value.is_array()) {
        const auto& array = value.get_array();
        bool strings = true;
        for (const auto& element : array) {
            strings = strings && element.is_string();
        }
        if (strings) {
            std::string joined;
            bool first = true;
            for (const auto& element : array) {
                if (!first) {
                    joined += join_multivalued_;
                }
                first = false;
                count_escaped(element.get_string());
                joined += element.get_string();
            }
            return joined;
        }
    }
    if (value.is_array() || value.is_object()) {
        std::string json;
        escaped_strings_ += feed::append_json(json, value, feed::JsonStyle{false, std::nullopt});
        return json;
    }
    if (value.is_string()) {
        count_escaped(value.get_string());
    }
    return feed::python_scalar_text(value, "");
}

void CsvExporter::append_cell(std::string_view text)
{
    if (cells_ > 0) {
        row_.push_back(delimiter_);
    }
    ++cells_;
    last_cell_empty_ = text.empty();
    if (text.find_first_of(specials_) == std::string_view::npos) {
        row_.append(text);
        return;
    }
    row_.push_back('"');
    for (const char c : text) {
        if (c == '"') {
            row_.push_back('"');
        }
        row_.push_back(c);
    }
    row_.push_back('"');
}

void CsvExporter::end_row()
{
    // Python's csv writes a lone empty value quoted, else the row would be
    // a blank line, which readers skip.
    if (cells_ == 1 && last_cell_empty_) {
        row_ += "\"\"";
    }
    row_ += "\r\n";
    sink_.write(row_);
    row_.clear();
    cells_ = 0;
}

} // namespace trawl
