#pragma once
// Spiders for XML and CSV feeds, as Scrapy's XMLFeedSpider and
// CSVFeedSpider: the default callback (parse) iterates over the nodes or
// rows of each response and calls parse_node / parse_row for each one.
//
//   struct News : trawl::XMLFeedSpider {
//       News() { name = "news"; start_urls = {"https://news.example/rss"};
//                itertag = "item"; namespaces = {{"dc", "http://purl.org/dc/elements/1.1/"}}; }
//       trawl::Callback parse_node(trawl::Response response, trawl::Selector node) override {
//           trawl::Item item{"story"};
//           item["title"] = node.xpath("title/text()").get().value_or("");
//           item["author"] = node.xpath("dc:creator/text()").get().value_or("");
//           co_yield std::move(item);
//       }
//   };
//
// parse_node and parse_row are callbacks like any other: they co_yield
// items and requests and may co_await response.fetch(...) or trawl::sleep.
// What one node or row yields goes through process_results() before it
// leaves the spider. Callbacks of one spider run concurrently: see Spider.
//
// The iterators are also usable on their own: XmlNodeIterator streams the
// elements of a name out of an XML document, CsvReader reads records as
// Python's csv module does.

#include <trawl/selector.hpp>
#include <trawl/spider.hpp>

#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace trawl {

/// (prefix, namespace URI) pairs.
using XmlNamespaces = std::vector<std::pair<std::string, std::string>>;

/// Streams the elements named `tag` out of an XML document, one Selector
/// each, with libxml2's reader: only the current element's subtree (and its
/// ancestors' start tags) are in memory, so a 50 MB feed costs what its
/// largest node costs. Each element is serialised with the namespace
/// declarations it uses and parsed on its own (Scrapy's xmliter_lxml); the
/// Selector is that element, with `namespaces` registered.
///
/// `tag` without a prefix matches elements of that name in no namespace
/// (as the XPath //tag does). "prefix:name" matches elements of that name
/// in the namespace `namespaces` binds the prefix to, else in the one the
/// document's first declaration of that prefix names (as Scrapy's
/// xmliter_lxml; that binding is then registered on the nodes too). An
/// element inside a matched one is not matched again.
///
/// No DTD is loaded, no entity is expanded and nothing is fetched from the
/// network. The document is read from its bytes: in the encoding of its
/// byte order mark if it has one, else in `encoding` if given (a
/// Content-Type charset: XMLFeedSpider passes the response's, so that its
/// "iternodes" and "xml" iterators read the same characters) and known to
/// libxml2, else as its XML declaration says, else as UTF-8.
class XmlNodeIterator {
public:
    /// `xml` must outlive the iterator.
    XmlNodeIterator(std::string_view xml, std::string tag, XmlNamespaces namespaces = {},
                    std::string base_url = {}, std::string encoding = {});
    ~XmlNodeIterator();
    XmlNodeIterator(const XmlNodeIterator&) = delete;
    XmlNodeIterator& operator=(const XmlNodeIterator&) = delete;

    /// The next matching element, or nullopt at the end of the document.
    /// Throws std::runtime_error (with the line and libxml2's message) when
    /// the document is not well-formed at the point reached: the elements
    /// before it have been returned.
    std::optional<Selector> next();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// Reads records as Python's csv.reader does with the "excel" dialect
/// (doublequote, no escape character, strict off) and the given delimiter
/// and quote character: quoted fields may hold delimiters, newlines and
/// doubled quote characters; text after a closing quote is kept ('"ab"c' is
/// 'abc'); a blank line is a record with no fields; a quoted field left
/// open at the end of the text ends there. Records end at "\n", "\r\n" or
/// (unlike Python, which refuses it) a lone "\r".
class CsvReader {
public:
    /// Python's csv.field_size_limit() default.
    static constexpr std::size_t field_size_limit = 131072;

    /// `text` must outlive the reader.
    explicit CsvReader(std::string_view text, char delimiter = ',', char quotechar = '"');

    /// The next record, or nullopt at the end. Throws std::runtime_error for
    /// a field longer than field_size_limit.
    std::optional<std::vector<std::string>> next();
    /// Lines read so far, as csv.reader's line_num: after a record, the
    /// line it ended on.
    std::size_t line_num() const noexcept { return line_num_; }

private:
    std::string_view text_;
    std::size_t pos_ = 0;
    std::size_t line_num_ = 0;
    char delimiter_;
    char quotechar_;
};

class XMLFeedSpider : public Spider {
public:
    /// "iternodes" (streaming, XmlNodeIterator), "xml" (the whole response
    /// parsed as XML, then //itertag) or "html" (parsed as HTML).
    std::string iterator = "iternodes";
    /// The element to iterate over; "prefix:name" for a namespaced one.
    std::string itertag = "item";
    /// Registered on every node selector (and used to resolve itertag).
    XmlNamespaces namespaces;

    /// Checks `iterator`: std::invalid_argument at start-up for an
    /// unknown one. A subclass that overrides opened() should call it.
    void opened(Crawler& crawler) override;

    /// Runs adapt_response(), then parse_node() for each node, in document
    /// order. Throws (as a callback error) std::invalid_argument for an
    /// unknown iterator and std::runtime_error for a feed that is not
    /// well-formed XML (iternodes: after the nodes before the error).
    Callback parse(Response response) override;

    /// Called once per node; the default fails: override it.
    virtual Callback parse_node(Response response, Selector node);
    /// Changes the response before it is iterated; the default returns it.
    virtual Response adapt_response(Response response);
    /// Changes what one node's parse_node yielded; the default returns it.
    virtual std::vector<Output> process_results(const Response& response, std::vector<Output> results);
};

class CSVFeedSpider : public Spider {
public:
    char delimiter = ',';
    char quotechar = '"';
    /// Column names; empty = the first row of each response.
    std::vector<std::string> headers;

    /// Runs adapt_response(), then parse_row() for each row of its text
    /// (Response::text()), as Scrapy's csviter: a row whose field count
    /// differs from the headers' is logged ("ignoring row N (length: L,
    /// should be: H)") and skipped.
    Callback parse(Response response) override;

    /// Called once per row, with column name -> value (for a name repeated
    /// in the headers, the last column's value); the default fails:
    /// override it.
    virtual Callback parse_row(Response response, std::map<std::string, std::string> row);
    /// Changes the response before it is read; the default returns it.
    virtual Response adapt_response(Response response);
    /// Changes what one row's parse_row yielded; the default returns it.
    virtual std::vector<Output> process_results(const Response& response, std::vector<Output> results);
};

namespace detail {

/// One step of a callback run inside another (parse_node inside parse):
/// resumes `inner` and appends what it yielded to `output`. Returns what it
/// now awaits (a FetchOperation or SleepOperation for the outer callback to
/// co_await, handing a fetch's result back through
/// inner.promise().fetch_result), or monostate once it has finished or
/// filled a batch. Rethrows the inner callback's exception.
std::variant<std::monostate, FetchOperation, SleepOperation> step_nested(Callback& inner, std::vector<Output>& output);

} // namespace detail

} // namespace trawl
