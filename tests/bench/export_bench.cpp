// Exports N small items, {title, price, url, tags}, the way a crawl does,
// and prints one line: "<format> <items> <seconds> <items/s>".
//   ... OUT built      items are built inside the timed loop (the default),
//                      as scrapy_export_bench.py builds its dicts: both
//                      sides pay for making them
//   ... OUT prebuilt   the N items are built before the clock starts (the
//                      sqlite pipeline gets each moved in): the exporter's
//                      own rate (in a crawl, callbacks build items on the
//                      parse pool and the feed writes them elsewhere)
//   export_bench jsonl  N OUT   the jsonlines FeedExporter into a byte
//                               buffer, flushed with the feed's
//                               write_records every 64 KB (the feed
//                               export's writer path, on one thread here)
//   export_bench sqlite N OUT   the "sqlite" pipeline: open_spider,
//                               process_item for each, close_spider (the
//                               last commit included)

#include "extensions/feed_storage.hpp"

#include <jsonlines_exporter.hpp>
#include <sqlite_pipeline.hpp>

#include <trawl/crawler.hpp>
#include <trawl/log.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json/array.hpp>

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <fcntl.h>
#include <string>
#include <unistd.h>
#include <vector>

namespace {

namespace net = boost::asio;

trawl::Item make_item(std::int64_t n)
{
    trawl::Item item{"product"};
    auto& fields = item.fields();
    fields["title"] = fmt::format("Product number {}", n);
    fields["price"] = static_cast<double>(n % 10000) / 100.0 + 0.99;
    fields["url"] = fmt::format("https://shop.example.com/products/{}.html", n);
    fields["tags"] = boost::json::array{"tag" + std::to_string(n % 7), "sale"};
    return item;
}

// The items to export: make_item(n) each time, or item n of those built
// beforehand.
class ItemSource {
public:
    ItemSource(bool prebuilt, std::int64_t count)
    {
        if (prebuilt) {
            built_.reserve(static_cast<std::size_t>(count));
            for (std::int64_t n = 0; n < count; ++n) {
                built_.push_back(make_item(n));
            }
        }
    }
    /// Item n; a prebuilt one is moved out.
    trawl::Item take(std::int64_t n)
    {
        return built_.empty() ? make_item(n) : std::move(built_[static_cast<std::size_t>(n)]);
    }
    /// Calls f(item n) without taking it.
    template <class F>
    void with_item(std::int64_t n, F&& f) const
    {
        if (built_.empty()) {
            f(make_item(n));
        } else {
            f(built_[static_cast<std::size_t>(n)]);
        }
    }

private:
    std::vector<trawl::Item> built_;
};

double export_jsonl(std::int64_t count, const std::string& out, const ItemSource& items)
{
    const int fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        throw std::runtime_error{"cannot open " + out};
    }
    const auto start = std::chrono::steady_clock::now();
    trawl::StringSink sink;
    trawl::FeedExporterOptions options;
    trawl::JsonLinesExporter exporter{sink, options};
    std::vector<std::size_t> record_ends;
    std::uint64_t offset = 0;
    auto flush = [&] {
        if (auto ec = trawl::write_records(fd, offset, sink.str(), record_ends)) {
            throw std::runtime_error{"write: " + ec.message()};
        }
        sink.clear();
        record_ends.clear();
    };
    exporter.start();
    for (std::int64_t n = 0; n < count; ++n) {
        items.with_item(n, [&](const trawl::Item& item) { exporter.export_item(item); });
        record_ends.push_back(sink.str().size());
        if (sink.str().size() >= 64 * 1024) {
            flush();
        }
    }
    exporter.finish();
    record_ends.push_back(sink.str().size());
    flush();
    ::close(fd);
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

class BenchSpider final : public trawl::Spider {
public:
    BenchSpider() { name = "bench"; }
};

double export_sqlite(std::int64_t count, const std::string& out, ItemSource& items)
{
    std::remove(out.c_str());
    std::remove((out + "-wal").c_str());
    std::remove((out + "-shm").c_str());
    trawl::Settings settings;
    settings.set("SQLITE_PATH", boost::json::value(out));
    settings.set("LOG_LEVEL", "WARNING");
    trawl::Crawler crawler{std::make_unique<BenchSpider>(), std::move(settings)};
    auto pipeline = trawl::SqlitePipeline::from_crawler(crawler);
    net::io_context context;
    const auto start = std::chrono::steady_clock::now();
    auto run = [&]() -> net::awaitable<void> {
        co_await pipeline->open_spider(crawler.spider());
        for (std::int64_t n = 0; n < count; ++n) {
            co_await pipeline->process_item(items.take(n), crawler.spider());
        }
        co_await pipeline->close_spider(crawler.spider());
    };
    auto done = net::co_spawn(context, run(), net::use_future);
    context.run();
    done.get();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (crawler.stats().get_number("sqlite/items_written") != static_cast<double>(count)) {
        throw std::runtime_error{"sqlite: not every item was written"};
    }
    return seconds;
}

} // namespace

int main(int argc, char** argv)
{
    const std::string mode = argc == 5 ? argv[4] : "built";
    if ((argc != 4 && argc != 5) || (mode != "built" && mode != "prebuilt")) {
        std::fprintf(stderr, "usage: export_bench jsonl|sqlite ITEMS OUT [built|prebuilt]\n");
        return 2;
    }
    trawl::set_log_level(trawl::LogLevel::warning);
    const std::string format = argv[1];
    const std::int64_t count = std::stoll(argv[2]);
    try {
        double seconds = 0;
        ItemSource items{mode == "prebuilt", count};
        if (format == "jsonl") {
            seconds = export_jsonl(count, argv[3], items);
        } else if (format == "sqlite") {
            seconds = export_sqlite(count, argv[3], items);
        } else {
            std::fprintf(stderr, "unknown format %s\n", format.c_str());
            return 2;
        }
        std::printf("%s %lld %.4f %.0f\n", format.c_str(), static_cast<long long>(count), seconds,
                    static_cast<double>(count) / seconds);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "export_bench: %s\n", e.what());
        return 1;
    }
    return 0;
}
