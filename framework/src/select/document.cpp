// Parsing HTML and XML into the immutable documents Selectors point into.

#include "select/document.hpp"
#include "select/parse_guard.hpp"

#include <libxml/HTMLparser.h>
#include <libxml/encoding.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstring>
#include <mutex>
#include <stdexcept>

namespace trawl::detail {
namespace {

std::atomic<std::uint64_t> parse_count{0};

// HTML: lxml's defaults plus HUGE, with limits of our own instead of
// libxml2's (parse_limits.hpp). The HTML parser knows no DTD entities, so
// HUGE opens no entity expansion attack here. No HTML_PARSE_NOERROR: the
// guard's error handler counts stray end tags (and prints nothing).
constexpr int html_options = HTML_PARSE_RECOVER | HTML_PARSE_NOWARNING | HTML_PARSE_NONET | HTML_PARSE_COMPACT |
                             HTML_PARSE_IGNORE_ENC | XML_PARSE_HUGE;

// XML: no XML_PARSE_NOENT and no DTDLOAD/DTDVALID, so libxml2 never loads an
// external entity or DTD (no XXE) and keeps entity references as references.
// No HUGE either: it would also switch off libxml2's entity amplification
// checks ("billion laughs"), and reading the text of an element expands the
// references it contains (bounded by check_entity_expansion). The price: XML
// nested deeper than 256 elements or with a text node over 10 MB is
// refused (parse_limits.hpp). NOCDATA merges CDATA into text, as lxml does.
constexpr int xml_options = XML_PARSE_RECOVER | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NONET |
                            XML_PARSE_COMPACT | XML_PARSE_NOCDATA | XML_PARSE_IGNORE_ENC;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

/// Encodings whose text contains NUL bytes: the body is passed unchanged.
bool is_wide_encoding(std::string_view label)
{
    std::string lowered(label);
    for (char& c : lowered) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return lowered.starts_with("utf-16") || lowered.starts_with("utf-32") || lowered.starts_with("utf16") ||
           lowered.starts_with("utf32") || lowered.starts_with("ucs");
}

std::string lower_ascii(std::string_view s)
{
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

/// The encoding an XML declaration names, lower case ("" if none).
std::string declared_xml_encoding(std::string_view bytes)
{
    std::size_t start = 0;
    while (start < bytes.size() && is_space(bytes[start])) {
        ++start;
    }
    if (bytes.substr(start, 5) != "<?xml") {
        return {};
    }
    const std::string_view declaration = bytes.substr(start, bytes.find("?>", start) - start);
    const std::size_t key = declaration.find("encoding");
    if (key == std::string_view::npos) {
        return {};
    }
    const std::size_t quote = declaration.find_first_of("\"'", key);
    if (quote == std::string_view::npos) {
        return {};
    }
    const std::size_t end = declaration.find(declaration[quote], quote + 1);
    return lower_ascii(declaration.substr(quote + 1, end == std::string_view::npos ? end : end - quote - 1));
}

/// Length of the well-formed UTF-8 sequence at s[i] (Unicode table 3-7),
/// or, when there is none, the negated length of its maximal ill-formed
/// subpart (each such subpart becomes one U+FFFD, as Python's "replace").
int utf8_sequence(std::string_view s, std::size_t i)
{
    const auto byte = [&](std::size_t k) { return k < s.size() ? static_cast<unsigned char>(s[k]) : 0u; };
    const unsigned lead = byte(i);
    if (lead < 0x80) {
        return 1;
    }
    int length = 0;
    unsigned low = 0x80;
    unsigned high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        low = lead == 0xE0 ? 0xA0 : 0x80;
        high = lead == 0xED ? 0x9F : 0xBF;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        low = lead == 0xF0 ? 0x90 : 0x80;
        high = lead == 0xF4 ? 0x8F : 0xBF;
    } else {
        return -1;
    }
    for (int k = 1; k < length; ++k) {
        const unsigned b = byte(i + static_cast<std::size_t>(k));
        if (b < (k == 1 ? low : 0x80) || b > (k == 1 ? high : 0xBF)) {
            return -k;
        }
    }
    return length;
}

/// parsel parses text.strip() with NUL characters removed (libxml2 would
/// stop or complain at them); an empty text becomes "<html/>". UTF-8 input
/// also gets U+FFFD for invalid bytes: libxml2 would copy them into the tree
/// as they are, and every string read from it would be invalid UTF-8.
/// `known_valid`: the bytes are valid UTF-8 already (Response::text()), so
/// only NULs are looked for, with memchr instead of decoding every byte.
std::string_view prepare_text(std::string_view bytes, const char* encoding, bool known_valid, std::string& storage)
{
    if (encoding != nullptr && is_wide_encoding(encoding)) {
        return bytes;
    }
    bool utf8 = encoding != nullptr && lower_ascii(encoding) == "utf-8";
    if (encoding == nullptr) {
        // XML that names its own encoding: UTF-16/32 (a BOM or NULs at the
        // start) is left untouched; otherwise only UTF-8 gets sanitised.
        const std::string_view start = bytes.substr(0, 4);
        if (start.starts_with("\xFE\xFF") || start.starts_with("\xFF\xFE") || start.find('\0') != start.npos) {
            return bytes;
        }
        const std::string declared = declared_xml_encoding(bytes);
        utf8 = declared.empty() || declared == "utf-8" || declared == "utf8";
    }
    while (!bytes.empty() && is_space(bytes.front())) {
        bytes.remove_prefix(1);
    }
    while (!bytes.empty() && is_space(bytes.back())) {
        bytes.remove_suffix(1);
    }
    if (known_valid && utf8) {
        if (bytes.empty() || std::memchr(bytes.data(), '\0', bytes.size()) == nullptr) {
            return bytes.empty() ? std::string_view("<html/>") : bytes;
        }
        utf8 = false; // valid already: only the NULs go
    }
    // One pass to see whether anything must change; the common case copies nothing.
    std::size_t i = 0;
    while (i < bytes.size()) {
        if (bytes[i] == '\0') {
            break;
        }
        if (static_cast<unsigned char>(bytes[i]) < 0x80) {
            ++i;
            continue;
        }
        const int n = utf8 ? utf8_sequence(bytes, i) : 1;
        if (n < 0) {
            break;
        }
        i += static_cast<std::size_t>(n);
    }
    if (i < bytes.size()) {
        storage.reserve(bytes.size() + 16);
        storage.assign(bytes.substr(0, i));
        while (i < bytes.size()) {
            const char c = bytes[i];
            if (c == '\0') {
                ++i;
                continue;
            }
            const int n = utf8 && static_cast<unsigned char>(c) >= 0x80 ? utf8_sequence(bytes, i) : 1;
            if (n < 0) {
                storage += "\xEF\xBF\xBD";
                i += static_cast<std::size_t>(-n);
                continue;
            }
            storage.append(bytes.substr(i, static_cast<std::size_t>(n)));
            i += static_cast<std::size_t>(n);
        }
        bytes = storage;
    }
    if (bytes.empty()) {
        bytes = "<html/>";
    }
    return bytes;
}

void check_size(std::string_view bytes)
{
    if (bytes.size() > Selector::max_document_size) {
        throw std::length_error(fmt::format("document of {} bytes is larger than the selector limit of {} bytes",
                                            bytes.size(), Selector::max_document_size));
    }
}

/// A charset label libxml2 can decode, mapped as browsers do (ISO-8859-1 and
/// ASCII mean windows-1252, GB2312/GBK mean GB18030); nullptr when libxml2
/// has no decoder for it.
const char* usable_encoding(const char* label, std::string& storage)
{
    if (label == nullptr || *label == '\0') {
        return nullptr;
    }
    storage = lower_ascii(label);
    if (storage == "iso-8859-1" || storage == "latin1" || storage == "iso8859-1" || storage == "us-ascii" ||
        storage == "ascii" || storage == "l1") {
        storage = "windows-1252";
    } else if (storage == "gb2312" || storage == "gbk") {
        storage = "gb18030";
    }
    xmlCharEncodingHandlerPtr handler = xmlFindCharEncodingHandler(storage.c_str());
    if (handler == nullptr) {
        return nullptr;
    }
    xmlCharEncCloseFunc(handler);
    return storage.c_str();
}

xmlDocPtr parse_fallback()
{
    static constexpr std::string_view empty = "<html/>";
    return htmlReadMemory(empty.data(), static_cast<int>(empty.size()), nullptr, "UTF-8",
                          html_options | HTML_PARSE_NOERROR);
}

struct DocDeleter {
    void operator()(xmlDocPtr doc) const { xmlFreeDoc(doc); }
};

std::shared_ptr<const SelectorDocument> finish(xmlDocPtr parsed, bool html, std::string base_url)
{
    std::unique_ptr<xmlDoc, DocDeleter> doc(parsed);
    if (doc && xmlDocGetRootElement(doc.get()) == nullptr) {
        doc.reset();
    }
    if (!doc) {
        doc.reset(parse_fallback());
        if (!doc) {
            throw std::bad_alloc();
        }
    }
    if (!html) {
        check_entity_expansion(doc.get());
    }
    // Numbers the elements so that XPath sorts node sets into document order
    // without walking the tree. Done before anyone else can see the document.
    xmlXPathOrderDocElems(doc.get());
    auto document = std::make_shared<const SelectorDocument>(doc.get(), html, std::move(base_url));
    doc.release(); // owned by `document` now
    parse_count.fetch_add(1, std::memory_order_relaxed);
    return document;
}

} // namespace

SelectorDocument::~SelectorDocument() { xmlFreeDoc(doc); }

void init_libxml()
{
    static std::once_flag once;
    std::call_once(once, [] { xmlInitParser(); });
}

std::shared_ptr<const SelectorDocument> parse_html_document(std::string_view bytes, const char* encoding,
                                                            std::string base_url, bool known_valid_utf8)
{
    check_size(bytes);
    init_libxml();
    std::string label_storage;
    const char* label = usable_encoding(encoding, label_storage);
    if (label == nullptr) {
        label = "UTF-8";
    }
    std::string text_storage;
    const std::string_view text = prepare_text(bytes, label, known_valid_utf8, text_storage);
    xmlDocPtr doc = read_html_guarded(text, base_url.empty() ? nullptr : base_url.c_str(), label, html_options);
    return finish(doc, true, std::move(base_url));
}

std::shared_ptr<const SelectorDocument> parse_xml_document(std::string_view bytes, const char* encoding,
                                                           std::string base_url, bool known_valid_utf8)
{
    check_size(bytes);
    init_libxml();
    std::string label_storage;
    const char* label = usable_encoding(encoding, label_storage);
    std::string text_storage;
    const std::string_view text = prepare_text(bytes, label, known_valid_utf8, text_storage);
    int options = xml_options;
    if (label == nullptr) {
        // Let the BOM or the XML declaration decide.
        options &= ~XML_PARSE_IGNORE_ENC;
    }
    xmlDocPtr doc = read_xml_guarded(text, base_url.empty() ? nullptr : base_url.c_str(), label, options);
    return finish(doc, false, std::move(base_url));
}

std::uint64_t document_parse_count() noexcept { return parse_count.load(std::memory_order_relaxed); }

Selector SelectorAccess::root(std::shared_ptr<const SelectorDocument> document)
{
    Selector s;
    s.node_ = xmlDocGetRootElement(document->doc);
    s.document_ = std::move(document);
    s.kind_ = SelectorKind::element;
    return s;
}

Selector SelectorAccess::node(const Selector& origin, xmlNodePtr node, SelectorKind kind)
{
    Selector s;
    s.document_ = origin.document_;
    s.namespaces_ = origin.namespaces_;
    s.node_ = node;
    s.kind_ = kind;
    return s;
}

Selector SelectorAccess::value(const Selector& origin, std::string value)
{
    Selector s;
    s.document_ = origin.document_;
    s.namespaces_ = origin.namespaces_;
    s.value_ = std::move(value);
    s.kind_ = SelectorKind::value;
    return s;
}

} // namespace trawl::detail
