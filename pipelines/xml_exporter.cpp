#include "xml_exporter.hpp"

#include "feed_text.hpp"

namespace trawl {

namespace {

// XML 1.0's NameStartChar, without ':' (a name with a colon is a namespace
// error for a namespace-aware parser).
bool is_name_start(char32_t c) noexcept
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || (c >= 0xC0 && c <= 0xD6) ||
           (c >= 0xD8 && c <= 0xF6) || (c >= 0xF8 && c <= 0x2FF) || (c >= 0x370 && c <= 0x37D) ||
           (c >= 0x37F && c <= 0x1FFF) || (c >= 0x200C && c <= 0x200D) || (c >= 0x2070 && c <= 0x218F) ||
           (c >= 0x2C00 && c <= 0x2FEF) || (c >= 0x3001 && c <= 0xD7FF) || (c >= 0xF900 && c <= 0xFDCF) ||
           (c >= 0xFDF0 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0xEFFFF);
}

bool is_name_char(char32_t c) noexcept
{
    return is_name_start(c) || c == '-' || c == '.' || (c >= '0' && c <= '9') || c == 0xB7 ||
           (c >= 0x300 && c <= 0x36F) || (c >= 0x203F && c <= 0x2040);
}

// XML 1.0's Char production.
bool is_xml_char(char32_t c) noexcept
{
    return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) ||
           (c >= 0x10000 && c <= 0x10FFFF);
}

} // namespace

XmlExporter::XmlExporter(ByteSink& sink, FeedExporterOptions options) : sink_(sink), options_(std::move(options))
{
    // Only checked: the document is UTF-8 whether the encoding is set or not.
    feed::is_utf8_encoding(options_.encoding);
    feed::check_known_options(options_.kwargs, {"item_element", "root_element"}, "xml");
    item_element_ = element_name(feed::string_option(options_.kwargs, "item_element", "xml").value_or("item"));
    root_element_ = element_name(feed::string_option(options_.kwargs, "root_element", "xml").value_or("items"));
    if (options_.indent && *options_.indent < 0) {
        options_.indent = 0;
    }
}

std::string XmlExporter::element_name(std::string_view name)
{
    std::string out;
    out.reserve(name.size() + 1);
    std::size_t pos = 0;
    while (pos < name.size()) {
        char32_t c = 0;
        const std::size_t length = feed::decode_utf8(name, pos, c);
        if (out.empty() && !is_name_start(c) && is_name_char(c)) {
            out.push_back('_');
        }
        if (is_name_char(c) && c != feed::replacement_character) {
            out.append(name.substr(pos, length));
        } else {
            out.push_back('_');
        }
        pos += length;
    }
    if (out.empty()) {
        out.push_back('_');
    }
    return out;
}

void XmlExporter::append_text(std::string& out, std::string_view text)
{
    std::size_t pos = 0;
    while (pos < text.size()) {
        char32_t c = 0;
        const std::size_t length = feed::decode_utf8(text, pos, c);
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '\r': out += "&#13;"; break;
        default:
            if (c == feed::replacement_character) {
                feed::append_utf8(out, c);
            } else if (is_xml_char(c)) {
                out.append(text.substr(pos, length));
            }
        }
        pos += length;
    }
}

void XmlExporter::start()
{
    buffer_ = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<" + root_element_ + ">";
    newline(true);
    sink_.write(buffer_);
    buffer_.clear();
}

void XmlExporter::export_item(const Item& item)
{
    buffer_.clear();
    indent(1);
    buffer_ += '<' + item_element_ + '>';
    newline();
    // Scrapy exports a missing field as "" here, where JSON has null.
    static const boost::json::value empty_string = boost::json::string();
    feed::for_each_exported_field(item, options_, [&](std::string_view name, const boost::json::value* value) {
        append_field(name, value ? *value : empty_string, 2);
    });
    indent(1);
    buffer_ += "</" + item_element_ + '>';
    newline(true);
    sink_.write(buffer_);
}

void XmlExporter::finish()
{
    sink_.write("</" + root_element_ + ">");
}

void XmlExporter::append_field(std::string_view name, const boost::json::value& value, int depth)
{
    const std::string element = element_name(name);
    indent(depth);
    buffer_ += '<';
    buffer_ += element;
    if (value.is_string() && !feed::is_valid_utf8(value.get_string())) {
        // XML can carry neither the bytes nor the surrogates Python would
        // make of them: base64 keeps them, and the attribute says so.
        ++escaped_strings_;
        buffer_ += " encoding=\"base64\">";
        buffer_ += feed::base64(value.get_string());
        buffer_ += "</";
        buffer_ += element;
        buffer_ += '>';
        newline();
        return;
    }
    buffer_ += '>';
    if (value.is_object()) {
        newline();
        for (const auto& member : value.get_object()) {
            append_field(member.key(), member.value(), depth + 1);
        }
        indent(depth);
    } else if (value.is_array()) {
        newline();
        for (const auto& element_value : value.get_array()) {
            append_field("value", element_value, depth + 1);
        }
        indent(depth);
    } else if (value.is_string()) {
        append_text(buffer_, value.get_string());
    } else {
        append_text(buffer_, feed::python_scalar_text(value, "None"));
    }
    buffer_ += "</";
    buffer_ += element;
    buffer_ += '>';
    newline();
}

void XmlExporter::newline(bool new_item)
{
    // Scrapy's _beautify_newline: item boundaries get a newline whenever an
    // indent is set (even 0), everything else only when it is positive.
    if (options_.indent && (*options_.indent > 0 || new_item)) {
        buffer_.push_back('\n');
    }
}

void XmlExporter::indent(int depth)
{
    if (options_.indent && *options_.indent > 0) {
        buffer_.append(static_cast<std::size_t>(*options_.indent * depth), ' ');
    }
}

} // namespace trawl
