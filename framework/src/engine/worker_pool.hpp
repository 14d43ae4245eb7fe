#pragma once
// The threads that run callbacks (the parse pool) and pipelines (the item
// thread): an io_context served by N threads, each of which first lowers
// its own scheduling priority (nice +worker_nice). The loop thread keeps
// the normal priority: it is the one whose delays every connection feels
// (timeouts, reads, new downloads), while a callback that waits a few
// milliseconds more for a core costs nothing but those milliseconds. On a
// machine with more runnable threads than cores (a 2-core box with the
// crawl, its parse thread and a local server) this keeps the loop lag
// down; with cores to spare it changes nothing.

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <cstddef>
#include <thread>
#include <vector>

namespace trawl::detail {

class WorkerPool {
public:
    static constexpr int worker_nice = 5;

    explicit WorkerPool(std::size_t threads);
    ~WorkerPool();  // joins
    WorkerPool(const WorkerPool&) = delete;
    WorkerPool& operator=(const WorkerPool&) = delete;

    using executor_type = boost::asio::io_context::executor_type;
    executor_type get_executor() noexcept { return context_.get_executor(); }

    /// Lets the threads finish the work they have, then joins them.
    void join();

private:
    boost::asio::io_context context_;
    boost::asio::executor_work_guard<executor_type> work_;
    std::vector<std::thread> threads_;
};

} // namespace trawl::detail
