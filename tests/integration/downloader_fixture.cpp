#include "downloader_fixture.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>

#include <future>

namespace trawl::testing {

namespace net = boost::asio;

std::vector<DownloadResult> DownloaderTest::fetch_all(std::vector<Request> requests)
{
    auto& d = downloader();
    std::vector<std::future<DownloadResult>> futures;
    for (auto& request : requests) {
        futures.push_back(net::co_spawn(loop_, d.fetch(std::move(request)), net::use_future));
    }
    loop_.restart();
    loop_.run();
    std::vector<DownloadResult> results;
    for (auto& f : futures) {
        results.push_back(f.get());
    }
    return results;
}

} // namespace trawl::testing
