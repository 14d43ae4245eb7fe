#pragma once
// Shared by the middleware tests: a real Crawler around a small spider, a
// way to run a hook's awaitable to completion, and a log capture.

#include <trawl/crawler.hpp>
#include <trawl/downloader_middleware.hpp>
#include <trawl/spider_middleware.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json/value.hpp>

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace trawl::test {

class TestSpider final : public Spider {
public:
    explicit TestSpider(std::vector<std::string> domains = {})
    {
        name = "test";
        allowed_domains = std::move(domains);
    }
};

using SettingList = std::initializer_list<std::pair<std::string_view, boost::json::value>>;

/// A crawler whose settings are the defaults with `settings` set at
/// project priority.
inline std::unique_ptr<Crawler> make_crawler(SettingList settings = {}, std::vector<std::string> allowed_domains = {})
{
    Settings s;
    for (const auto& [name, value] : settings) {
        s.set(name, value);
    }
    return std::make_unique<Crawler>(std::make_unique<TestSpider>(std::move(allowed_domains)), std::move(s));
}

/// Runs a hook to completion on a private io_context.
template <class T>
T run(boost::asio::awaitable<T> hook)
{
    boost::asio::io_context context;
    auto future = boost::asio::co_spawn(context, std::move(hook), boost::asio::use_future);
    context.run();
    return future.get();
}

inline Response make_response(std::string url, int status, Request request, Headers headers = {},
                              std::string body = {}, std::vector<std::string> flags = {})
{
    Response::Data data;
    data.url = std::move(url);
    data.status = status;
    data.request = std::move(request);
    data.headers = std::move(headers);
    data.body = std::move(body);
    data.protocol = "HTTP/1.1";
    data.flags = std::move(flags);
    return Response{std::move(data)};
}

/// A response to `request` from its own URL.
inline Response respond(const Request& request, int status, Headers headers = {}, std::string body = {})
{
    return make_response(request.url, status, request, std::move(headers), std::move(body));
}

/// A spider middleware's output hook as the engine runs it when a
/// middleware after it reads every request: process_spider_output, then
/// complete_requests over the requests left.
inline void run_spider_output(SpiderMiddleware& middleware, const Response& response, std::vector<Output>& output)
{
    middleware.process_spider_output(response, output);
    std::vector<Request*> requests;
    for (auto& element : output) {
        if (auto* request = std::get_if<Request>(&element)) {
            requests.push_back(request);
        }
    }
    middleware.complete_requests(response, requests);
}

inline double stat(Crawler& crawler, std::string_view key) { return crawler.stats().get_number(key, 0); }
inline bool has_stat(Crawler& crawler, std::string_view key) { return crawler.stats().get_value(key).has_value(); }

/// Records what is logged through spdlog's default logger while it lives.
class LogCapture {
public:
    LogCapture() : sink_(std::make_shared<Sink>()), previous_(spdlog::default_logger())
    {
        auto logger = std::make_shared<spdlog::logger>("capture", sink_);
        logger->set_level(spdlog::level::trace);
        spdlog::set_default_logger(std::move(logger));
    }
    ~LogCapture() { spdlog::set_default_logger(previous_); }
    LogCapture(const LogCapture&) = delete;
    LogCapture& operator=(const LogCapture&) = delete;

    /// Lines logged at `level` or above containing `text`.
    std::size_t count(std::string_view text, spdlog::level::level_enum level = spdlog::level::trace) const
    {
        std::lock_guard lock{sink_->lines_mutex};
        return static_cast<std::size_t>(std::count_if(sink_->lines.begin(), sink_->lines.end(), [&](const auto& l) {
            return l.first >= level && l.second.find(text) != std::string::npos;
        }));
    }

private:
    struct Sink final : spdlog::sinks::base_sink<std::mutex> {
        std::mutex lines_mutex;
        std::vector<std::pair<spdlog::level::level_enum, std::string>> lines;

    protected:
        void sink_it_(const spdlog::details::log_msg& msg) override
        {
            std::lock_guard lock{lines_mutex};
            lines.emplace_back(msg.level, std::string(msg.payload.data(), msg.payload.size()));
        }
        void flush_() override {}
    };

    std::shared_ptr<Sink> sink_;
    std::shared_ptr<spdlog::logger> previous_;
};

} // namespace trawl::test
