#include "media_pipeline.hpp"

#include "media_path.hpp"

#include <trawl/crawler.hpp>
#include <trawl/downloader_middleware.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include <chrono>
#include <exception>
#include <utility>

namespace net = boost::asio;
namespace json = boost::json;

namespace trawl::media {

// One URL's fetch, awaited by every item that names the URL. The first
// item starts it; the others wait for its result, and it stays as the
// crawl's memory of that URL.
struct MediaPipeline::Pending {
    using Handler = net::any_completion_handler<void(Result)>;
    struct Waiter {
        net::any_io_executor executor;
        Handler handler;
    };

    void complete(Result value)
    {
        std::vector<Waiter> waiting;
        {
            std::lock_guard lock{mutex};
            done = true;
            result = value;
            waiting.swap(waiters);
        }
        for (auto& waiter : waiting) {
            resume(std::move(waiter), value);
        }
    }

    /// The fetch's result, resumed on `executor`: the waiting coroutine's.
    net::awaitable<Result> wait(net::any_io_executor executor)
    {
        return net::async_initiate<decltype(net::use_awaitable), void(Result)>(
            [this, executor](Handler handler) {
                std::unique_lock lock{mutex};
                if (!done) {
                    waiters.push_back(Waiter{executor, std::move(handler)});
                    return;
                }
                auto value = result;
                lock.unlock();
                resume(Waiter{executor, std::move(handler)}, std::move(value));
            },
            net::use_awaitable);
    }

    // Never inline: the waiter resumes on its own executor, not inside
    // whoever completed the fetch.
    static void resume(Waiter waiter, Result value)
    {
        net::post(waiter.executor, [handler = std::move(waiter.handler), value = std::move(value)]() mutable {
            std::move(handler)(std::move(value));
        });
    }

    std::mutex mutex;
    bool done = false;
    Result result;
    std::vector<Waiter> waiters;
};

MediaOptions read_media_options(const Crawler& crawler, const std::string& prefix, std::string media_name)
{
    const auto& settings = crawler.settings();
    MediaOptions options;
    options.media_name = std::move(media_name);
    options.store_setting = prefix + "_STORE";
    const auto store = settings.get_string(options.store_setting);
    if (store.empty()) {
        throw NotConfigured(options.store_setting + " is not set");
    }
    // Only local directories: "file://" is the one URI scheme accepted.
    options.store = store.starts_with("file://") ? store.substr(7) : store;
    if (store.find("://") != std::string::npos && !store.starts_with("file://")) {
        throw NotConfigured(options.store_setting + " '" + store +
                            "': only local directories are supported (no s3://, gs://, ftp://)");
    }
    const auto lower = prefix == "FILES" ? std::string{"file"} : std::string{"image"};
    options.urls_field = settings.get_string(prefix + "_URLS_FIELD", lower + "_urls");
    options.result_field = settings.get_string(prefix + "_RESULT_FIELD", lower + "s");
    options.expires_days = settings.get_int(prefix + "_EXPIRES", 90);
    options.allow_redirects = settings.get_bool("MEDIA_ALLOW_REDIRECTS", false);
    return options;
}

MediaPipeline::MediaPipeline(Crawler& crawler, MediaOptions options, std::string logger_name,
                             DownloadFunction download)
    : crawler_(crawler), options_(std::move(options)), logger_(std::move(logger_name)),
      download_(std::move(download)), store_(options_.store)
{
    if (!download_) {
        // Crawler::download must run on the crawl's loop; this pipeline
        // runs on the pipelines' thread and waits there.
        download_ = [&crawler](Request request) -> net::awaitable<DownloadResult> {
            co_return co_await net::co_spawn(crawler.executor(), crawler.download(std::move(request)),
                                             net::use_awaitable);
        };
    }
}

MediaPipeline::~MediaPipeline() = default;

net::awaitable<void> MediaPipeline::open_spider(Spider&)
{
    store_.check_writable(options_.store_setting);
    logger_.info("{}: {}", options_.store_setting, store_.root().string());
    co_return;
}

net::awaitable<void> MediaPipeline::close_spider(Spider&)
{
    std::lock_guard lock{mutex_};
    pending_.clear();
    co_return;
}

net::awaitable<ItemAction> MediaPipeline::process_item(Item item, Spider&)
{
    std::vector<std::string> urls;
    if (const auto* field = item.fields().if_contains(options_.urls_field)) {
        if (field->is_string()) {
            urls.emplace_back(field->get_string());  // one URL instead of a list: taken as meant
        } else if (field->is_array()) {
            for (const auto& url : field->get_array()) {
                if (url.is_string()) {
                    urls.emplace_back(url.get_string());
                } else {
                    logger_.warning("{}: {} is not a URL; skipped", options_.urls_field, json::serialize(url));
                }
            }
        } else if (!field->is_null()) {
            logger_.warning("{} is not a list of URLs: {}", options_.urls_field, json::serialize(*field));
        }
    }

    // Every fetch starts before the first wait, so they run at once.
    const auto executor = co_await net::this_coro::executor;
    std::vector<std::shared_ptr<Pending>> fetches;
    fetches.reserve(urls.size());
    for (const auto& url : urls) {
        fetches.push_back(start(url, executor));
    }
    json::array results;
    for (auto& pending : fetches) {
        if (auto result = co_await pending->wait(executor)) {
            results.emplace_back(std::move(*result));
        }
    }
    item[options_.result_field] = std::move(results);
    co_return std::move(item);
}

std::shared_ptr<MediaPipeline::Pending> MediaPipeline::start(const std::string& url, const net::any_io_executor& executor)
{
    std::shared_ptr<Pending> pending;
    {
        std::lock_guard lock{mutex_};
        auto& slot = pending_[url];
        if (slot) {
            return slot;
        }
        slot = pending = std::make_shared<Pending>();
    }
    net::co_spawn(executor, fetch(url), [this, pending, url](std::exception_ptr error, Result result) {
        if (error) {
            // fetch() catches what it expects; anything else is a bug, but
            // it must not leave the item waiting.
            try {
                std::rethrow_exception(error);
            } catch (const std::exception& e) {
                logger_.error("{} (unknown-error): Error processing {} from <{}>: {}", capitalised(), options_.media_name,
                              url, e.what());
            }
            result.reset();
        }
        pending->complete(std::move(result));
    });
    return pending;
}

std::string MediaPipeline::capitalised() const
{
    auto name = options_.media_name;
    if (!name.empty() && name[0] >= 'a' && name[0] <= 'z') {
        name[0] = static_cast<char>(name[0] - 'a' + 'A');
    }
    return name;
}

void MediaPipeline::count(const std::string& status) const
{
    crawler_.stats().inc_value("file_count");
    crawler_.stats().inc_value("file_status_count/" + status);
}

std::optional<json::object> MediaPipeline::uptodate(const std::string& url) const
{
    for (const auto& path : stored_paths(url)) {
        auto stored = store_.stat(path);
        if (!stored) {
            continue;
        }
        const auto age = std::filesystem::file_time_type::clock::now() - stored->last_modified;
        const double age_days = std::chrono::duration<double>(age).count() / 86400.0;
        if (age_days > static_cast<double>(options_.expires_days)) {
            return std::nullopt;  // expired: download it again
        }
        logger_.debug("File (uptodate): Downloaded {} from <{}>", options_.media_name, url);
        json::object result;
        result["url"] = url;
        result["path"] = path;
        result["checksum"] = std::move(stored->checksum);
        result["status"] = "uptodate";
        return result;
    }
    return std::nullopt;
}

net::awaitable<MediaPipeline::Result> MediaPipeline::fetch(std::string url)
{
    // 1. A copy from an earlier crawl that has not expired: no request.
    if (auto result = uptodate(url)) {
        count("uptodate");
        co_return std::move(result);
    }

    // 2. Download through the crawl, as Scrapy's media requests go.
    Request request{url};
    request.meta["allow_offsite"] = true;
    if (!options_.allow_redirects) {
        // A 3xx comes back as it is (and fails below) instead of being followed.
        request.meta["handle_httpstatus_all"] = true;
    }
    std::optional<DownloadResult> downloaded;
    try {
        downloaded.emplace(co_await download_(std::move(request)));
    } catch (const std::exception& e) {
        logger_.warning("File (unknown-error): Error downloading {} from <{}>: {}", options_.media_name, url, e.what());
        co_return std::nullopt;
    }
    if (!*downloaded) {
        logger_.warning("File (unknown-error): Error downloading {} from <{}>: {}", options_.media_name, url,
                        downloaded->error().message);
        co_return std::nullopt;
    }
    const Response response = std::move(**downloaded);

    // 3. Scrapy's checks, in its order: the status, an empty body, then the
    //    pipeline's own (an image's type and size).
    if (response.status() != 200) {
        logger_.warning("File (code: {}): Error downloading {} from <{}>", response.status(), options_.media_name, url);
        co_return std::nullopt;
    }
    if (response.body().empty()) {
        logger_.warning("File (empty-content): Empty {} from <{}>: no-content", options_.media_name, url);
        co_return std::nullopt;
    }
    const std::string status = response.has_flag("cached") ? "cached" : "downloaded";
    logger_.debug("File ({}): Downloaded {} from <{}>", status, options_.media_name, url);
    count(status);
    const auto verdict = check(url, response);
    if (!verdict.rejected.empty()) {
        logger_.warning("{} (error): Error processing {} from <{}>: {}", capitalised(), options_.media_name, url,
                        verdict.rejected);
        co_return std::nullopt;
    }

    // 4. Store it (atomically) and report where.
    try {
        store_.persist(verdict.path, response.body());
    } catch (const std::exception& e) {
        logger_.error("{} (unknown-error): Error processing {} from <{}>: {}", capitalised(), options_.media_name, url,
                      e.what());
        co_return std::nullopt;
    }
    json::object result;
    result["url"] = url;
    result["path"] = verdict.path;
    result["checksum"] = md5_hex(response.body());
    result["status"] = status;
    co_return std::move(result);
}

} // namespace trawl::media
