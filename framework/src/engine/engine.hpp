#pragma once
// The engine: runs one crawl on its own event loop thread.
//
//   start_requests ─▶ scheduler ─▶ [slot ready] ─▶ downloader middlewares ─▶ Downloader
//        ▲                                                                     │
//        └──── requests ◀── spider middlewares ◀── callback (parse pool) ◀─────┘
//                                items ─▶ pipelines (their own thread)
//
// Everything here runs on the loop thread except the callbacks and spider
// middlewares (parse pool) and the pipelines (item thread). State is touched
// only on the loop thread, so it needs no locks.

#include "engine/telemetry.hpp"
#include "engine/worker_pool.hpp"
#include "frontier/slots.hpp"

#include <trawl/callback.hpp>
#include <trawl/components.hpp>
#include <trawl/crawler.hpp>
#include <trawl/downloader.hpp>
#include <trawl/item_pipeline.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <list>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace trawl {

class Engine {
public:
    explicit Engine(Crawler& crawler);
    ~Engine();

    /// Runs the crawl to its end; returns the finish reason.
    std::string run();

private:
    // What became of a request on its way through the download side.
    struct Rescheduled {
        Request request;  ///< the new request a middleware asked for (retry, redirect)
    };
    struct Ignored {
        std::string reason;
    };
    using DownloadOutcome = std::variant<Response, Failure, Rescheduled, Ignored>;

    // engine.cpp: lifecycle and the scheduling loop.
    boost::asio::awaitable<void> main_loop();
    boost::asio::awaitable<void> open();
    boost::asio::awaitable<void> close(std::string reason);
    void pull_start_requests();
    void start_ready_downloads();
    bool idle() const;
    void schedule_from_extension(Request request);
    void wake();
    void request_close(std::string reason, bool at_once);

    // Holds a download slot; releasing it wakes the loop.
    struct SlotHold {
        SlotHold(Engine& engine, std::string key) : engine_(engine), key_(std::move(key)) {}
        ~SlotHold()
        {
            engine_.slots_.finish(key_);
            engine_.wake();
        }
        Engine& engine_;
        std::string key_;
    };

    // Counts a task in `tasks_` for its lifetime; ending one wakes the loop.
    struct TaskGuard {
        explicit TaskGuard(Engine& engine) : engine_(engine) {}
        ~TaskGuard()
        {
            --engine_.tasks_;
            engine_.wake();
        }
        Engine& engine_;
    };
    template <class Work>
    void spawn_task(Work work);

    // engine_download.cpp: the downloader middleware chain, slots, sub-requests.
    boost::asio::awaitable<void> process_request(Request request, std::string slot);
    boost::asio::awaitable<DownloadOutcome> download(Request& request);
    // Whether a download outside the scheduler waits for the global
    // CONCURRENT_REQUESTS cap too (a callback's sub-request) or only for its
    // slot (Crawler::download from a middleware, as Scrapy's engine.download:
    // the request that asked holds a place already, so with the cap full it
    // would wait for itself).
    enum class GlobalCap { respect, ignore };
    boost::asio::awaitable<void> wait_for_slot(const std::string& key, GlobalCap cap);
    boost::asio::awaitable<void> enqueue(Request request);
    boost::asio::awaitable<void> enqueue(Request request, Fingerprint fingerprint);
    bool enqueue_now(Request& request, const Fingerprint& fingerprint);
    void after_enqueue(const Request& request, bool stored);
    boost::asio::awaitable<void> enqueue_start_request(Request request);
    boost::asio::awaitable<DownloadResult> fetch_for_callback(Request request, GlobalCap cap = GlobalCap::respect);
    void reschedule(Request request);
    boost::asio::awaitable<void> enqueue_later(Request request, double delay_seconds);

    // engine_scrape.cpp: callbacks on the parse pool, their output, items.
    boost::asio::awaitable<void> scrape(Response response);
    boost::asio::awaitable<void> handle_failure(Failure failure);
    boost::asio::awaitable<void> drive(Callback callback, std::optional<Response> response);
    std::optional<Callback> errback_for_refused(const Response& response, const std::exception_ptr& error);
    // A callback step's output, ready for the loop: the fingerprints of its
    // requests (in order), known duplicates taken out (kept for the
    // RequestDropped signal only when someone listens).
    struct PreparedOutput {
        std::vector<Output> values;
        std::vector<Fingerprint> fingerprints;
        std::vector<Request> duplicates;
    };
    PreparedOutput prepare_output(std::vector<Output> values, bool keep_duplicates, const Response* response);
    /// The spider middlewares' output hooks over one batch, descending,
    /// with each complete_requests where it is due (see SpiderMiddleware).
    void run_spider_output(const Response& response, std::vector<Output>& values);
    boost::asio::awaitable<void> handle_output(PreparedOutput output, std::string from_url);
    boost::asio::awaitable<void> send_item(Item item, std::string from_url);
    boost::asio::awaitable<ItemAction> run_pipelines(std::shared_ptr<const Item> item);
    void log_callback_error(const std::exception_ptr& error, const std::string& url);

    Crawler& crawler_;
    const Settings& settings_;
    boost::asio::io_context loop_{1};
    detail::WorkerPool parse_pool_;
    detail::WorkerPool item_pool_{1};  // pipelines: one item at a time per pipeline, in order
    std::unique_ptr<Downloader> downloader_;
    detail::Slots slots_;
    std::unique_ptr<Scheduler> scheduler_;
    std::vector<Components::Built<DownloaderMiddleware>> downloader_middlewares_;  // owner, ascending
    // Per hook, only the middlewares that implement it (Scrapy's hasattr).
    std::vector<DownloaderMiddleware*> request_chain_;    // ascending
    std::vector<DownloaderMiddleware*> response_chain_;   // descending
    std::vector<DownloaderMiddleware*> exception_chain_;  // descending
    std::vector<Components::Built<SpiderMiddleware>> spider_middlewares_;  // ascending
    // Whether spider_middlewares_[i] completes a batch's requests right
    // after its process_spider_output (a middleware after it reads them),
    // and those that complete only what the dupefilter keeps, descending.
    std::vector<bool> completes_eagerly_;
    std::vector<SpiderMiddleware*> deferred_completions_;
    std::vector<Components::Built<ItemPipeline>> pipelines_;
    std::vector<Components::Built<Extension>> extensions_;

    std::optional<Generator<Request>> start_requests_;
    bool start_requests_done_ = false;
    std::size_t tasks_ = 0;             // requests in progress: download, parse, delayed retries
    std::size_t start_enqueues_ = 0;    // start requests on their way into the scheduler
    std::size_t items_in_flight_ = 0;   // items in pipelines
    std::size_t parse_bytes_ = 0;       // bytes of responses waiting for or in callbacks
    std::size_t max_items_in_flight_;
    std::size_t max_parse_bytes_;
    std::size_t start_backlog_;
    boost::asio::steady_timer wakeup_;
    std::vector<std::shared_ptr<boost::asio::steady_timer>> waiters_;  // woken by wake()
    std::list<boost::asio::cancellation_signal> task_signals_;
    std::optional<detail::Telemetry> telemetry_;
    bool closing_ = false;
    bool cancelled_ = false;
    std::string close_reason_;
};

} // namespace trawl
