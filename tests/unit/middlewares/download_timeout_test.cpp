#include "downloader/download_timeout.hpp"
#include "middleware_test_support.hpp"

#include <gtest/gtest.h>

namespace trawl::test {
namespace {

using middlewares::DownloadTimeoutMiddleware;

TEST(DownloadTimeoutTest, SetsTheSettingAsMetaWhenAbsent)
{
    auto crawler = make_crawler({{"DOWNLOAD_TIMEOUT", 12.5}});
    auto mw = DownloadTimeoutMiddleware::from_crawler(*crawler);
    EXPECT_EQ(mw->hooks(), static_cast<HookSet>(Hook::request));
    Request request{"http://example.com/"};
    auto action = run(mw->process_request(request));
    EXPECT_TRUE(std::holds_alternative<Continue>(action));
    EXPECT_EQ(request.meta.at("download_timeout").to_number<double>(), 12.5);
}

TEST(DownloadTimeoutTest, KeepsTheRequestsOwnTimeout)
{
    auto crawler = make_crawler();
    auto mw = DownloadTimeoutMiddleware::from_crawler(*crawler);
    Request request{"http://example.com/"};
    request.meta["download_timeout"] = 3;
    run(mw->process_request(request));
    EXPECT_EQ(request.meta.at("download_timeout").to_number<double>(), 3);
}

TEST(DownloadTimeoutTest, DefaultIs180AndZeroSetsNothing)
{
    auto crawler = make_crawler();
    auto mw = DownloadTimeoutMiddleware::from_crawler(*crawler);
    Request request{"http://example.com/"};
    run(mw->process_request(request));
    EXPECT_EQ(request.meta.at("download_timeout").to_number<double>(), 180);

    auto zero = make_crawler({{"DOWNLOAD_TIMEOUT", 0}});
    auto off = DownloadTimeoutMiddleware::from_crawler(*zero);
    Request other{"http://example.com/"};
    run(off->process_request(other));
    EXPECT_FALSE(other.meta.contains("download_timeout"));
}

} // namespace
} // namespace trawl::test
