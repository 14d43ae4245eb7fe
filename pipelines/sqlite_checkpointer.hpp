#pragma once
// WAL checkpoints for the "sqlite" pipeline's writer, on a thread and a
// connection of their own. SQLite's automatic checkpoint runs inside the
// writer's COMMIT, and with synchronous=NORMAL a checkpoint is where the
// fsyncs are: a third of the writer's time in the export bench. Here the
// writer only hands over a WAL size (from sqlite3_wal_hook), and a PASSIVE
// checkpoint copies pages meanwhile.
//
// A PASSIVE checkpoint seldom catches up with a writer that keeps
// committing, and the WAL only starts over once one has: past
// `restart_pages` the writer waits for the thread's checkpoint to end and
// runs a RESTART checkpoint itself, so the WAL stays bounded. (Two
// checkpoints at once make the second fail with SQLITE_BUSY at once, busy
// handler or not: hence the hand-over rather than a concurrent RESTART.)

#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <string>
#include <thread>

struct sqlite3;

namespace trawl::pipelines {

class SqliteCheckpointer {
public:
    /// Takes over the checkpoints of `writer` (a connection to `path` in WAL
    /// mode) until destroyed. Throws std::runtime_error when its own
    /// connection cannot be opened.
    SqliteCheckpointer(sqlite3* writer, const std::string& path);
    /// Stops the thread and closes its connection; the writer's own close
    /// then checkpoints what is left, as SQLite does for the last connection.
    ~SqliteCheckpointer();
    SqliteCheckpointer(const SqliteCheckpointer&) = delete;
    SqliteCheckpointer& operator=(const SqliteCheckpointer&) = delete;

    /// SQLite's default: a checkpoint once the WAL holds this many pages.
    static constexpr int checkpoint_pages = 1000;
    /// Past this many pages (40 MB of 4 KB pages) the writer restarts the
    /// WAL itself.
    static constexpr int restart_pages = 10000;

private:
    static int on_commit(void* self, sqlite3* writer, const char* database, int pages);
    void run();

    sqlite3* writer_;
    sqlite3* connection_ = nullptr;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::condition_variable idle_;
    bool wanted_ = false;
    bool stopping_ = false;
    bool checkpointing_ = false;  // the thread is in a checkpoint
    bool paused_ = false;         // the writer is restarting the WAL
    std::thread thread_;
};

} // namespace trawl::pipelines
