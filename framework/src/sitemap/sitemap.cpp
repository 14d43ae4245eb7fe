#include <trawl/sitemap.hpp>

#include <pugixml.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace trawl {
namespace {

// Entities are left to us: pugixml's parse_escapes would keep an unknown
// reference such as "&xxe;" as literal text, where Scrapy (lxml with
// resolve_entities=False) leaves it out. No parse_doctype either: the DTD is
// skipped without reading a single declaration. Comments and processing
// instructions are not kept, so text around a comment reads as one (lxml's
// remove_comments=True). parse_ws_pcdata stays off: whitespace-only text is
// trimmed away anyway, and not storing it saves a node per line break.
constexpr unsigned parse_options = pugi::parse_cdata | pugi::parse_eol | pugi::parse_wconv_attribute;

std::string_view local_name(const char* name)
{
    const std::string_view n{name};
    const auto colon = n.rfind(':');
    return colon == std::string_view::npos ? n : n.substr(colon + 1);
}

// The length of the whitespace character (Python's str.isspace) starting at
// s[i], or 0.
std::size_t space_at(std::string_view s, std::size_t i)
{
    const auto b = [&](std::size_t k) { return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0u; };
    const unsigned c = b(0);
    if ((c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x20)) {
        return 1;
    }
    if (c == 0xc2 && (b(1) == 0x85 || b(1) == 0xa0)) {
        return 2;
    }
    const unsigned t = b(2);
    if (c == 0xe1 && b(1) == 0x9a && t == 0x80) { // U+1680
        return 3;
    }
    if (c == 0xe2 && b(1) == 0x80 && ((t >= 0x80 && t <= 0x8a) || t == 0xa8 || t == 0xa9 || t == 0xaf)) {
        return 3; // U+2000..200A, U+2028, U+2029, U+202F
    }
    if (c == 0xe2 && b(1) == 0x81 && t == 0x9f) { // U+205F
        return 3;
    }
    if (c == 0xe3 && b(1) == 0x80 && t == 0x80) { // U+3000
        return 3;
    }
    return 0;
}

// The same check backwards: the length of a whitespace character ending
// just before s[end], or 0.
std::size_t space_before(std::string_view s, std::size_t end)
{
    for (std::size_t len = 1; len <= 3 && len <= end; ++len) {
        if (space_at(s, end - len) == len) {
            return len;
        }
    }
    return 0;
}

void strip(std::string& s)
{
    std::size_t end = s.size();
    while (const std::size_t n = space_before(s, end)) {
        end -= n;
    }
    s.resize(end);
    std::size_t begin = 0;
    while (const std::size_t n = space_at(s, begin)) {
        begin += n;
    }
    s.erase(0, begin);
}

void append_utf8(std::string& out, std::uint32_t cp)
{
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xc0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xe0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    } else {
        out.push_back(static_cast<char>(0xf0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    }
}

bool is_name_char(char c)
{
    const auto u = static_cast<unsigned char>(c);
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
           c == '.' || c == ':' || u >= 0x80;
}

// Decodes the reference "&...;" whose body (between '&' and ';') is `ref`,
// appending its text. False if `ref` is not a well-formed reference, so that
// the '&' stays as written (real sitemaps have "?a=1&b=2").
bool decode_reference(std::string_view ref, std::string& out)
{
    if (ref.empty()) {
        return false;
    }
    if (ref[0] == '#') {
        const bool hex = ref.size() > 1 && (ref[1] == 'x' || ref[1] == 'X');
        const std::string_view digits = ref.substr(hex ? 2 : 1);
        if (digits.empty()) {
            return false;
        }
        std::uint32_t cp = 0;
        for (const char c : digits) {
            unsigned d = 0;
            if (c >= '0' && c <= '9') {
                d = static_cast<unsigned>(c - '0');
            } else if (hex && c >= 'a' && c <= 'f') {
                d = static_cast<unsigned>(c - 'a' + 10);
            } else if (hex && c >= 'A' && c <= 'F') {
                d = static_cast<unsigned>(c - 'A' + 10);
            } else {
                return false;
            }
            cp = cp * (hex ? 16 : 10) + d;
            if (cp > 0x10ffff) {
                cp = 0x110000; // saturate: stays invalid however many digits follow
            }
        }
        // Not a character XML allows: dropped, as lxml drops it.
        if (cp != 0 && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff)) {
            append_utf8(out, cp);
        }
        return true;
    }
    for (const char c : ref) {
        if (!is_name_char(c)) {
            return false;
        }
    }
    if (ref == "lt") {
        out.push_back('<');
    } else if (ref == "gt") {
        out.push_back('>');
    } else if (ref == "amp") {
        out.push_back('&');
    } else if (ref == "apos") {
        out.push_back('\'');
    } else if (ref == "quot") {
        out.push_back('"');
    }
    // Any other entity is not expanded and leaves no text: never read from
    // a DTD (XXE, billion laughs), and undeclared ones are errors lxml
    // recovers from by dropping them.
    return true;
}

// XML names are short; a longer "&..." is not a reference and costs no scan
// of the rest of the text.
constexpr std::size_t max_reference = 32;

void append_unescaped(std::string_view text, std::string& out)
{
    std::size_t i = 0;
    while (i < text.size()) {
        const std::size_t amp = text.find('&', i);
        if (amp == std::string_view::npos) {
            out.append(text.substr(i));
            return;
        }
        out.append(text.substr(i, amp - i));
        const std::size_t semi = text.substr(0, amp + 2 + max_reference).find(';', amp + 1);
        if (semi != std::string_view::npos && decode_reference(text.substr(amp + 1, semi - amp - 1), out)) {
            i = semi + 1;
        } else {
            out.push_back('&');
            i = amp + 1;
        }
    }
}

// lxml's element.text: the text before the first child element (CDATA read
// as text), then str.strip() as Scrapy does.
std::string element_text(const pugi::xml_node& element)
{
    std::string text;
    for (pugi::xml_node child = element.first_child(); child; child = child.next_sibling()) {
        if (child.type() == pugi::node_pcdata) {
            append_unescaped(child.value(), text);
        } else if (child.type() == pugi::node_cdata) {
            text.append(child.value());
        } else if (child.type() == pugi::node_element) {
            break;
        }
    }
    strip(text);
    return text;
}

std::string attribute_text(const pugi::xml_attribute& attribute)
{
    std::string text;
    append_unescaped(attribute.value(), text);
    strip(text);
    return text;
}

SitemapType type_of(std::string_view root_name)
{
    if (root_name == "urlset") {
        return SitemapType::urlset;
    }
    if (root_name == "sitemapindex") {
        return SitemapType::sitemapindex;
    }
    return SitemapType::unknown;
}

// pugixml stops at the first error but keeps what it built. That tree is
// used only when the root element's end tag came before the error, i.e. the
// junk follows a complete document (a PHP warning after the output): lxml
// keeps such a document too. A document cut short is dropped, never read
// in part.
bool root_closed_before(std::string_view buffer, const pugi::xml_node& root, std::ptrdiff_t error_offset)
{
    if (error_offset <= 0) {
        return false;
    }
    const std::string end_tag = std::string("</") + root.name();
    const std::string_view before = buffer.substr(0, static_cast<std::size_t>(error_offset));
    const std::size_t at = before.rfind(end_tag);
    if (at == std::string_view::npos) {
        return false;
    }
    std::size_t i = at + end_tag.size();
    while (i < before.size() && (before[i] == ' ' || before[i] == '\t' || before[i] == '\n' || before[i] == '\r')) {
        ++i;
    }
    return i < before.size() && before[i] == '>';
}

SitemapEntry read_entry(const pugi::xml_node& item, bool& has_loc)
{
    SitemapEntry entry;
    has_loc = false;
    for (pugi::xml_node field = item.first_child(); field; field = field.next_sibling()) {
        if (field.type() != pugi::node_element) {
            continue;
        }
        const std::string_view name = local_name(field.name());
        if (name == "link") {
            if (const pugi::xml_attribute href = field.attribute("href")) {
                entry.alternates.push_back(attribute_text(href));
            }
        } else if (name == "loc") {
            entry.loc = element_text(field);
            has_loc = true;
        } else {
            entry.fields.insert_or_assign(std::string(name), element_text(field));
        }
    }
    return entry;
}

} // namespace

Sitemap parse_sitemap(std::string_view xml)
{
    Sitemap sitemap;
    // In-place parsing: pugixml's nodes point into this copy instead of
    // copying every name and text.
    std::string buffer(xml);
    pugi::xml_document doc;
    const pugi::xml_parse_result result =
        doc.load_buffer_inplace(buffer.data(), buffer.size(), parse_options, pugi::encoding_auto);
    const pugi::xml_node root = doc.document_element();
    if (!root || (!result && !root_closed_before(xml, root, result.offset))) {
        return sitemap;
    }
    sitemap.type = type_of(local_name(root.name()));
    for (pugi::xml_node item = root.first_child(); item; item = item.next_sibling()) {
        if (item.type() != pugi::node_element) {
            continue;
        }
        bool has_loc = false;
        SitemapEntry entry = read_entry(item, has_loc);
        if (has_loc) {
            sitemap.entries.push_back(std::move(entry));
        }
    }
    return sitemap;
}

} // namespace trawl
