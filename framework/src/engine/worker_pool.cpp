#include "engine/worker_pool.hpp"

#include <sys/resource.h>
#include <unistd.h>

namespace trawl::detail {

namespace {

// Linux applies nice per thread (a thread is a task); raising one's own
// nice value needs no privilege. Failure only means normal priority.
void lower_own_priority()
{
    const auto tid = static_cast<id_t>(::gettid());
    errno = 0;
    const int current = ::getpriority(PRIO_PROCESS, tid);
    if (errno == 0) {
        (void)::setpriority(PRIO_PROCESS, tid, current + WorkerPool::worker_nice);
    }
}

} // namespace

WorkerPool::WorkerPool(std::size_t threads)
    : context_(static_cast<int>(threads)), work_(boost::asio::make_work_guard(context_))
{
    threads_.reserve(threads);
    for (std::size_t i = 0; i < threads; ++i) {
        threads_.emplace_back([this] {
            lower_own_priority();
            context_.run();
        });
    }
}

WorkerPool::~WorkerPool() { join(); }

void WorkerPool::join()
{
    work_.reset();
    for (auto& thread : threads_) {
        if (thread.joinable()) {
            thread.join();
        }
    }
}

} // namespace trawl::detail
