#pragma once
// A response is a cheap handle to immutable data: copying it copies a
// pointer, so a coroutine callback takes it by value and can suspend without
// holding a dangling reference.

#include <trawl/headers.hpp>
#include <trawl/request.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace trawl {

struct FetchOperation;
class Selector;     // <trawl/selector.hpp>
class SelectorList; // <trawl/selector.hpp>

namespace detail {
/// The parsed body behind Response::selector(). It sits next to the
/// response's Data in the same allocation, so every copy of a Response
/// handle shares it. The first call parses the body (under the mutex, so
/// two threads asking at once still parse it once); later calls copy the
/// cached Selector. Never copied: a new Data means a new, empty cache.
struct ResponseSelectorCache {
    std::mutex mutex;
    std::shared_ptr<const Selector> selector;
};

/// The decoded body behind Response::text()/encoding(), in the same
/// allocation as the response's Data. Filled once (under the mutex; `ready`
/// lets later calls skip it), then never changed. `text` views either the
/// body itself (UTF-8 that needs no change: no copy) or `storage`.
struct ResponseTextCache {
    std::mutex mutex;
    std::atomic<bool> ready{false};
    std::string_view text;
    std::string storage;
    std::string encoding;
};
} // namespace detail

class Response {
public:
    struct Data {
        std::string url;       ///< final URL of this response
        int status = 200;
        Headers headers;
        std::string body;      ///< decoded (decompressed) body bytes
        Request request;       ///< the request that produced it
        std::string protocol;  ///< "HTTP/1.1", "file", "data"
        std::string ip_address;
        /// Markers such as "decompressed" or "warnsize" (Scrapy's flags).
        std::vector<std::string> flags;
        /// For a response downloaded over HTTP: from the start of the
        /// download (connecting included) to the arrival of its head, the
        /// body not included: what becomes meta["download_latency"], as in
        /// Scrapy. Empty for any other (file:, data:, made by a component).
        std::optional<std::chrono::nanoseconds> head_latency;
    };

    /// An empty response (no URL, status 0); exists so Response can be a
    /// coroutine result. Shares one static empty Data: costs no allocation.
    Response();
    explicit Response(Data data);

    const std::string& url() const noexcept { return data_->url; }
    int status() const noexcept { return data_->status; }
    const Headers& headers() const noexcept { return data_->headers; }
    std::string_view body() const noexcept { return data_->body; }
    const Request& request() const noexcept { return data_->request; }
    const std::string& protocol() const noexcept { return data_->protocol; }
    const std::string& ip_address() const noexcept { return data_->ip_address; }
    const std::vector<std::string>& flags() const noexcept { return data_->flags; }
    std::optional<std::chrono::nanoseconds> head_latency() const noexcept { return data_->head_latency; }
    bool has_flag(std::string_view flag) const noexcept;
    /// Whether Scrapy would make this an HtmlResponse (the only kind its
    /// link-following spiders read): a Content-Type of text/html or
    /// application/xhtml+xml; without a Content-Type, a body whose first
    /// 1 KiB starts with <!doctype html or has an <html tag.
    bool is_html() const noexcept;

    /// `url` resolved against this response's URL. Throws
    /// std::invalid_argument when it cannot be resolved.
    std::string urljoin(std::string_view url) const;
    /// A request for `url` (relative to this response), with `callback`
    /// ("" = parse). Carries meta "depth" on for the depth middleware.
    Request follow(std::string_view url, std::string callback = {}) const;
    /// A sub-request to co_await inside a callback:
    ///   auto result = co_await response.fetch("/api/stats");
    /// It goes through the downloader middlewares and this host's slot, not
    /// the scheduler or the dupefilter.
    FetchOperation fetch(std::string_view url) const;
    FetchOperation fetch(Request request) const;

    /// The body as UTF-8 text, decoded as Scrapy's TextResponse.text is
    /// (w3lib's html_to_unicode, <trawl/encoding.hpp>): a byte order mark,
    /// else the Content-Type's charset, else a <meta charset>, <meta
    /// http-equiv content="...; charset=..."> or XML declaration in the
    /// first 4096 bytes, else UTF-8 when the body is valid UTF-8 and
    /// windows-1252 when it is not. Bytes invalid in the chosen encoding
    /// become U+FFFD; this never throws for any body. Decoded on first use,
    /// once per response (all copies share it), thread-safely; a UTF-8 body
    /// that needs no change is not copied. Valid while any copy of this
    /// Response exists. Defined in the trawl_encoding library.
    std::string_view text() const;
    /// The canonical name of the encoding text() decoded with ("UTF-8",
    /// "windows-1252", "Shift_JIS", ...: see trawl::resolve_encoding).
    std::string_view encoding() const;

    /// The body parsed as a document (include <trawl/selector.hpp> to use
    /// the result). HTML unless the Content-Type is XML (text/xml,
    /// application/xml, */*+xml except XHTML) or, without a Content-Type,
    /// the text starts with "<?xml" and has no "<html"; parsed from text(),
    /// so it sees the same characters. Parsed lazily, once per response
    /// (all copies of the handle share the result), thread-safely.
    /// Throws std::length_error for a body over Selector::max_document_size.
    Selector selector() const;
    /// selector().css(query) / selector().xpath(query).
    SelectorList css(std::string_view query) const;
    SelectorList xpath(std::string_view query) const;

private:
    /// One allocation holds the data and the caches derived from it.
    struct Shared {
        explicit Shared(Data d) : data(std::move(d)) {}
        Data data;
        detail::ResponseTextCache text_cache;
        detail::ResponseSelectorCache selector_cache;
    };

    std::shared_ptr<const Data> data_; ///< aliases Shared::data
    Shared* shared_ = nullptr;         ///< the Shared *data_ lives in (for its caches)
};

inline Response::Response(Data data)
{
    auto shared = std::make_shared<Shared>(std::move(data));
    shared_ = shared.get();
    data_ = std::shared_ptr<const Data>(shared, &shared->data);
}

inline Response::Response()
{
    static const Response empty = [] {
        Data data;
        data.status = 0;
        return Response(std::move(data));
    }();
    data_ = empty.data_;
    shared_ = empty.shared_;
}

inline bool Response::has_flag(std::string_view flag) const noexcept
{
    for (const auto& f : data_->flags) {
        if (f == flag) {
            return true;
        }
    }
    return false;
}

} // namespace trawl
