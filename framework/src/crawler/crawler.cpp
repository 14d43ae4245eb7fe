#include <trawl/crawler.hpp>

#include <stdexcept>

#include <fmt/format.h>

namespace trawl {

namespace {
class SteadyClock final : public Clock {
public:
    time_point now() const override { return std::chrono::steady_clock::now(); }
};
} // namespace

const Clock& Clock::steady()
{
    static const SteadyClock clock;
    return clock;
}

Crawler::Crawler(std::unique_ptr<Spider> spider, Settings settings)
    : settings_(std::move(settings)), spider_(std::move(spider)), components_(registered_components()),
      clock_(&Clock::steady())
{
    if (!spider_) {
        throw std::invalid_argument("Crawler needs a spider");
    }
    const std::string source = fmt::format("spider '{}' custom_settings", spider_->name);
    for (const auto& [name, value] : spider_->custom_settings) {
        settings_.set(name, value, SettingPriority::spider, source);
    }
}

Crawler::~Crawler() = default;

boost::asio::any_io_executor Crawler::executor() const { return executor_; }

void Crawler::attach_executor(boost::asio::any_io_executor executor) { executor_ = std::move(executor); }

void Crawler::set_close_handler(std::function<void(std::string, bool)> handler)
{
    std::lock_guard lock{mutex_};
    close_handler_ = std::move(handler);
}

void Crawler::close_spider(std::string reason)
{
    std::function<void(std::string, bool)> handler;
    bool at_once = false;
    {
        std::lock_guard lock{mutex_};
        if (close_requests_++ == 0) {
            close_reason_ = reason;  // the first reason is the one reported
        } else {
            at_once = true;
        }
        handler = close_handler_;
    }
    if (handler) {
        handler(std::move(reason), at_once);
    }
}

void Crawler::set_schedule_handler(std::function<void(Request)> handler)
{
    std::lock_guard lock{mutex_};
    schedule_handler_ = std::move(handler);
}

void Crawler::schedule(Request request)
{
    std::function<void(Request)> handler;
    {
        std::lock_guard lock{mutex_};
        handler = schedule_handler_;
    }
    if (!handler) {
        throw std::logic_error("Crawler::schedule(" + request.url + "): no crawl is running");
    }
    handler(std::move(request));
}

boost::asio::awaitable<DownloadResult> Crawler::download(Request request)
{
    if (!download_handler_) {
        throw std::logic_error("Crawler::download(" + request.url + "): no crawl is running");
    }
    co_return co_await download_handler_(std::move(request));
}

std::string Crawler::close_reason() const
{
    std::lock_guard lock{mutex_};
    return close_reason_;
}

} // namespace trawl
