#include <trawl/callback.hpp>
#include <trawl/response.hpp>
#include <trawl/url.hpp>

#include <fmt/format.h>

#include <stdexcept>

namespace trawl {

std::string Response::urljoin(std::string_view url) const
{
    auto joined = trawl::urljoin(data_->url, url);
    if (!joined) {
        throw std::invalid_argument(fmt::format("cannot resolve '{}' against {}: {}", url, data_->url,
                                                joined.error().message()));
    }
    return std::move(*joined);
}

Request Response::follow(std::string_view url, std::string callback) const
{
    Request request{urljoin(url)};
    request.callback = std::move(callback);
    return request;
}

FetchOperation Response::fetch(std::string_view url) const { return FetchOperation{Request{urljoin(url)}}; }

FetchOperation Response::fetch(Request request) const
{
    if (request.url.find(':') == std::string::npos) {
        request.url = urljoin(request.url);
    }
    return FetchOperation{std::move(request)};
}

} // namespace trawl
