// XMLFeedSpider and the streaming node iterator behind its "iternodes"
// iterator (libxml2's xmlTextReader), plus the helper that runs one callback
// inside another, shared with CSVFeedSpider.

#include <trawl/encoding.hpp>
#include <trawl/feed_spiders.hpp>

#include <libxml/encoding.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlreader.h>

#include <fmt/format.h>

#include <climits>
#include <functional>
#include <mutex>
#include <stdexcept>

namespace trawl {

namespace detail {

std::variant<std::monostate, FetchOperation, SleepOperation> step_nested(Callback& inner, std::vector<Output>& output)
{
    inner.resume();
    for (auto& value : inner.take_output()) {
        output.push_back(std::move(value));
    }
    auto& promise = inner.promise();
    if (inner.done()) {
        if (promise.error) {
            std::rethrow_exception(promise.error);
        }
        return std::monostate{};
    }
    if (auto* fetch = std::get_if<FetchOperation>(&promise.pending)) {
        FetchOperation operation = std::move(*fetch);
        promise.pending = std::monostate{};
        return operation;
    }
    if (auto* pause = std::get_if<SleepOperation>(&promise.pending)) {
        const SleepOperation operation = *pause;
        promise.pending = std::monostate{};
        return operation;
    }
    return std::monostate{};  // a full batch: resume it again
}

} // namespace detail

namespace {

void init_libxml2()
{
    // The selector library owns libxml2's one-time initialisation
    // (xmlInitParser is not safe to run twice at once); parsing a tiny
    // document through it makes sure it has happened.
    static std::once_flag once;
    std::call_once(once, [] { (void)Selector::from_xml("<x/>"); });
}

struct ReaderDeleter {
    void operator()(xmlTextReader* reader) const noexcept { xmlFreeTextReader(reader); }
};

struct XmlString {
    xmlChar* text = nullptr;
    XmlString() = default;
    explicit XmlString(xmlChar* t) : text(t) {}
    XmlString(const XmlString&) = delete;
    XmlString& operator=(const XmlString&) = delete;
    ~XmlString() { xmlFree(text); }
};

const char* chars(const xmlChar* text) noexcept { return reinterpret_cast<const char*>(text); }

bool known_to_libxml2(const std::string& encoding)
{
    xmlCharEncodingHandler* handler = xmlFindCharEncodingHandler(encoding.c_str());
    if (handler == nullptr) {
        return false;
    }
    xmlCharEncCloseFunc(handler);  // frees iconv-based handlers; built-in ones are left alone
    return true;
}

} // namespace

struct XmlNodeIterator::Impl {
    std::string local_name;
    std::string prefix;              // of the tag; "" = no namespace
    std::optional<std::string> uri;  // what the prefix stands for, once known
    bool uri_from_document = false;
    XmlNamespaces namespaces;
    std::string base_url;
    std::unique_ptr<xmlTextReader, ReaderDeleter> reader;
    int pending = -2;  // a read result not yet acted on (-2 = none)
    bool finished = false;
    std::string error;  // libxml2's first error

    static void on_error(void* context, xmlErrorPtr e)
    {
        auto* self = static_cast<Impl*>(context);
        if (e == nullptr || e->level < XML_ERR_ERROR || !self->error.empty()) {
            return;
        }
        std::string message = e->message != nullptr ? e->message : "unknown error";
        while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
            message.pop_back();
        }
        self->error = fmt::format("line {}: {}", e->line, message);
    }

    [[noreturn]] void fail()
    {
        finished = true;
        throw std::runtime_error("malformed XML feed" + (base_url.empty() ? std::string{} : " <" + base_url + ">") +
                                 ": " + (error.empty() ? std::string("read error") : error));
    }

    bool matches()
    {
        xmlTextReader* r = reader.get();
        if (local_name != chars(xmlTextReaderConstLocalName(r))) {
            return false;
        }
        const xmlChar* ns = xmlTextReaderConstNamespaceUri(r);
        if (prefix.empty()) {
            return ns == nullptr || *ns == 0;
        }
        if (!uri) {
            // As xmliter_lxml: the prefix stands for the namespace of its
            // first declaration in the document, which is in scope from the
            // first element (in document order) where it resolves.
            const XmlString in_scope{
                xmlTextReaderLookupNamespace(r, reinterpret_cast<const xmlChar*>(prefix.c_str()))};
            if (in_scope.text == nullptr) {
                return false;
            }
            uri = chars(in_scope.text);
            uri_from_document = true;
        }
        return ns != nullptr && *uri == chars(ns);
    }

    Selector node_selector(std::string_view markup)
    {
        Selector node = Selector::from_xml(markup, base_url);
        for (const auto& [p, u] : namespaces) {
            node.register_namespace(p, u);
        }
        if (uri_from_document) {
            // As xmliter_lxml: the tag's prefix, resolved in the document.
            node.register_namespace(prefix, *uri);
        }
        return node;
    }
};

XmlNodeIterator::XmlNodeIterator(std::string_view xml, std::string tag, XmlNamespaces namespaces,
                                 std::string base_url, std::string encoding)
    : impl_(std::make_unique<Impl>())
{
    init_libxml2();
    if (xml.size() > static_cast<std::size_t>(INT_MAX)) {
        throw std::length_error("XML feed too large for the reader");
    }
    auto& impl = *impl_;
    if (const auto colon = tag.find(':'); colon != std::string::npos) {
        impl.prefix = tag.substr(0, colon);
        impl.local_name = tag.substr(colon + 1);
        for (const auto& [p, u] : namespaces) {
            if (p == impl.prefix) {
                impl.uri = u;
            }
        }
    } else {
        impl.local_name = std::move(tag);
    }
    impl.namespaces = std::move(namespaces);
    impl.base_url = std::move(base_url);
    // No XML_PARSE_NOENT, DTDLOAD or DTDATTR: entities stay references and
    // no DTD is read, so no XXE and no entity expansion. NONET as well, in
    // case anything still asks for a resource. libxml2's default limits
    // (no XML_PARSE_HUGE) stay on: they guard the entity-amplification
    // checks too. The buffer is not copied.
    int options = XML_PARSE_NONET | XML_PARSE_COMPACT | XML_PARSE_NOWARNING;
    // An encoding from outside (the HTTP charset) wins over the XML
    // declaration, as in Response::text(), which the "xml" iterator reads;
    // a byte order mark wins over both.
    if (!encoding.empty() && !read_bom(xml) && known_to_libxml2(encoding)) {
        options |= XML_PARSE_IGNORE_ENC;  // else the declaration would switch encodings again
    } else {
        encoding.clear();
    }
    impl.reader.reset(xmlReaderForMemory(xml.data(), static_cast<int>(xml.size()), nullptr,
                                         encoding.empty() ? nullptr : encoding.c_str(), options));
    if (!impl.reader) {
        throw std::bad_alloc();
    }
    xmlTextReaderSetStructuredErrorHandler(impl.reader.get(), &Impl::on_error, &impl);
}

XmlNodeIterator::~XmlNodeIterator() = default;

std::optional<Selector> XmlNodeIterator::next()
{
    auto& impl = *impl_;
    xmlTextReader* r = impl.reader.get();
    while (!impl.finished) {
        // After a matched node the reader already stands on what follows it.
        const int status = impl.pending != -2 ? std::exchange(impl.pending, -2) : xmlTextReaderRead(r);
        if (status == 0) {
            impl.finished = true;
            break;
        }
        if (status < 0) {
            impl.fail();
        }
        if (xmlTextReaderNodeType(r) != XML_READER_TYPE_ELEMENT || !impl.matches()) {
            continue;
        }
        const XmlString outer{xmlTextReaderReadOuterXml(r)};
        if (outer.text == nullptr) {
            impl.fail();
        }
        Selector node = impl.node_selector(chars(outer.text));
        // Past the subtree: the reader frees the nodes it leaves behind,
        // which is what keeps memory flat. An error found there is
        // reported by the next call, after this node.
        impl.pending = xmlTextReaderNext(r);
        return node;
    }
    return std::nullopt;
}

void XMLFeedSpider::opened(Crawler&)
{
    if (iterator != "iternodes" && iterator != "xml" && iterator != "html") {
        throw std::invalid_argument(fmt::format("spider '{}': unsupported node iterator '{}' (iternodes, xml or html)",
                                                name, iterator));
    }
}

Callback XMLFeedSpider::parse_node(Response response, Selector)
{
    throw std::logic_error(fmt::format("spider '{}' must override XMLFeedSpider::parse_node to scrape the XML feed {}",
                                       name, response.url()));
    co_return;
}

Response XMLFeedSpider::adapt_response(Response response) { return response; }

std::vector<Output> XMLFeedSpider::process_results(const Response&, std::vector<Output> results) { return results; }

Callback XMLFeedSpider::parse(Response original)
{
    const Response response = adapt_response(std::move(original));
    // One source of nodes whatever the iterator.
    std::optional<XmlNodeIterator> stream;
    SelectorList all;
    std::size_t index = 0;
    std::function<std::optional<Selector>()> next_node;
    if (iterator == "iternodes") {
        std::string encoding;
        if (const auto content_type = response.headers().get("Content-Type")) {
            encoding = http_content_type_encoding(*content_type).value_or("");
        }
        stream.emplace(response.body(), itertag, namespaces, response.url(), std::move(encoding));
        next_node = [&stream] { return stream->next(); };
    } else if (iterator == "xml" || iterator == "html") {
        Selector root = iterator == "xml" ? Selector::from_xml(response.text(), response.url())
                                          : Selector::from_html(response.text(), response.url());
        for (const auto& [prefix, uri] : namespaces) {
            root.register_namespace(prefix, uri);
        }
        all = root.xpath("//" + itertag);
        next_node = [&all, &index]() -> std::optional<Selector> {
            if (index == all.size()) {
                return std::nullopt;
            }
            return all[index++];
        };
    } else {
        throw std::invalid_argument(fmt::format("spider '{}': unsupported node iterator '{}'", name, iterator));
    }

    while (auto node = next_node()) {
        Callback inner = parse_node(response, std::move(*node));
        std::vector<Output> results;
        while (!inner.done()) {
            auto awaited = detail::step_nested(inner, results);
            if (auto* fetch = std::get_if<FetchOperation>(&awaited)) {
                auto result = co_await std::move(*fetch);
                inner.promise().fetch_result = std::move(result);
            } else if (auto* pause = std::get_if<SleepOperation>(&awaited)) {
                co_await *pause;
            }
        }
        // Named rather than a temporary in the for statement: g++ 12 has
        // mishandled temporaries that live across a suspension.
        auto processed = process_results(response, std::move(results));
        for (auto& value : processed) {
            if (auto* item = std::get_if<Item>(&value)) {
                co_yield std::move(*item);
            } else {
                co_yield std::move(std::get<Request>(value));
            }
        }
    }
}

} // namespace trawl
