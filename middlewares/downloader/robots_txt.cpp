#include "downloader/robots_txt.hpp"

#include "downloader/error_names.hpp"
#include "downloader/meta_values.hpp"

#include <trawl/crawler.hpp>
#include <trawl/error.hpp>
#include <trawl/log.hpp>
#include <trawl/response.hpp>
#include <trawl/robots_txt.hpp>
#include <trawl/slots.hpp>
#include <trawl/stats.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace trawl::middlewares {

namespace net = boost::asio;

namespace {

const Logger logger{"trawl.downloadermiddlewares.robotstxt"};

// Scrapy's RobotsTxtMiddleware.DOWNLOAD_PRIORITY.
constexpr int robots_priority = 1000;

double to_seconds(std::chrono::nanoseconds d) { return std::chrono::duration<double>(d).count(); }

// "trawl/0.1 (+https://x)" -> "trawl": what RobotsTxt::allowed matches.
std::string_view product_token(std::string_view user_agent)
{
    const auto start = user_agent.find_first_not_of(' ');
    if (start == std::string_view::npos) {
        return {};
    }
    user_agent.remove_prefix(start);
    return user_agent.substr(0, user_agent.find_first_of("/ "));
}

} // namespace

struct RobotsTxtMiddleware::Origin {
    std::shared_ptr<const RobotsTxt> robots;  // null until the first answer
    bool temporary = false;                   // a failure's disallow-all: fetch again at retry_at
    Clock::time_point retry_at{};
    std::uint64_t answers = 0;                // fetches completed, so a waiter knows its fetch ended
    bool fetching = false;
    // While fetching: the timer other requests wait on; it never expires
    // and is cancelled when the fetch ends. Dropped then, so no timer
    // outlives the crawl's io_context.
    std::shared_ptr<net::steady_timer> done;
    bool delay_logged = false;
};

std::unique_ptr<RobotsTxtMiddleware> RobotsTxtMiddleware::from_crawler(Crawler& crawler)
{
    const auto& settings = crawler.settings();
    if (!settings.get_bool("ROBOTSTXT_OBEY", false)) {
        throw NotConfigured("ROBOTSTXT_OBEY is false");
    }
    Options options;
    options.robots_user_agent = settings.get_string("ROBOTSTXT_USER_AGENT");
    options.user_agent = settings.get_string("USER_AGENT");
    options.retry_interval = std::max(std::chrono::nanoseconds::zero(),
                                      settings.get_seconds("ROBOTSTXT_RETRY_INTERVAL", options.retry_interval));
    options.obey_crawl_delay = settings.get_bool("ROBOTSTXT_CRAWL_DELAY", true);
    options.obey_request_rate = settings.get_bool("ROBOTSTXT_REQUEST_RATE", true);
    options.max_crawl_delay = std::max(std::chrono::nanoseconds::zero(),
                                       settings.get_seconds("ROBOTSTXT_MAX_CRAWL_DELAY", options.max_crawl_delay));

    // A crawler name robots.txt cannot address is a configuration mistake
    // worth a word: such a crawler obeys only the `*` groups.
    const bool own = !options.robots_user_agent.empty();
    const auto token = product_token(own ? options.robots_user_agent : options.user_agent);
    if (!token.empty() && !is_valid_robots_product_token(token)) {
        logger.warning("{} '{}': its product token '{}' cannot name a robots.txt group (RFC 9309 allows only "
                       "letters, '_' and '-'), so only the '*' groups apply",
                       own ? "ROBOTSTXT_USER_AGENT" : "USER_AGENT",
                       own ? options.robots_user_agent : options.user_agent, token);
    }
    return std::make_unique<RobotsTxtMiddleware>(std::move(options), crawler);
}

RobotsTxtMiddleware::RobotsTxtMiddleware(Options options, Crawler& crawler)
    : options_(std::move(options)), crawler_(crawler), stats_(crawler.stats()),
      fetch_([&crawler](Request request) { return crawler.download(std::move(request)); })
{
}

RobotsTxtMiddleware::~RobotsTxtMiddleware() = default;

RobotsTxtMiddleware::Verdict RobotsTxtMiddleware::verdict_for(const DownloadResult& result)
{
    Verdict verdict;
    if (!result) {
        // fetch_for_callback reports a request a middleware ignored as
        // cancelled; Scrapy then allows everything.
        const bool ignored = result.error().code == errc::cancelled;
        verdict.robots =
            std::make_shared<const RobotsTxt>(ignored ? RobotsTxt::allow_all() : RobotsTxt::disallow_all());
        verdict.temporary = !ignored;
        return verdict;
    }
    const int status = result->status();
    if (status >= 200 && status < 300) {
        verdict.robots = std::make_shared<const RobotsTxt>(RobotsTxt::parse(result->body()));
    } else if (status >= 300 && status < 500) {
        // 4xx: "unavailable" (RFC 9309 2.3.1.3). A 3xx left over means the
        // redirects ran out, which 2.3.1.2 lets us treat the same way.
        verdict.robots = std::make_shared<const RobotsTxt>(RobotsTxt::allow_all());
    } else {
        // 5xx, and statuses no server should send: "unreachable" (2.3.1.4).
        verdict.robots = std::make_shared<const RobotsTxt>(RobotsTxt::disallow_all());
        verdict.temporary = true;
    }
    return verdict;
}

boost::asio::awaitable<RequestAction> RobotsTxtMiddleware::process_request(Request& request)
{
    RequestAction pass = Continue{};
    if (meta_flag(request.meta, "dont_obey_robotstxt")) {
        co_return pass;
    }
    auto robots_url = robots_txt_url(request.url);
    if (robots_url.empty()) {
        co_return pass;  // not http(s): robots.txt does not apply
    }
    const auto lookup = co_await robots_for(std::move(robots_url));
    const auto agent = user_agent_for(request);
    if (!lookup.robots->allowed(request.url, agent)) {
        logger.debug("Forbidden by robots.txt: <{} {}>", request.method, request.url);
        stats_.inc_value("robotstxt/forbidden");
        RequestAction ignore = Ignore{"robotstxt/forbidden"};
        co_return ignore;
    }
    if (apply_crawl_delay(request, *lookup.robots, agent, *lookup.origin, lookup.waited)) {
        logger.debug("Rescheduling <{} {}>: it entered its slot before the slot had its robots.txt Crawl-delay",
                     request.method, request.url);
        Request again = request;
        again.dont_filter = true;  // it has been through the dupefilter already
        RequestAction action = Reschedule{std::move(again)};
        co_return action;
    }
    co_return pass;
}

boost::asio::awaitable<RobotsTxtMiddleware::Lookup> RobotsTxtMiddleware::robots_for(std::string robots_url)
{
    auto& entry = origins_[robots_url];
    if (!entry) {
        entry = std::make_shared<Origin>();
    }
    Lookup lookup;
    lookup.origin = entry;  // the frame's own reference: the map may rehash meanwhile
    Origin& origin = *lookup.origin;
    while (true) {
        if (!origin.fetching) {
            const bool due = !origin.robots || (origin.temporary && crawler_.clock().now() >= origin.retry_at);
            if (due) {
                if (origin.robots) {
                    stats_.inc_value("robotstxt/retry_count");
                }
                lookup.waited = true;
                co_await fetch(robots_url, lookup.origin);
            }
            lookup.robots = origin.robots;
            co_return lookup;
        }
        lookup.waited = true;
        const auto done = origin.done;
        const auto answers = origin.answers;
        co_await done->async_wait(net::as_tuple(net::use_awaitable));
        if (origin.answers != answers) {
            // The fetch we waited for ended: its answer holds for us even if
            // it is due again already (a retry interval of 0).
            lookup.robots = origin.robots;
            co_return lookup;
        }
        if (origin.fetching && origin.done == done) {
            // Not woken by the fetch: our own wait was cancelled (shutdown).
            throw boost::system::system_error(net::error::operation_aborted, "waiting for " + robots_url);
        }
        // The fetch was abandoned (its request failed with an exception):
        // the next one of us fetches again.
    }
}

boost::asio::awaitable<void> RobotsTxtMiddleware::fetch(std::string robots_url, std::shared_ptr<Origin> origin)
{
    origin->fetching = true;
    origin->done = std::make_shared<net::steady_timer>(co_await net::this_coro::executor,
                                                       net::steady_timer::time_point::max());
    // Wakes the waiters however the fetch ends, including by the frame being
    // destroyed at shutdown.
    struct Finish {
        Origin& origin;
        ~Finish()
        {
            origin.fetching = false;
            try {
                origin.done->cancel();
            } catch (...) {  // nobody to tell in a destructor; the waiters' own cancellation still ends them
            }
            origin.done.reset();
        }
    } finish{*origin};

    Request request{robots_url};
    request.priority = robots_priority;
    request.meta["dont_obey_robotstxt"] = true;
    request.meta["allow_offsite"] = true;
    // Not the host's slot: the request that wants this answer holds a place
    // there until it has it.
    request.meta["download_slot"] = "robots.txt " + robots_url;
    // RFC 9309 2.5: at least 500 KiB must be read, and reading may stop
    // there. One byte more than parse() reads tells it the file went on, so
    // that it drops the line the cut went through; "download_truncate" makes
    // the downloader cut a longer body instead of failing it (which would
    // disallow the site), whatever DOWNLOAD_MAXSIZE says.
    request.meta["download_maxsize"] = RobotsTxt::max_size + 1;
    request.meta["download_truncate"] = true;
    stats_.inc_value("robotstxt/request_count");
    const auto result = co_await fetch_(std::move(request));

    if (result) {
        stats_.inc_value("robotstxt/response_count");
        stats_.inc_value(fmt::format("robotstxt/response_status_count/{}", result->status()));
    } else if (result.error().code != errc::cancelled) {
        stats_.inc_value(fmt::format("robotstxt/exception_count/{}", error_name(result.error().code)));
    }
    auto verdict = verdict_for(result);
    if (result && result->status() >= 200 && result->status() < 300) {
        warn_if_not_robots_txt(robots_url, *result, *verdict.robots);
    }
    const auto now = crawler_.clock().now();
    if (verdict.temporary) {
        const auto reason = result ? fmt::format("it answered {}", result->status()) : result.error().message;
        const auto message = fmt::format("the site is disallowed until a new fetch, at the next request after {} s",
                                         to_seconds(options_.retry_interval));
        if (result) {
            logger.warning("Could not use <GET {}>: {}; {}", robots_url, reason, message);
        } else {
            logger.error("Error downloading <GET {}>: {}; {}", robots_url, reason, message);
        }
    } else if (!result) {
        logger.debug("<GET {}> was ignored ({}): everything is allowed", robots_url, result.error().message);
    } else if (result->status() >= 300) {
        logger.debug("<GET {}> answered {}: everything is allowed", robots_url, result->status());
    }
    origin->robots = std::move(verdict.robots);
    origin->temporary = verdict.temporary;
    origin->retry_at = now + options_.retry_interval;
    ++origin->answers;
}

std::string RobotsTxtMiddleware::user_agent_for(const Request& request) const
{
    if (!options_.robots_user_agent.empty()) {
        return options_.robots_user_agent;
    }
    if (auto header = request.headers.get("User-Agent")) {
        return std::string(*header);
    }
    return options_.user_agent;
}

bool RobotsTxtMiddleware::apply_crawl_delay(const Request& request, const RobotsTxt& robots,
                                            const std::string& agent, Origin& origin, bool waited)
{
    if (options_.max_crawl_delay <= std::chrono::nanoseconds::zero()) {
        return false;
    }
    // Both ask for a pause between requests: Crawl-delay directly,
    // Request-rate as seconds per request. The longer one holds.
    std::optional<double> seconds;
    std::string asked;
    bool both = false;
    if (options_.obey_crawl_delay) {
        if (const auto crawl_delay = robots.crawl_delay(agent); crawl_delay && *crawl_delay > 0) {
            seconds = *crawl_delay;
            asked = fmt::format("Crawl-delay of {} s", *crawl_delay);
        }
    }
    if (options_.obey_request_rate) {
        if (const auto rate = robots.request_rate(agent); rate && rate->requests > 0 && rate->seconds > 0) {
            const double per_request = rate->seconds / rate->requests;
            if (per_request > 0) {
                both = seconds.has_value();
                asked += fmt::format("{}Request-rate of {}/{}s ({} s per request)", both ? " and " : "",
                                     rate->requests, rate->seconds, per_request);
                seconds = std::max(seconds.value_or(0.0), per_request);
            }
        }
    }
    if (!seconds) {
        return false;
    }
    auto* control = slots();
    if (!control) {
        return false;
    }
    // Compared as doubles first: "Crawl-delay: 1e300" overflows a duration.
    const double max_seconds = to_seconds(options_.max_crawl_delay);
    const bool capped = *seconds > max_seconds;
    const auto delay = capped ? options_.max_crawl_delay
                              : std::chrono::duration_cast<std::chrono::nanoseconds>(
                                    std::chrono::duration<double>(*seconds));
    if (delay <= std::chrono::nanoseconds::zero()) {
        return false;
    }

    const auto key = slot_key(request);
    bool newly = false;
    auto floor = floors_.find(key);
    if (floor == floors_.end() || floor->second.delay < delay) {
        const bool raised = control->delay(key) < delay;
        control->set_delay_floor(key, delay);
        floor = floors_.insert_or_assign(key, Floor{delay, raised}).first;
        newly = true;
    }
    if (!origin.delay_logged) {
        origin.delay_logged = true;
        if (capped) {
            logger.info("{} in {} capped at {} s (ROBOTSTXT_MAX_CRAWL_DELAY) for slot '{}'", asked,
                        robots_txt_url(request.url), max_seconds, key);
        } else {
            logger.info("{} in {} applies to slot '{}'{}", asked, robots_txt_url(request.url), key,
                        both ? fmt::format(": {} s, the longer", *seconds) : std::string{});
        }
    }
    // Requests started in the slot before it had the floor: those that
    // waited for the fetch, and the one that set the floor.
    return floor->second.raised && (newly || waited);
}

void RobotsTxtMiddleware::warn_if_not_robots_txt(const std::string& robots_url, const Response& response,
                                                 const RobotsTxt& robots)
{
    const auto body = response.body();
    if (body.size() > RobotsTxt::max_size) {
        const auto length = response.headers().get("Content-Length");
        const auto size = response.has_flag("truncated") && length && !length->empty()
                              ? fmt::format("{} bytes", *length)
                              : fmt::format("over {} bytes", RobotsTxt::max_size);
        logger.warning("<GET {}> is larger than {} KiB ({}): only the {} rules in the complete lines of its first "
                       "{} KiB apply",
                       robots_url, RobotsTxt::max_size / 1024, size, robots.rule_count(),
                       RobotsTxt::max_size / 1024);
    }
    // What a robots.txt cannot hold: NUL bytes (binary data), or a '<' where
    // its first line starts (an HTML page, such as a soft 404 or a login
    // page answered 200).
    const auto head = body.substr(0, RobotsTxt::max_size);
    const char* kind = nullptr;
    if (head.find('\0') != std::string_view::npos) {
        kind = "binary data";
    } else if (const auto first = head.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
               first != std::string_view::npos && head[first] == '<') {
        kind = "an HTML page";
    }
    if (kind) {
        logger.warning("<GET {}> answered {} with {} ({} bytes), not a robots.txt: read all the same, {} rules found",
                       robots_url, response.status(), kind, body.size(), robots.rule_count());
    }
}

SlotControl* RobotsTxtMiddleware::slots()
{
    return test_slots_ ? test_slots_ : crawler_.slots();
}

} // namespace trawl::middlewares
