#include <trawl/signals.hpp>
#include <trawl/log.hpp>


#include <algorithm>

namespace trawl {

namespace {
const Logger logger{"trawl.signals"};
} // namespace

std::size_t Signals::add(std::size_t index, Handler handler)
{
    const std::size_t id = next_id_++;
    handlers_[index].emplace_back(id, std::move(handler));
    return id;
}

void Signals::disconnect(std::size_t id)
{
    for (auto& list : handlers_) {
        std::erase_if(list, [id](const auto& entry) { return entry.first == id; });
    }
}

void Signals::send(const Signal& signal)
{
    for (const auto& [id, handler] : handlers_[signal.index()]) {
        try {
            handler(signal);
        } catch (const std::exception& e) {
            // One broken extension must not stop the crawl or the others.
            logger.error("signal handler {} failed: {}", id, e.what());
        }
    }
}

} // namespace trawl
