#pragma once
// A response is a cheap handle to immutable data: copying it copies a
// pointer, so a coroutine callback takes it by value and can suspend without
// holding a dangling reference.

#include <trawl/headers.hpp>
#include <trawl/request.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace trawl {

struct FetchOperation;

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
    };

    /// An empty response (no URL, status 0); exists so Response can be a
    /// coroutine result. Shares one static empty Data: costs no allocation.
    Response();
    explicit Response(Data data) : data_(std::make_shared<const Data>(std::move(data))) {}

    const std::string& url() const noexcept { return data_->url; }
    int status() const noexcept { return data_->status; }
    const Headers& headers() const noexcept { return data_->headers; }
    std::string_view body() const noexcept { return data_->body; }
    const Request& request() const noexcept { return data_->request; }
    const std::string& protocol() const noexcept { return data_->protocol; }
    const std::string& ip_address() const noexcept { return data_->ip_address; }
    const std::vector<std::string>& flags() const noexcept { return data_->flags; }
    bool has_flag(std::string_view flag) const noexcept;

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

private:
    std::shared_ptr<const Data> data_;
};

inline Response::Response()
{
    static const auto empty = [] {
        Data data;
        data.status = 0;
        return std::make_shared<const Data>(std::move(data));
    }();
    data_ = empty;
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
