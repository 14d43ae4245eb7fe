#include <trawl/spider.hpp>

#include <fmt/format.h>

#include <stdexcept>

namespace trawl {

Generator<Request> Spider::start_requests()
{
    for (const auto& url : start_urls) {
        Request request{url};
        co_yield std::move(request);
    }
}

Callback Spider::parse(Response response)
{
    throw std::logic_error(fmt::format("spider '{}' has no parse callback for {}", name, response.url()));
    co_return;  // makes this a coroutine: the error reaches the engine as a callback failure
}

bool Spider::has_callback(const std::string& callback_name) const
{
    return callback_name.empty() || callback_name == "parse" || callbacks_.contains(callback_name);
}

bool Spider::has_errback(const std::string& errback_name) const { return errbacks_.contains(errback_name); }

Callback Spider::call(const std::string& callback_name, Response response)
{
    if (callback_name.empty() || callback_name == "parse") {
        if (auto it = callbacks_.find("parse"); it != callbacks_.end()) {
            return it->second(*this, std::move(response));
        }
        return parse(std::move(response));
    }
    auto it = callbacks_.find(callback_name);
    if (it == callbacks_.end()) {
        throw std::invalid_argument(fmt::format("spider '{}' has no callback named '{}'", name, callback_name));
    }
    return it->second(*this, std::move(response));
}

std::optional<Callback> Spider::call_errback(const std::string& errback_name, Failure failure)
{
    if (errback_name.empty()) {
        return std::nullopt;
    }
    auto it = errbacks_.find(errback_name);
    if (it == errbacks_.end()) {
        throw std::invalid_argument(fmt::format("spider '{}' has no errback named '{}'", name, errback_name));
    }
    return it->second(*this, std::move(failure));
}

SpiderRegistry& SpiderRegistry::instance()
{
    static SpiderRegistry registry;
    return registry;
}

void SpiderRegistry::add(Factory factory)
{
    auto probe = factory();
    if (probe->name.empty()) {
        throw std::invalid_argument("a registered spider must set its name in its constructor");
    }
    factories_[probe->name] = std::move(factory);
}

std::unique_ptr<Spider> SpiderRegistry::create(const std::string& spider_name) const
{
    auto it = factories_.find(spider_name);
    if (it == factories_.end()) {
        std::string known;
        for (const auto& [n, f] : factories_) {
            known += (known.empty() ? "" : ", ") + n;
        }
        throw std::invalid_argument(
            fmt::format("no spider named '{}' (known: {})", spider_name, known.empty() ? "none" : known));
    }
    return it->second();
}

std::vector<std::string> SpiderRegistry::names() const
{
    std::vector<std::string> out;
    for (const auto& [n, f] : factories_) {
        out.push_back(n);
    }
    return out;
}

} // namespace trawl
