#include "downloader/offsite.hpp"
#include "downloader/ascii_case.hpp"

#include "downloader/meta_values.hpp"
#include "downloader/url_origin.hpp"

#include <trawl/crawler.hpp>
#include <trawl/log.hpp>


#include <algorithm>
#include <cctype>

namespace trawl::middlewares {

namespace {

const Logger logger{"trawl.downloadermiddlewares.offsite"};

bool starts_with_http_scheme(std::string_view s)
{
    auto lower_prefix = [&](std::string_view prefix) {
        if (s.size() < prefix.size()) {
            return false;
        }
        for (std::size_t i = 0; i < prefix.size(); ++i) {
            if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) {
                return false;
            }
        }
        return true;
    };
    return lower_prefix("http://") || lower_prefix("https://");
}

// Scrapy's port check is the regex ":\d+$".
bool ends_with_port(std::string_view s)
{
    auto colon = s.rfind(':');
    if (colon == std::string_view::npos || colon + 1 == s.size()) {
        return false;
    }
    return std::all_of(s.begin() + static_cast<std::ptrdiff_t>(colon) + 1, s.end(),
                       [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; });
}

} // namespace

std::unique_ptr<OffsiteMiddleware> OffsiteMiddleware::from_crawler(Crawler& crawler)
{
    auto mw = std::make_unique<OffsiteMiddleware>(crawler.stats(), crawler.spider().allowed_domains);
    auto* self = mw.get();
    Spider* spider = &crawler.spider();
    mw->signals_ = &crawler.signals();
    mw->opened_connection_ = crawler.signals().connect<SpiderOpened>(
        [self, spider](const SpiderOpened&) { self->set_allowed_domains(spider->allowed_domains); });
    return mw;
}

OffsiteMiddleware::OffsiteMiddleware(Stats& stats, const std::vector<std::string>& allowed_domains)
    : stats_(stats)
{
    set_allowed_domains(allowed_domains);
}

OffsiteMiddleware::~OffsiteMiddleware()
{
    if (signals_) {
        signals_->disconnect(opened_connection_);
    }
}

void OffsiteMiddleware::set_allowed_domains(const std::vector<std::string>& allowed_domains)
{
    std::optional<std::vector<std::string>> domains;
    if (!allowed_domains.empty()) {
        // A non-empty list whose entries are all ignored allows nothing, as
        // in Scrapy (its regex then matches no host).
        domains.emplace();
        for (const auto& domain : allowed_domains) {
            if (starts_with_http_scheme(domain)) {
                logger.warning("allowed_domains accepts only domains, not URLs. Ignoring URL entry {} in "
                             "allowed_domains.",
                             domain);
            } else if (ends_with_port(domain)) {
                logger.warning("allowed_domains accepts only domains without ports. Ignoring entry {} in "
                             "allowed_domains.",
                             domain);
            } else if (!domain.empty()) {
                domains->push_back(lower(domain));
            }
        }
    }
    std::lock_guard lock{mutex_};
    domains_ = std::move(domains);
}

bool OffsiteMiddleware::allows_host(const std::string& host) const
{
    std::lock_guard lock{mutex_};
    if (!domains_) {
        return true;
    }
    for (const auto& domain : *domains_) {
        if (host == domain) {
            return true;
        }
        // A subdomain: "www.example.com" for "example.com", not "badexample.com".
        if (host.size() > domain.size() && host.ends_with(domain) &&
            host[host.size() - domain.size() - 1] == '.') {
            return true;
        }
    }
    return false;
}

boost::asio::awaitable<RequestAction> OffsiteMiddleware::process_request(Request& request)
{
    RequestAction pass = Continue{};
    if (request.dont_filter || meta_flag(request.meta, "allow_offsite")) {
        co_return pass;
    }
    const auto host = url_origin(request.url).host;
    if (allows_host(host)) {
        co_return pass;
    }
    if (!host.empty()) {
        bool first = false;
        {
            std::lock_guard lock{mutex_};
            first = domains_seen_.insert(host).second;
        }
        if (first) {
            logger.debug("Filtered offsite request to '{}': <{} {}>", host, request.method, request.url);
            stats_.inc_value("offsite/domains");
        }
    }
    stats_.inc_value("offsite/filtered");
    RequestAction ignore = Ignore{"offsite"};
    co_return ignore;
}

} // namespace trawl::middlewares
