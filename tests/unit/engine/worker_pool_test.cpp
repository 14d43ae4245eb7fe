#include "engine/worker_pool.hpp"

#include <gtest/gtest.h>

#include <boost/asio/post.hpp>

#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

namespace {

using trawl::detail::WorkerPool;

int own_nice() { return ::getpriority(PRIO_PROCESS, static_cast<id_t>(::gettid())); }

TEST(WorkerPool, RunsWorkOnItsThreadsAtALowerPriority)
{
    const int loop_nice = own_nice();
    std::mutex mutex;
    std::set<std::thread::id> threads;
    std::set<int> nices;
    std::atomic<int> done = 0;
    {
        WorkerPool pool{2};
        for (int i = 0; i < 100; ++i) {
            boost::asio::post(pool.get_executor(), [&] {
                const std::lock_guard lock{mutex};
                threads.insert(std::this_thread::get_id());
                nices.insert(own_nice());
                ++done;
            });
        }
        pool.join();  // finishes what was posted first
        EXPECT_EQ(done, 100);
    }
    EXPECT_FALSE(threads.contains(std::this_thread::get_id()));
    EXPECT_LE(threads.size(), 2u);
    // Lowered by worker_nice, capped at 19 (the lowest priority there is).
    EXPECT_EQ(nices, (std::set<int>{std::min(19, loop_nice + WorkerPool::worker_nice)}));
    EXPECT_EQ(own_nice(), loop_nice) << "the calling thread keeps its priority";
}

TEST(WorkerPool, DestructorJoinsAfterTheWorkItHas)
{
    std::atomic<int> done = 0;
    {
        WorkerPool pool{1};
        for (int i = 0; i < 10; ++i) {
            boost::asio::post(pool.get_executor(), [&] { ++done; });
        }
    }
    EXPECT_EQ(done, 10);
}

} // namespace
