#pragma once
// Downloader middleware, with Scrapy's semantics exactly:
// - process_request runs in ascending priority order; Continue passes the
//   (possibly changed) request on; a Response short-circuits the download
//   (and still goes through every process_response); Reschedule sends a new
//   request to the scheduler; Ignore drops the request (its errback runs
//   with errc::ignored... see IgnoreRequest below).
// - process_response runs in descending order; each returns the response
//   (changed or not), Reschedule, or Ignore.
// - process_exception runs in descending order; the first that returns
//   something other than Continue wins; if none does, the failure goes to
//   the request's errback.
// Hooks are coroutines on the event loop thread: never block in them.
// Components are built by `from_crawler`; they throw NotConfigured to turn
// themselves off at start-up.

#include <trawl/download_result.hpp>
#include <trawl/request.hpp>
#include <trawl/response.hpp>

#include <boost/asio/awaitable.hpp>

#include <stdexcept>
#include <string>
#include <variant>

namespace trawl {

class Crawler;

/// Thrown by a component's from_crawler to disable itself; the manager
/// logs "Disabled NAME: reason".
class NotConfigured : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct Continue {};
struct Reschedule {
    Request request;
};
struct Ignore {
    std::string reason;  ///< goes to stats and the log
};

using RequestAction = std::variant<Continue, Response, Reschedule, Ignore>;
using ResponseAction = std::variant<Response, Reschedule, Ignore>;
using ExceptionAction = std::variant<Continue, Response, Reschedule, Ignore>;

/// Which hooks a component implements, so the manager calls only those.
enum class Hook : unsigned { request = 1, response = 2, exception = 4 };
using HookSet = unsigned;
constexpr HookSet operator|(Hook a, Hook b) { return static_cast<unsigned>(a) | static_cast<unsigned>(b); }
constexpr HookSet operator|(HookSet a, Hook b) { return a | static_cast<unsigned>(b); }
constexpr bool has_hook(HookSet set, Hook hook) { return (set & static_cast<unsigned>(hook)) != 0; }

class DownloaderMiddleware {
public:
    virtual ~DownloaderMiddleware() = default;
    virtual HookSet hooks() const = 0;

    /// `request` may be changed in place; it lives until the hook returns.
    virtual boost::asio::awaitable<RequestAction> process_request(Request& request);
    virtual boost::asio::awaitable<ResponseAction> process_response(const Request& request, Response response);
    virtual boost::asio::awaitable<ExceptionAction> process_exception(const Request& request, DownloadError error);
};

} // namespace trawl
