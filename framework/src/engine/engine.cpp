#include "engine/engine.hpp"

#include <trawl/error.hpp>
#include <trawl/slots.hpp>
#include <trawl/log.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <fmt/format.h>

#include <csignal>
#include <memory>
#include <mutex>
#include <thread>

namespace trawl {

namespace net = boost::asio;

namespace {

const Logger logger{"trawl.core.engine"};

std::size_t parse_threads(const Settings& settings)
{
    auto configured = settings.get_int("PARSE_THREADS");
    if (configured > 0) {
        return static_cast<std::size_t>(configured);
    }
    const auto cores = std::thread::hardware_concurrency();
    return cores > 1 ? cores - 1 : 1;
}

} // namespace

Engine::Engine(Crawler& crawler)
    : crawler_(crawler),
      settings_(crawler.settings()),
      parse_pool_(parse_threads(crawler.settings())),
      slots_(crawler.settings(), crawler.clock()),
      wakeup_(loop_)
{
    Components builtins;
    register_builtin_components(builtins);
    crawler_.components().add_missing(std::move(builtins));
    crawler_.attach_executor(loop_.get_executor());
    max_items_in_flight_ = static_cast<std::size_t>(std::max<std::int64_t>(1, settings_.get_int("CONCURRENT_ITEMS")));
    max_parse_bytes_ = static_cast<std::size_t>(std::max<std::int64_t>(1, settings_.get_int("SCRAPER_SLOT_MAX_ACTIVE_SIZE")));
    // Start requests are pulled only while the frontier is short of work, so
    // a spider with a million start URLs never holds them all.
    start_backlog_ = static_cast<std::size_t>(std::max<std::int64_t>(1, 2 * settings_.get_int("CONCURRENT_REQUESTS")));

    downloader_ = std::make_unique<Downloader>(loop_.get_executor(), settings_);
    auto& components = crawler_.components();
    scheduler_ = components.build_scheduler(crawler_);
    downloader_middlewares_ = components.build_downloader_middlewares(crawler_);
    for (auto& built : downloader_middlewares_) {
        const auto hooks = built.component->hooks();
        if (has_hook(hooks, Hook::request)) {
            request_chain_.push_back(built.component.get());
        }
    }
    for (auto it = downloader_middlewares_.rbegin(); it != downloader_middlewares_.rend(); ++it) {
        const auto hooks = it->component->hooks();
        if (has_hook(hooks, Hook::response)) {
            response_chain_.push_back(it->component.get());
        }
        if (has_hook(hooks, Hook::exception)) {
            exception_chain_.push_back(it->component.get());
        }
    }
    spider_middlewares_ = components.build_spider_middlewares(crawler_);
    // Output hooks run descending: the middlewares after index i are those
    // below it.
    bool read_below = false;
    completes_eagerly_.resize(spider_middlewares_.size());
    for (std::size_t i = 0; i < spider_middlewares_.size(); ++i) {
        completes_eagerly_[i] = read_below;
        read_below = read_below || spider_middlewares_[i].component->needs_completed_requests();
    }
    for (std::size_t i = spider_middlewares_.size(); i-- > 0;) {
        if (!completes_eagerly_[i]) {
            deferred_completions_.push_back(spider_middlewares_[i].component.get());
        }
    }
    pipelines_ = components.build_pipelines(crawler_);
    extensions_ = components.build_extensions(crawler_);

    crawler_.settings().declare("STATUS_LINE_ENABLED", true);
    telemetry_.emplace(loop_.get_executor(), crawler_.stats(), settings_.get_seconds("LOOP_LAG_INTERVAL"),
                       settings_.get_bool("STATUS_LINE_ENABLED", true), [this] {
                           return detail::EngineGauges{slots_.global_active(), scheduler_->pending_count()};
                       });

    // Every component has declared the settings it reads by now: what is
    // left unknown is most likely a typo.
    for (const auto& warning : settings_.unknown_setting_warnings()) {
        logger.warning("{}", warning);
    }
    crawler_.settings().freeze();
}

Engine::~Engine()
{
    // Callbacks suspended in the pool and items in pipelines hold references
    // to the engine: stop the pools before the members they use go.
    parse_pool_.join();
    item_pool_.join();
}

std::string Crawler::crawl()
{
    Engine engine{*this};
    return engine.run();
}

std::string Engine::run()
{
    // The Crawler's close and schedule handlers may be called from any
    // thread, up to the moment they are unset after the loop ends. Off the
    // loop they post to it, under `gate`'s lock and only while it is open
    // (until the main loop has finished): a call racing the end of the
    // crawl cannot touch the engine after run() has returned. (On the loop
    // thread the engine is alive by definition.)
    struct Gate {
        std::mutex mutex;
        bool open = true;
    };
    auto gate = std::make_shared<Gate>();
    crawler_.set_close_handler([this, gate](std::string reason, bool at_once) {
        std::unique_lock lock{gate->mutex};
        if (!gate->open) {
            return;
        }
        // On the loop (CloseSpider's signal handlers), a graceful close takes
        // effect at once, so no download starts after the limit was reached;
        // the cancelling one is posted, off the stack of the task asking.
        if (!at_once && loop_.get_executor().running_in_this_thread()) {
            lock.unlock();
            request_close(std::move(reason), false);
            return;
        }
        net::post(loop_, [this, reason = std::move(reason), at_once]() mutable {
            request_close(std::move(reason), at_once);
        });
    });
    crawler_.download_handler_ = [this](Request request) {
        return fetch_for_callback(std::move(request), GlobalCap::ignore);
    };
    crawler_.slots_ = &slots_;
    crawler_.set_schedule_handler([this, gate](Request request) {
        std::unique_lock lock{gate->mutex};
        if (!gate->open) {
            logger.debug("Not scheduling <{} {}>: the crawl has ended", request.method, request.url);
            return;
        }
        if (loop_.get_executor().running_in_this_thread()) {
            lock.unlock();
            schedule_from_extension(std::move(request));
        } else {
            net::post(loop_, [this, request = std::move(request)]() mutable {
                schedule_from_extension(std::move(request));
            });
        }
    });
    // A close asked for before the handler was in place (the crawl was still
    // starting) must not be lost.
    if (auto early = crawler_.close_reason(); !early.empty()) {
        net::post(loop_, [this, early] { request_close(early, false); });
    }
    // SIGINT/SIGTERM: the first stops scheduling and lets in-flight work
    // finish; the second cancels it (output written so far is still flushed).
    net::signal_set signals{loop_, SIGINT, SIGTERM};
    std::function<void(boost::system::error_code, int)> on_signal = [&](boost::system::error_code ec, int signal) {
        if (ec) {
            return;
        }
        logger.info("Received {}, {}", signal == SIGINT ? "SIGINT" : "SIGTERM",
                     closing_ ? "forcing unclean shutdown" : "shutting down gracefully. Send again to force");
        crawler_.close_spider("shutdown");
        signals.async_wait(on_signal);
    };
    signals.async_wait(on_signal);

    std::exception_ptr failure;
    net::co_spawn(loop_, main_loop(), [&](std::exception_ptr e) {
        failure = e;
        boost::system::error_code ignored;
        signals.cancel(ignored);
        // The crawl is over: from here on, calls from other threads post
        // nothing, or one that keeps calling would keep the loop from ever
        // running out of work (and returning).
        std::lock_guard lock{gate->mutex};
        gate->open = false;
    });
    loop_.run();
    crawler_.set_close_handler(nullptr);
    crawler_.set_schedule_handler(nullptr);
    crawler_.download_handler_ = nullptr;
    crawler_.slots_ = nullptr;
    if (failure) {
        std::rethrow_exception(failure);
    }
    return close_reason_;
}

net::awaitable<void> Engine::open()
{
    logger.info("Spider opened: {}", crawler_.spider().name);
    crawler_.spider().opened(crawler_);
    // Pipelines may block (open a file, a database): on their own thread.
    for (auto& pipeline : pipelines_) {
        co_await net::co_spawn(item_pool_.get_executor(), pipeline.component->open_spider(crawler_.spider()),
                               net::use_awaitable);
    }
    start_requests_.emplace(crawler_.spider().start_requests());
    telemetry_->start();
    crawler_.signals().send(SpiderOpened{});
}

net::awaitable<void> Engine::main_loop()
{
    co_await open();
    while (!closing_) {
        pull_start_requests();
        start_ready_downloads();
        if (idle()) {
            // spider_idle handlers may schedule more work (Crawler::schedule),
            // close the spider, or keep it open a while (keep_open).
            Signal signal = SpiderIdle{};
            crawler_.signals().send(signal);
            pull_start_requests();
            if (!idle() || closing_) {
                continue;
            }
            if (!std::get<SpiderIdle>(signal).keep_open) {
                request_close("finished", false);
                continue;
            }
            // Kept open: ask again after Scrapy's 5 s, or as soon as
            // something is scheduled.
            wakeup_.expires_after(std::chrono::seconds{5});
            co_await wakeup_.async_wait(net::as_tuple(net::use_awaitable));
            continue;
        }
        // Sleep until something changes (wake()) or a slot's delay ends.
        auto until = slots_.next_ready_time();
        wakeup_.expires_at(until ? std::min(*until, std::chrono::steady_clock::now() + std::chrono::seconds{1})
                                 : std::chrono::steady_clock::now() + std::chrono::seconds{1});
        co_await wakeup_.async_wait(net::as_tuple(net::use_awaitable));
    }
    // Closing: nothing new starts; what is in flight finishes (or was
    // cancelled by a second close).
    while (tasks_ > 0 || items_in_flight_ > 0) {
        wakeup_.expires_after(std::chrono::seconds{1});
        co_await wakeup_.async_wait(net::as_tuple(net::use_awaitable));
    }
    co_await close(close_reason_);
}

void Engine::pull_start_requests()
{
    // Enqueueing runs as a task, so count the ones under way too.
    while (!closing_ && !start_requests_done_ && scheduler_->pending_count() + start_enqueues_ < start_backlog_) {
        std::optional<Request> request;
        try {
            request = start_requests_->next();
        } catch (const std::exception& e) {
            logger.error("Error while obtaining start requests: {}", e.what());
            crawler_.stats().inc_value("spider_exceptions/start_requests");
        }
        if (!request) {
            start_requests_done_ = true;
            break;
        }
        bool keep = true;
        for (auto& middleware : spider_middlewares_) {
            keep = keep && middleware.component->process_start_request(*request);
        }
        if (keep) {
            ++tasks_;  // until enqueued
            ++start_enqueues_;
            spawn_task(enqueue_start_request(std::move(*request)));
        }
    }
}

void Engine::start_ready_downloads()
{
    // Backpressure: responses waiting to be parsed cap new downloads.
    // The global cap first: when it binds, every slot is busy and asking the
    // scheduler would only walk them all for nothing.
    while (!closing_ && parse_bytes_ < max_parse_bytes_ && slots_.global_ready()) {
        auto request = scheduler_->next_request(slots_);
        if (!request) {
            return;
        }
        // Take the slot now, not when the task starts: the scheduler must see
        // it busy when it picks the next request.
        auto key = slot_key(*request);
        slots_.start(key);
        ++tasks_;
        spawn_task(process_request(std::move(*request), std::move(key)));
    }
}

void Engine::schedule_from_extension(Request request)
{
    if (closing_) {
        logger.debug("Not scheduling <{} {}>: the spider is closing", request.method, request.url);
        return;
    }
    ++tasks_;  // until enqueued
    spawn_task(enqueue_later(std::move(request), 0));
}

bool Engine::idle() const
{
    return tasks_ == 0 && items_in_flight_ == 0 && start_requests_done_ && !scheduler_->has_pending_requests();
}

void Engine::wake()
{
    wakeup_.cancel();
    for (auto& waiter : waiters_) {
        waiter->cancel();
    }
    waiters_.clear();
}

void Engine::request_close(std::string reason, bool at_once)
{
    if (!closing_) {
        closing_ = true;
        close_reason_ = crawler_.close_reason().empty() ? reason : crawler_.close_reason();
        logger.info("Closing spider ({})", close_reason_);
    }
    if (at_once && !cancelled_) {
        cancelled_ = true;
        for (auto& signal : task_signals_) {
            signal.emit(net::cancellation_type::terminal);
        }
    }
    wake();
}

template <class Work>
void Engine::spawn_task(Work work)
{
    // Every task can be cancelled by a forced shutdown; its completion
    // handler logs what escaped it, so a bug fails one request, not the crawl.
    auto signal = task_signals_.emplace(task_signals_.end());
    if (cancelled_) {
        signal->emit(net::cancellation_type::terminal);
    }
    net::co_spawn(loop_, std::move(work),
                  net::bind_cancellation_slot(signal->slot(), [this, signal](std::exception_ptr error) {
                      if (error) {
                          try {
                              std::rethrow_exception(error);
                          } catch (const boost::system::system_error& e) {
                              if (e.code() != net::error::operation_aborted) {
                                  logger.error("task failed: {}", e.what());
                              }
                          } catch (const std::exception& e) {
                              logger.error("task failed: {}", e.what());
                              crawler_.stats().inc_value("engine/task_errors");
                          }
                      }
                      task_signals_.erase(signal);
                  }));
}

net::awaitable<void> Engine::close(std::string reason)
{
    co_await scheduler_->close(reason);
    for (auto& pipeline : pipelines_) {
        try {
            co_await net::co_spawn(item_pool_.get_executor(), pipeline.component->close_spider(crawler_.spider()),
                                   net::use_awaitable);
        } catch (const std::exception& e) {
            logger.error("pipeline {} failed to close: {}", pipeline.name, e.what());
        }
    }
    telemetry_->finish(downloader_->stats());
    crawler_.signals().send(SpiderClosed{reason});
    crawler_.spider().closed(reason);
    downloader_->close();
    logger.info("Spider closed ({})", reason);
}

} // namespace trawl
