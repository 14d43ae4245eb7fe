#pragma once
// The signals bus: extensions subscribe to what happens in a crawl. Handlers
// run synchronously on the event loop thread, in subscription order; they
// must be quick. A handler that throws is logged and skipped.

#include <trawl/download_result.hpp>
#include <trawl/item.hpp>
#include <trawl/request.hpp>
#include <trawl/response.hpp>

#include <functional>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

namespace trawl {

struct SpiderOpened {};
/// The crawl has nothing left to do and will close unless a handler
/// schedules more (Crawler::schedule) or sets keep_open (Scrapy's
/// DontCloseSpider): then SpiderIdle is sent again after 5 s, or sooner when
/// something is scheduled.
struct SpiderIdle {
    mutable bool keep_open = false;
};
struct SpiderClosed {
    std::string reason;
};
struct RequestScheduled {
    const Request& request;
};
struct RequestDropped {
    const Request& request;
    std::string reason;
};
struct ResponseReceived {
    const Response& response;
};
struct ItemScraped {
    const Item& item;
};
struct ItemDropped {
    const Item& item;
    std::string reason;
};
struct RequestFailed {
    const Request& request;
    const DownloadError& error;
};

using Signal = std::variant<SpiderOpened, SpiderIdle, SpiderClosed, RequestScheduled, RequestDropped,
                            ResponseReceived, ItemScraped, ItemDropped, RequestFailed>;

namespace detail {
template <class T, class Variant>
struct variant_index;
template <class T, class... Ts>
struct variant_index<T, std::variant<Ts...>> {
    static constexpr std::size_t value = [] {
        std::size_t i = 0;
        ((std::is_same_v<T, Ts> ? false : (++i, true)) && ...);
        return i;
    }();
    static_assert(value < sizeof...(Ts), "not a trawl signal");
};
} // namespace detail

class Signals {
public:
    /// Subscribes to one kind of signal:
    ///   signals.connect<ItemScraped>([](const ItemScraped& s) { ... });
    /// Returns an id for disconnect(). Sending costs nothing for kinds
    /// nobody subscribed to.
    template <class S>
    std::size_t connect(std::function<void(const S&)> handler)
    {
        constexpr std::size_t index = detail::variant_index<S, Signal>::value;
        return add(index, [handler = std::move(handler)](const Signal& signal) { handler(std::get<S>(signal)); });
    }
    void disconnect(std::size_t id);
    void send(const Signal& signal);
    /// Whether anyone subscribed to S: for a sender that would have to copy
    /// something to send it.
    template <class S>
    bool connected() const noexcept
    {
        return !handlers_[detail::variant_index<S, Signal>::value].empty();
    }

private:
    using Handler = std::function<void(const Signal&)>;
    std::size_t add(std::size_t index, Handler handler);

    std::vector<std::pair<std::size_t, Handler>> handlers_[std::variant_size_v<Signal>];
    std::size_t next_id_ = 1;
};

} // namespace trawl
