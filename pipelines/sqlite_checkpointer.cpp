#include "sqlite_checkpointer.hpp"

#include <fmt/format.h>

#include <sqlite3.h>

#include <stdexcept>

namespace trawl::pipelines {

SqliteCheckpointer::SqliteCheckpointer(sqlite3* writer, const std::string& path) : writer_(writer)
{
    const int rc = sqlite3_open_v2(path.c_str(), &connection_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
        std::string message = connection_ ? sqlite3_errmsg(connection_) : sqlite3_errstr(rc);
        sqlite3_close(connection_);
        throw std::runtime_error{fmt::format("sqlite: cannot open '{}' for checkpoints: {}", path, message)};
    }
    // The checkpoint syncs the WAL, then the database: as NORMAL does.
    sqlite3_exec(connection_, "PRAGMA synchronous=NORMAL", nullptr, nullptr, nullptr);
    thread_ = std::thread{[this] { run(); }};
    // Replaces SQLite's automatic checkpoint (wal_autocheckpoint).
    sqlite3_wal_hook(writer_, &SqliteCheckpointer::on_commit, this);
}

SqliteCheckpointer::~SqliteCheckpointer()
{
    sqlite3_wal_hook(writer_, nullptr, nullptr);
    {
        std::lock_guard lock{mutex_};
        stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
    sqlite3_close(connection_);
}

// On the writer's thread, after each COMMIT.
int SqliteCheckpointer::on_commit(void* self, sqlite3* writer, const char* database, int pages)
{
    auto& checkpointer = *static_cast<SqliteCheckpointer*>(self);
    if (pages >= restart_pages) {
        {
            std::unique_lock lock{checkpointer.mutex_};
            checkpointer.paused_ = true;
            checkpointer.idle_.wait(lock, [&] { return !checkpointer.checkpointing_; });
        }
        // Nobody else checkpoints now. A reader could still make it fail
        // (there is none); then the next COMMIT tries again.
        sqlite3_wal_checkpoint_v2(writer, database, SQLITE_CHECKPOINT_RESTART, nullptr, nullptr);
        std::lock_guard lock{checkpointer.mutex_};
        checkpointer.paused_ = false;
    } else if (pages >= checkpoint_pages) {
        {
            std::lock_guard lock{checkpointer.mutex_};
            checkpointer.wanted_ = true;
        }
        checkpointer.wake_.notify_one();
    }
    return SQLITE_OK;
}

void SqliteCheckpointer::run()
{
    std::unique_lock lock{mutex_};
    for (;;) {
        wake_.wait(lock, [&] { return (wanted_ && !paused_) || stopping_; });
        if (stopping_) {
            return;
        }
        wanted_ = false;
        checkpointing_ = true;
        lock.unlock();
        // PASSIVE never waits for the writer; what it cannot copy now, the
        // next one will.
        sqlite3_wal_checkpoint_v2(connection_, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
        lock.lock();
        checkpointing_ = false;
        idle_.notify_all();
    }
}

} // namespace trawl::pipelines
