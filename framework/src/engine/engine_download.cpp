// The download side of the engine: a request's way through the downloader
// middlewares and its slot to the Downloader, and back.

#include "engine/engine.hpp"

#include <trawl/error.hpp>
#include <trawl/fingerprint.hpp>
#include <trawl/slots.hpp>
#include <trawl/log.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <fmt/format.h>

#include <chrono>

namespace trawl {

namespace {
const Logger logger{"trawl.core.engine"};
} // namespace

namespace net = boost::asio;

net::awaitable<void> Engine::enqueue(Request request)
{
    const Fingerprint fingerprint = request_fingerprint(request);
    co_await enqueue(std::move(request), fingerprint);
}

net::awaitable<void> Engine::enqueue(Request request, Fingerprint fingerprint)
{
    if (!enqueue_now(request, fingerprint)) {
        const bool stored = co_await scheduler_->enqueue_request(request, fingerprint);
        after_enqueue(request, stored);
    }
    wake();
}

// The common case: a scheduler that answers at once, no coroutine.
bool Engine::enqueue_now(Request& request, const Fingerprint& fingerprint)
{
    // A stored request moves into the scheduler; a copy for the
    // RequestScheduled signal is made only when someone listens.
    std::optional<Request> copy;
    if (crawler_.signals().connected<RequestScheduled>()) {
        copy = request;
    }
    const auto stored = scheduler_->enqueue_request_now(request, fingerprint);
    if (!stored) {
        return false;
    }
    after_enqueue(copy ? *copy : request, *stored);
    return true;
}

void Engine::after_enqueue(const Request& request, bool stored)
{
    if (stored) {
        crawler_.signals().send(RequestScheduled{request});
    } else {
        crawler_.signals().send(RequestDropped{request, "duplicate"});
    }
}

net::awaitable<void> Engine::enqueue_start_request(Request request)
{
    struct Counted {
        std::size_t& count;
        ~Counted() { --count; }
    } counted{start_enqueues_};
    TaskGuard guard{*this};
    co_await enqueue(std::move(request));
}

void Engine::reschedule(Request request)
{
    // A retry may ask to wait first (meta "retry_delay", seconds): the
    // request sleeps outside the frontier, counted as work in progress so
    // the crawl does not close under it.
    double delay = 0;
    if (auto it = request.meta.find("retry_delay"); it != request.meta.end() && it->value().is_number()) {
        delay = it->value().to_number<double>();
    }
    ++tasks_;
    spawn_task(enqueue_later(std::move(request), delay));
}

// A member coroutine, not a lambda: a coroutine lambda's captures live in
// the lambda object, which is gone once the spawning statement ends.
net::awaitable<void> Engine::enqueue_later(Request request, double delay_seconds)
{
    TaskGuard guard{*this};
    if (delay_seconds > 0) {
        net::steady_timer timer{loop_, std::chrono::duration_cast<std::chrono::nanoseconds>(
                                           std::chrono::duration<double>(delay_seconds))};
        co_await timer.async_wait(net::use_awaitable);
    }
    co_await enqueue(std::move(request));
}

net::awaitable<void> Engine::process_request(Request request, std::string slot)
{
    TaskGuard guard{*this};
    std::optional<SlotHold> hold{std::in_place, *this, std::move(slot)};
    auto outcome = co_await download(request);
    hold.reset();  // the slot is for downloading; parsing does not hold it
    if (auto* response = std::get_if<Response>(&outcome)) {
        co_await scrape(std::move(*response));
    } else if (auto* failure = std::get_if<Failure>(&outcome)) {
        co_await handle_failure(std::move(*failure));
    } else if (auto* again = std::get_if<Rescheduled>(&outcome)) {
        reschedule(std::move(again->request));
    } else if (auto* ignored = std::get_if<Ignored>(&outcome)) {
        crawler_.signals().send(RequestDropped{request, ignored->reason});
    }
}

net::awaitable<DownloadResult> Engine::fetch_for_callback(Request request, GlobalCap cap)
{
    // A sub-request follows retries and redirects itself, so the callback
    // awaiting it gets the final answer; the middlewares' own limits (retry
    // times, redirect times, in meta) end the loop.
    while (true) {
        // A sub-request is not in the scheduler: it waits for its slot here.
        auto key = slot_key(request);
        co_await wait_for_slot(key, cap);
        slots_.start(key);
        std::optional<SlotHold> hold{std::in_place, *this, std::move(key)};
        auto outcome = co_await download(request);
        hold.reset();
        if (auto* response = std::get_if<Response>(&outcome)) {
            co_return std::move(*response);
        }
        if (auto* failure = std::get_if<Failure>(&outcome)) {
            co_return std::move(failure->error);
        }
        if (auto* ignored = std::get_if<Ignored>(&outcome)) {
            co_return DownloadError{errc::cancelled, fmt::format("request ignored: {}", ignored->reason), request.url};
        }
        request = std::move(std::get<Rescheduled>(outcome).request);
        if (auto it = request.meta.find("retry_delay"); it != request.meta.end() && it->value().is_number()) {
            net::steady_timer timer{loop_, std::chrono::duration_cast<std::chrono::nanoseconds>(
                                               std::chrono::duration<double>(it->value().to_number<double>()))};
            co_await timer.async_wait(net::use_awaitable);
        }
    }
}

net::awaitable<void> Engine::wait_for_slot(const std::string& key, GlobalCap cap)
{
    while (!(cap == GlobalCap::respect ? slots_.ready(key) : slots_.slot_ready(key))) {
        auto waiter = std::make_shared<net::steady_timer>(loop_);
        auto until = slots_.next_ready_time();
        waiter->expires_at(until ? *until : std::chrono::steady_clock::now() + std::chrono::seconds{1});
        waiters_.push_back(waiter);
        auto [ec] = co_await waiter->async_wait(net::as_tuple(net::use_awaitable));
        if (ec && cancelled_) {
            throw boost::system::system_error(net::error::operation_aborted);
        }
    }
}

// The order is Scrapy's and matters:
// 1. process_request, ascending: a Response skips the download (but not
//    step 3), a Reschedule or Ignore ends here.
// 2. The download; a failure goes through process_exception, descending:
//    the first non-Continue answer wins; a Response from it continues to 3.
// 3. process_response, descending, on whatever response we have.
net::awaitable<Engine::DownloadOutcome> Engine::download(Request& request)
{
    std::optional<Response> response;
    for (auto* middleware : request_chain_) {
        auto action = co_await middleware->process_request(request);
        if (auto* r = std::get_if<Response>(&action)) {
            response = std::move(*r);
            // Not downloaded: a latency a retried request carries over is
            // not this response's.
            request.meta.erase("download_latency");
            break;
        }
        if (auto* again = std::get_if<Reschedule>(&action)) {
            co_return Rescheduled{std::move(again->request)};
        }
        if (auto* ignore = std::get_if<Ignore>(&action)) {
            co_return Ignored{std::move(ignore->reason)};
        }
    }

    if (!response) {
        // Scrapy's meta["download_latency"] (seconds), which AutoThrottle and
        // adaptive concurrency read in process_response: up to the response
        // head when the handler knows it (HTTP), else the whole fetch.
        const auto started = crawler_.clock().now();
        auto result = co_await downloader_->fetch(request);
        const auto latency = result && result->head_latency() ? *result->head_latency()
                                                              : crawler_.clock().now() - started;
        request.meta["download_latency"] = std::chrono::duration<double>(latency).count();
        if (result) {
            response = std::move(*result);
        } else {
            DownloadError error = std::move(result.error());
            for (auto* middleware : exception_chain_) {
                auto action = co_await middleware->process_exception(request, error);
                if (auto* r = std::get_if<Response>(&action)) {
                    response = std::move(*r);
                    break;
                }
                if (auto* again = std::get_if<Reschedule>(&action)) {
                    co_return Rescheduled{std::move(again->request)};
                }
                if (auto* ignore = std::get_if<Ignore>(&action)) {
                    co_return Ignored{std::move(ignore->reason)};
                }
            }
            if (!response) {
                co_return Failure{request, std::move(error), std::nullopt, nullptr};
            }
        }
    }

    for (auto* middleware : response_chain_) {
        auto action = co_await middleware->process_response(request, *response);
        if (auto* r = std::get_if<Response>(&action)) {
            response = std::move(*r);
        } else if (auto* again = std::get_if<Reschedule>(&action)) {
            co_return Rescheduled{std::move(again->request)};
        } else if (auto* ignore = std::get_if<Ignore>(&action)) {
            co_return Ignored{std::move(ignore->reason)};
        }
    }
    crawler_.signals().send(ResponseReceived{*response});
    logger.debug("Crawled ({}) <{} {}>", response->status(), request.method, response->url());
    co_return std::move(*response);
}

} // namespace trawl
