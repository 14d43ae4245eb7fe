// The scraping side of the engine: callbacks run on the parse pool, their
// output goes to the frontier (requests) and the pipelines (items).

#include "engine/engine.hpp"

#include <trawl/error.hpp>
#include <trawl/fingerprint.hpp>
#include <trawl/log.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>

#include <fmt/format.h>

#include <stdexcept>
#include <string>
#include <typeinfo>

namespace trawl {

namespace net = boost::asio;


namespace {

const Logger logger{"trawl.core.scraper"};

std::string describe(const std::exception_ptr& error, std::string* type_name = nullptr)
{
    try {
        std::rethrow_exception(error);
    } catch (const std::exception& e) {
        if (type_name) {
            *type_name = typeid(e).name();
        }
        return e.what();
    } catch (...) {
        if (type_name) {
            *type_name = "unknown";
        }
        return "unknown exception";
    }
}

// What escapes run_pipelines when a pipeline throws: which pipeline, and
// its message, so the item counts as failed with that pipeline as reason.
class PipelineFailure : public std::runtime_error {
public:
    PipelineFailure(std::string pipeline, const std::string& message)
        : std::runtime_error(message), pipeline_(std::move(pipeline))
    {
    }
    const std::string& pipeline() const noexcept { return pipeline_; }

private:
    std::string pipeline_;
};

std::vector<Request*> requests_in(std::vector<Output>& values)
{
    std::vector<Request*> requests;
    for (auto& value : values) {
        if (auto* request = std::get_if<Request>(&value)) {
            requests.push_back(request);
        }
    }
    return requests;
}

} // namespace

void Engine::log_callback_error(const std::exception_ptr& error, const std::string& url)
{
    std::string type;
    auto message = describe(error, &type);
    logger.error("Spider error processing <{}>: {}", url, message);
    crawler_.stats().inc_value(fmt::format("spider_exceptions/{}", type));
    crawler_.stats().inc_value("spider_exceptions_count");
}

net::awaitable<void> Engine::scrape(Response response)
{
    // Bytes waiting for or in callbacks hold new downloads back (backpressure).
    const std::size_t size = response.body().size();
    parse_bytes_ += size;
    struct Release {
        Engine& engine;
        std::size_t size;
        ~Release()
        {
            engine.parse_bytes_ -= size;
            engine.wake();
        }
    } release{*this, size};

    Callback callback;
    try {
        callback = crawler_.spider().call(response.request().callback, response);
    } catch (const std::exception& e) {
        log_callback_error(std::current_exception(), response.url());
        co_return;
    }
    co_await drive(std::move(callback), std::move(response));
}

net::awaitable<void> Engine::handle_failure(Failure failure)
{
    crawler_.signals().send(RequestFailed{failure.request, failure.error});
    const auto errback = failure.request.errback;
    if (errback.empty() || !crawler_.spider().has_errback(errback)) {
        if (!errback.empty()) {
            logger.error("spider has no errback named '{}'", errback);
        }
        logger.error("Error downloading <{} {}>: {}", failure.request.method, failure.request.url,
                      failure.error.message);
        co_return;
    }
    const std::string url = failure.request.url;
    std::optional<Callback> callback;
    try {
        callback = crawler_.spider().call_errback(errback, std::move(failure));
    } catch (const std::exception&) {
        log_callback_error(std::current_exception(), url);
        co_return;
    }
    co_await drive(std::move(*callback), std::nullopt);
}

std::optional<Callback> Engine::errback_for_refused(const Response& response, const std::exception_ptr& error)
{
    const auto& request = response.request();
    if (request.errback.empty()) {
        return std::nullopt;
    }
    if (!crawler_.spider().has_errback(request.errback)) {
        logger.error("spider has no errback named '{}'", request.errback);
        return std::nullopt;
    }
    Failure failure{request, {}, response, error};
    failure.error.url = response.url();
    try {
        std::rethrow_exception(error);
    } catch (const boost::system::system_error& e) {
        failure.error.code = e.code();
        failure.error.message = e.what();
    } catch (const std::exception& e) {
        failure.error.code = make_error_code(errc::internal_error);
        failure.error.message = e.what();
    } catch (...) {
        failure.error.code = make_error_code(errc::internal_error);
        failure.error.message = "unknown exception";
    }
    try {
        return crawler_.spider().call_errback(request.errback, std::move(failure));
    } catch (const std::exception&) {
        log_callback_error(std::current_exception(), response.url());
        return std::nullopt;
    }
}

// Runs a callback to its end: each step resumes it on the parse pool (with
// the spider middlewares around it) and handles, on the loop, what it
// yielded and what it awaits.
net::awaitable<void> Engine::drive(Callback callback, std::optional<Response> response)
{
    const std::string url = response ? response->url() : std::string{};
    bool first_step = true;
    while (true) {
        PreparedOutput output;
        const bool keep_duplicates = crawler_.signals().connected<RequestDropped>();
        std::exception_ptr error;
        bool input_refused = false;
        co_await net::co_spawn(
            parse_pool_.get_executor(),
            [&]() -> net::awaitable<void> {
                if (first_step && response) {
                    for (auto& middleware : spider_middlewares_) {
                        if ((error = middleware.component->process_spider_input(*response))) {
                            input_refused = true;
                            co_return;
                        }
                    }
                }
                callback.resume();
                std::vector<Output> values = callback.take_output();
                if (callback.done() && callback.promise().error) {
                    error = callback.promise().error;
                }
                if (response) {
                    run_spider_output(*response, values);
                }
                output = prepare_output(std::move(values), keep_duplicates, response ? &*response : nullptr);
            },
            // Not cancellable: a step is short CPU work. Asio 1.81's co_spawn
            // forwards a cancellation to the other executor through a pointer
            // that dies when the step completes at that moment (ASan caught it
            // on a second SIGINT); an empty slot keeps the forwarder out. The
            // callback still stops at its next await, which sees the cancel.
            net::bind_cancellation_slot(net::cancellation_slot(), net::use_awaitable));
        first_step = false;

        co_await handle_output(std::move(output), url);
        if (input_refused) {
            // As Scrapy: a refused response goes to the request's errback,
            // whose output takes the callback's place; without one, the
            // error goes on to process_spider_exception.
            if (auto errback = errback_for_refused(*response, error)) {
                callback = std::move(*errback);
                continue;
            }
        }
        if (error) {
            // A spider middleware may turn the error into output; else it is logged.
            std::optional<std::vector<Output>> recovered;
            if (response) {
                for (auto it = spider_middlewares_.rbegin(); it != spider_middlewares_.rend() && !recovered; ++it) {
                    recovered = it->component->process_spider_exception(*response, error);
                }
            }
            if (recovered) {
                // Completed like a callback's requests: by the eager
                // middlewares here, by the others in prepare_output.
                for (std::size_t i = 0; i < spider_middlewares_.size(); ++i) {
                    if (completes_eagerly_[i]) {
                        spider_middlewares_[i].component->complete_requests(*response, requests_in(*recovered));
                    }
                }
                co_await handle_output(prepare_output(std::move(*recovered), keep_duplicates, &*response), url);
            } else {
                log_callback_error(error, url);
            }
            co_return;
        }
        if (callback.done()) {
            co_return;
        }

        auto& pending = callback.promise().pending;
        if (auto* fetch = std::get_if<FetchOperation>(&pending)) {
            Request request = std::move(fetch->request);
            pending = std::monostate{};
            callback.promise().fetch_result = co_await fetch_for_callback(std::move(request));
        } else if (auto* sleep = std::get_if<SleepOperation>(&pending)) {
            net::steady_timer timer{loop_, sleep->duration};
            pending = std::monostate{};
            co_await timer.async_wait(net::use_awaitable);
        }
        // else: the batch was full; resume for more.
    }
}

void Engine::run_spider_output(const Response& response, std::vector<Output>& values)
{
    for (std::size_t i = spider_middlewares_.size(); i-- > 0;) {
        auto& middleware = *spider_middlewares_[i].component;
        middleware.process_spider_output(response, values);
        if (completes_eagerly_[i]) {
            middleware.complete_requests(response, requests_in(values));
        }
    }
}

// Here, on the parse pool, not on the loop: canonicalising and hashing ~20
// URLs a page was a fifth of the loop thread's time, and most of them are
// duplicates, which need not go to the loop at all. Nor need they be
// completed (SpiderMiddleware::complete_requests): only the requests kept.
Engine::PreparedOutput Engine::prepare_output(std::vector<Output> values, bool keep_duplicates,
                                              const Response* response)
{
    PreparedOutput prepared;
    prepared.values.reserve(values.size());
    std::vector<bool> duplicate(values.size());
    std::vector<Request*> to_complete;
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (auto* request = std::get_if<Request>(&values[i])) {
            const Fingerprint fingerprint = request_fingerprint(*request);
            duplicate[i] = scheduler_->drop_if_duplicate(*request, fingerprint);
            if (!duplicate[i]) {
                prepared.fingerprints.push_back(fingerprint);
            }
            if (!duplicate[i] || keep_duplicates) {
                to_complete.push_back(request);
            }
        }
    }
    if (response && !to_complete.empty()) {
        for (auto* middleware : deferred_completions_) {
            middleware->complete_requests(*response, to_complete);
        }
    }
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (!duplicate[i]) {
            prepared.values.push_back(std::move(values[i]));
        } else if (keep_duplicates) {
            prepared.duplicates.push_back(std::move(std::get<Request>(values[i])));
        }
    }
    return prepared;
}

net::awaitable<void> Engine::handle_output(PreparedOutput output, std::string from_url)
{
    for (const auto& duplicate : output.duplicates) {
        crawler_.signals().send(RequestDropped{duplicate, "duplicate"});
    }
    std::size_t requests = 0;
    for (auto& value : output.values) {
        if (auto* request = std::get_if<Request>(&value)) {
            const Fingerprint& fingerprint = output.fingerprints[requests++];
            if (!closing_ && !enqueue_now(*request, fingerprint)) {
                co_await enqueue(std::move(*request), fingerprint);
            }
        } else {
            co_await send_item(std::move(std::get<Item>(value)), from_url);
        }
    }
    if (requests > 0) {
        wake();
    }
}

net::awaitable<ItemAction> Engine::run_pipelines(std::shared_ptr<const Item> original)
{
    // The copy is made here, on the item thread, not on the loop; the
    // original stays for the signals (item_dropped reports the item).
    Item item = *original;
    for (auto& pipeline : pipelines_) {
        std::exception_ptr failure;
        ItemAction action;
        try {
            action = co_await pipeline.component->process_item(std::move(item), crawler_.spider());
        } catch (...) {
            failure = std::current_exception();
        }
        if (failure) {
            throw PipelineFailure{pipeline.name, describe(failure)};
        }
        if (auto* drop = std::get_if<Drop>(&action)) {
            co_return std::move(*drop);
        }
        item = std::move(std::get<Item>(action));
    }
    co_return item;
}

net::awaitable<void> Engine::send_item(Item item, std::string from_url)
{
    // Backpressure: at most CONCURRENT_ITEMS items in the pipelines; the
    // callback that yields more waits here.
    while (items_in_flight_ >= max_items_in_flight_) {
        auto waiter = std::make_shared<net::steady_timer>(loop_, std::chrono::seconds{1});
        waiters_.push_back(waiter);
        co_await waiter->async_wait(net::as_tuple(net::use_awaitable));
    }
    ++items_in_flight_;
    auto shared = std::make_shared<Item>(std::move(item));
    net::co_spawn(item_pool_.get_executor(), run_pipelines(shared),
                  net::bind_executor(loop_, [this, shared, from_url](std::exception_ptr error, ItemAction action) {
                      if (error) {
                          // A pipeline that throws fails this item only: counted with the
                          // pipeline as the reason, and the crawl goes on.
                          std::string pipeline = "unknown";
                          std::string message;
                          try {
                              std::rethrow_exception(error);
                          } catch (const PipelineFailure& failure) {
                              pipeline = failure.pipeline();
                              message = failure.what();
                          } catch (...) {
                              message = describe(error);
                          }
                          logger.error("Error processing {} item from <{}> in pipeline {}: {}", shared->kind(),
                                       from_url, pipeline, message);
                          crawler_.stats().inc_value("item_failed_count");
                          crawler_.stats().inc_value(fmt::format("item_failed_reasons_count/{}", pipeline));
                      } else if (auto* drop = std::get_if<Drop>(&action)) {
                          logger.warning("Dropped: {} from <{}>", drop->reason, from_url);
                          crawler_.signals().send(ItemDropped{*shared, drop->reason});
                      } else {
                          const auto& scraped = std::get<Item>(action);
                          logger.debug("Scraped from <{}>", from_url);
                          crawler_.signals().send(ItemScraped{scraped});
                      }
                      --items_in_flight_;
                      wake();
                  }));
}

} // namespace trawl
