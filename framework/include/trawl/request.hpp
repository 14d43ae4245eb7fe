#pragma once
// A request is plain data: everything in it can be written to disk or sent
// to another worker (the callback and errback are registered names, not
// function pointers), so a frontier can live outside the process.

#include <trawl/headers.hpp>

#include <boost/json/object.hpp>

#include <string>

namespace trawl {

struct Request {
    Request() = default;
    explicit Request(std::string url_, std::string method_ = "GET")
        : url(std::move(url_)), method(std::move(method_))
    {
    }

    std::string url;
    std::string method = "GET";
    Headers headers;
    std::string body;

    /// Free-form data that travels with the request. Keys the framework reads:
    /// "download_timeout" (seconds), "download_maxsize", "download_warnsize"
    /// (bytes), "download_truncate" (true: a body over download_maxsize is
    /// cut there and flagged "truncated" instead of failing), "download_slot",
    /// "download_latency" (set by the engine), "depth", "proxy" (e.g.
    /// "http://user:pass@host:port"); the built-in middlewares document theirs.
    boost::json::object meta;

    /// Keyword arguments handed to the callback.
    boost::json::object cb_kwargs;

    int priority = 0;          ///< higher runs first
    bool dont_filter = false;  ///< skip the dupefilter
    std::string callback;      ///< registered callback name; empty = "parse"
    std::string errback;       ///< registered errback name; empty = none
};

} // namespace trawl
