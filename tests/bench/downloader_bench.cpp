// Downloader load benchmark (not a test): fetches one URL over and over
// with C requests in flight for D seconds and prints requests/s; or, with
// --idle N, opens N keep-alive connections to the URL's server, leaves them
// idle, and prints the resident memory per connection.
//
//   downloader_bench URL --concurrency 64 --seconds 5
//   downloader_bench URL --idle 10000 [-s DOWNLOAD_TLS_VERIFY=false]

#include <trawl/downloader.hpp>
#include <trawl/settings.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <malloc.h>

#include <chrono>
#include <fstream>
#include <string>

namespace net = boost::asio;
using Clock = std::chrono::steady_clock;

namespace {

long resident_kib()
{
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmRSS:", 0) == 0) {
            return std::stol(line.substr(6));
        }
    }
    return 0;
}

struct Totals {
    std::uint64_t ok = 0;
    std::uint64_t failed = 0;
    std::string first_error;
};

net::awaitable<void> fetch_loop(trawl::Downloader& downloader, std::string url, Clock::time_point until,
                                Totals& totals)
{
    while (Clock::now() < until) {
        auto result = co_await downloader.fetch(trawl::Request{url});
        if (result) {
            ++totals.ok;
        } else {
            if (totals.failed++ == 0) {
                totals.first_error = result.error().what();
            }
        }
    }
}

net::awaitable<void> fetch_once(trawl::Downloader& downloader, std::string url, Totals& totals)
{
    auto result = co_await downloader.fetch(trawl::Request{url});
    if (result) {
        ++totals.ok;
    } else if (totals.failed++ == 0) {
        totals.first_error = result.error().what();
    }
}

// co_spawn's completion: a benchmark coroutine that throws is a bug; stop loudly.
void rethrow(std::exception_ptr e)
{
    if (e) {
        std::rethrow_exception(e);
    }
}

} // namespace

int main(int argc, char** argv)
{
    CLI::App app{"trawl downloader benchmark"};
    std::string url;
    int concurrency = 64;
    double seconds = 5;
    int idle = 0;
    std::vector<std::string> set;
    app.add_option("url", url)->required();
    app.add_option("-c,--concurrency", concurrency);
    app.add_option("-d,--seconds", seconds);
    app.add_option("--idle", idle, "open this many connections and measure memory per idle connection");
    app.add_option("-s,--set", set);
    CLI11_PARSE(app, argc, argv);

    spdlog::set_level(spdlog::level::warn);
    trawl::Settings settings;
    settings.set("LOG_LEVEL", "WARNING", trawl::SettingPriority::command);
    const int per_host = idle > 0 ? idle : concurrency;
    settings.set("DOWNLOAD_POOL_MAX_PER_HOST", per_host, trawl::SettingPriority::command);
    settings.set("DOWNLOAD_POOL_IDLE_TIMEOUT", 600, trawl::SettingPriority::command);
    for (const auto& s : set) {
        settings.set_from_cmdline(s);
    }
    settings.freeze();

    net::io_context loop{1};
    trawl::Downloader downloader{loop.get_executor(), settings};
    Totals totals;

    if (idle > 0) {
        // Warm up one connection first (TLS context, resolver, allocator pools).
        net::co_spawn(loop, fetch_once(downloader, url, totals), rethrow);
        loop.run();
        loop.restart();
        const long before = resident_kib();
        for (int i = 0; i < idle; ++i) {
            net::co_spawn(loop, fetch_once(downloader, url, totals), rethrow);
        }
        loop.run();
        const auto stats = downloader.stats();
        const long peak = resident_kib();
        // The burst that opened them freed its buffers, but malloc keeps freed
        // memory mapped; hand it back so that RSS shows what idle connections hold.
        malloc_trim(0);
        const long after = resident_kib();
        fmt::print("idle connections: {} (ok {}, failed {}{})\n", stats.connections_open, totals.ok, totals.failed,
                   totals.first_error.empty() ? "" : ", first: " + totals.first_error);
        fmt::print("rss: {} KiB before, {} KiB at the peak, {} KiB idle: {:.1f} KiB per idle connection\n", before,
                   peak, after,
                   static_cast<double>(after - before) / static_cast<double>(std::max<std::uint64_t>(1, stats.connections_open)));
        return totals.failed == 0 ? 0 : 1;
    }

    const auto start = Clock::now();
    const auto until = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
    for (int i = 0; i < concurrency; ++i) {
        net::co_spawn(loop, fetch_loop(downloader, url, until, totals), rethrow);
    }
    loop.run();
    const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    const auto stats = downloader.stats();
    fmt::print("requests/s: {:.0f} (ok {}, failed {}, {:.2f} s, connections opened {}, reused {}){}\n",
               static_cast<double>(totals.ok) / elapsed, totals.ok, totals.failed, elapsed, stats.connections_opened,
               stats.connections_reused, totals.first_error.empty() ? "" : "; first error: " + totals.first_error);
    return totals.failed == 0 ? 0 : 1;
}
