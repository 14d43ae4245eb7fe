#pragma once
// XML ("xml"), as Scrapy's XmlItemExporter writes it. With
// FEED_EXPORT_INDENT 0 (the default) each item is on a line of its own:
//   <?xml version="1.0" encoding="utf-8"?>\n<items>\n
//   <item><name>Color TV</name><tags><value>a</value><value>b</value></tags></item>\n
//   </items>
// with indent N > 0 every element is on its own line, N spaces per level;
// with indent unset nothing is broken. A list becomes <value> children, an
// object its members as child elements; true/false are True/False and null
// is None, as Python's str() writes them (Scrapy's output).
//
// Differences from Scrapy, which writes whatever it is given:
// - Text: &, < and > are escaped, and a carriage return as &#13; (a parser
//   would read a raw one as \n). Characters XML 1.0 forbids (controls other
//   than tab, newline and carriage return; U+FFFE, U+FFFF) are removed.
// - A string that is not valid UTF-8 (which XML cannot hold, even escaped)
//   is written in base64, its element marked so:
//   <name encoding="base64">YWL/</name> for the bytes "ab\xff".
// - Element names: a field name that is not an XML name has each character
//   an XML name cannot hold (space, '$', '/', ':', ...) replaced by '_', and
//   is prefixed with '_' if it starts with one a name cannot start with
//   (a digit, '-', '.'); an empty name becomes "_". So "price ($)" is
//   written <price____> and "2nd" <_2nd>. Two names may end up the same.
// The document is valid once finish() has run: a feed that is appended to
// holds two documents, which the feed warns about.
// Options (item_export_kwargs): item_element (default "item"),
// root_element (default "items").

#include <trawl/feed_exporter.hpp>

#include <boost/json/value.hpp>

#include <string>
#include <string_view>

namespace trawl {

class XmlExporter final : public FeedExporter {
public:
    /// Throws std::invalid_argument for an unsupported encoding or option.
    XmlExporter(ByteSink& sink, FeedExporterOptions options);

    void start() override;
    void export_item(const Item& item) override;
    void finish() override;
    bool appendable() const noexcept override { return false; }

    /// `name` made a valid XML element name, as described above.
    static std::string element_name(std::string_view name);
    /// `text` as XML character data, as described above.
    static void append_text(std::string& out, std::string_view text);

private:
    void append_field(std::string_view name, const boost::json::value& value, int depth);
    void newline(bool new_item = false);
    void indent(int depth);

    ByteSink& sink_;
    FeedExporterOptions options_;
    std::string item_element_;
    std::string root_element_;
    std::string buffer_;  // reused: its capacity stays
};

} // namespace trawl
