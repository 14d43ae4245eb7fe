#pragma once
// A Downloader on the test's own event loop, with settings a test may
// change before the first fetch.

#include "support/run_coro.hpp"
#include "support/test_server.hpp"

#include <trawl/downloader.hpp>
#include <trawl/settings.hpp>

#include <boost/asio/io_context.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace trawl::testing {

class DownloaderTest : public ::testing::Test {
protected:
    void set(std::string_view name, boost::json::value value)
    {
        settings_.set(name, std::move(value), SettingPriority::cmdline, "test");
        downloader_.reset();  // rebuilt with the new settings
    }

    Downloader& downloader()
    {
        if (!downloader_) {
            downloader_ = std::make_unique<Downloader>(loop_.get_executor(), settings_);
        }
        return *downloader_;
    }

    DownloadResult fetch(Request request) { return run_coro(loop_, downloader().fetch(std::move(request))); }
    DownloadResult fetch(std::string url) { return fetch(Request{std::move(url)}); }

    /// Fetches all at once, concurrently, and returns the results in order.
    std::vector<DownloadResult> fetch_all(std::vector<Request> requests);

    /// The error code of a failed result (fails the test when it succeeded).
    static boost::system::error_code error_of(const DownloadResult& result)
    {
        EXPECT_FALSE(result.has_value()) << "expected a failure, got status " << result->status();
        return result ? boost::system::error_code{} : result.error().code;
    }

    Settings settings_;
    boost::asio::io_context loop_{1};
    std::unique_ptr<Downloader> downloader_;
};

/// Seconds since `start`, for "it ended in time" checks.
inline double seconds_since(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

} // namespace trawl::testing
