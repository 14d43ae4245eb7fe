// Scrapy's DummyPolicy: store everything, never revalidate, so a second
// crawl replays the first one without the network.

#include "downloader/http_cache_policy.hpp"

#include <algorithm>

namespace trawl::middlewares {

namespace {

class DummyPolicy final : public HttpCachePolicy {
public:
    explicit DummyPolicy(DummyPolicyOptions options) : options_(std::move(options)) {}

    bool should_cache_request(const Request& request) const override
    {
        const auto scheme = detail::url_scheme(request.url);
        return std::find(options_.ignore_schemes.begin(), options_.ignore_schemes.end(), scheme) ==
               options_.ignore_schemes.end();
    }

    bool should_cache_response(const Response& response, const Request&) const override
    {
        const auto& codes = options_.ignore_http_codes;
        return std::find(codes.begin(), codes.end(), response.status()) == codes.end();
    }

    bool is_cached_response_fresh(const Response&, Request&, time_point) const override { return true; }

    bool is_cached_response_valid(const Response&, const Response&, const Request&) const override { return true; }

private:
    DummyPolicyOptions options_;
};

} // namespace

std::unique_ptr<HttpCachePolicy> make_dummy_policy(DummyPolicyOptions options)
{
    return std::make_unique<DummyPolicy>(std::move(options));
}

} // namespace trawl::middlewares
