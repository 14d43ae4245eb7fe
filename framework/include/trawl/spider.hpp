#pragma once
// trawl::Spider: what a user subclasses. Name it, give it start URLs (or
// override start_requests), and write callbacks: coroutines returning
// trawl::Callback that co_yield items and requests.
//
//   struct Quotes : trawl::Spider {
//       Quotes() { name = "quotes"; start_urls = {"http://127.0.0.1:8080/"};
//                  callback("parse_author", &Quotes::parse_author); }
//       trawl::Callback parse(trawl::Response response) override { ... }
//       trawl::Callback parse_author(trawl::Response response) { ... }
//   };
//   TRAWL_SPIDER(Quotes);
//
// Threads: callbacks run on the parse pool, several at once, for one spider
// object. Members set in the constructor (or from arguments before the crawl
// starts) may be read freely; anything a callback changes must be
// synchronised: use trawl::Guarded<T> (a value behind a mutex) or std::atomic.

#include <trawl/callback.hpp>
#include <trawl/download_result.hpp>
#include <trawl/generator.hpp>
#include <trawl/log.hpp>
#include <trawl/response.hpp>

#include <boost/json/object.hpp>

#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace trawl {

class Crawler;

/// What an errback gets: the request that failed and why; `response` is
/// set when the failure came with one (e.g. an HTTP error status refused by
/// the httperror middleware: error.code is errc::http_status), and
/// `exception` when a spider middleware refused it with an exception (to
/// rethrow and catch by type, as Scrapy's failure.check()).
struct Failure {
    Request request;
    DownloadError error;
    std::optional<Response> response;
    std::exception_ptr exception;
};

class Spider {
public:
    virtual ~Spider() = default;

    std::string name;
    std::vector<std::string> start_urls;
    /// Hosts (and their subdomains) the offsite middleware lets through;
    /// empty = all.
    std::vector<std::string> allowed_domains;
    /// Settings this spider sets, at spider priority (above the project's).
    boost::json::object custom_settings;
    /// -a NAME=VALUE arguments from the command line.
    std::map<std::string, std::string> arguments;

    /// The first requests, pulled lazily as the frontier makes room. The
    /// default makes a GET for each start URL, callback parse.
    virtual Generator<Request> start_requests();

    /// The default callback, for requests that name none.
    virtual Callback parse(Response response);

    /// A logger named after the spider, as Scrapy's spider.logger:
    ///   logger().info("found {} quotes", n);
    Logger logger() const { return Logger{name}; }

    /// Called once, on the loop thread, before the crawl starts: read
    /// settings and arguments here.
    virtual void opened(Crawler&) {}
    /// Called once after the crawl, with the finish reason.
    virtual void closed(const std::string& /*reason*/) {}

    /// Runs the callback registered under `callback_name` ("" = parse).
    /// Throws std::invalid_argument for an unknown name.
    Callback call(const std::string& callback_name, Response response);
    /// Runs the errback registered under `errback_name`; nullopt if empty.
    std::optional<Callback> call_errback(const std::string& errback_name, Failure failure);
    bool has_callback(const std::string& callback_name) const;
    bool has_errback(const std::string& errback_name) const;

protected:
    /// Registers a callback by name, so a Request can name it and still be
    /// plain data: callback("parse_item", &MySpider::parse_item).
    template <class S>
    void callback(std::string callback_name, Callback (S::*method)(Response))
    {
        callbacks_[std::move(callback_name)] = [method](Spider& spider, Response response) {
            return (static_cast<S&>(spider).*method)(std::move(response));
        };
    }
    template <class S>
    void errback(std::string errback_name, Callback (S::*method)(Failure))
    {
        errbacks_[std::move(errback_name)] = [method](Spider& spider, Failure failure) {
            return (static_cast<S&>(spider).*method)(std::move(failure));
        };
    }

private:
    std::map<std::string, std::function<Callback(Spider&, Response)>, std::less<>> callbacks_;
    std::map<std::string, std::function<Callback(Spider&, Failure)>, std::less<>> errbacks_;
};

/// A value shared by concurrent callbacks: with() runs a function on it
/// under a mutex.
template <class T>
class Guarded {
public:
    Guarded() = default;
    explicit Guarded(T value) : value_(std::move(value)) {}
    template <class F>
    auto with(F&& f)
    {
        std::lock_guard lock{mutex_};
        return std::forward<F>(f)(value_);
    }

private:
    std::mutex mutex_;
    T value_{};
};

/// Spider classes by name, for `trawl crawl NAME` and `trawl list`.
class SpiderRegistry {
public:
    using Factory = std::function<std::unique_ptr<Spider>()>;
    /// The registry of this executable: built-in spiders plus those a
    /// user's translation units add with TRAWL_SPIDER.
    static SpiderRegistry& instance();
    void add(Factory factory);
    /// Throws std::invalid_argument naming the known spiders.
    std::unique_ptr<Spider> create(const std::string& spider_name) const;
    std::vector<std::string> names() const;

private:
    std::map<std::string, Factory, std::less<>> factories_;
};

namespace detail {
template <class S>
struct SpiderRegistrar {
    SpiderRegistrar()
    {
        SpiderRegistry::instance().add([] { return std::make_unique<S>(); });
    }
};
} // namespace detail

} // namespace trawl

/// Registers a spider class by its `name` in the user's executable. (A
/// static registrar is fine here: it lives in the user's own object files,
/// which the linker keeps; built-ins register explicitly.)
#define TRAWL_SPIDER(SpiderClass) \
    static const ::trawl::detail::SpiderRegistrar<SpiderClass> trawl_spider_registrar_##SpiderClass {}
