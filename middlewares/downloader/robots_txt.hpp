#pragma once
// Obeys robots.txt (priority 100; Scrapy's RobotsTxtMiddleware), read as
// RFC 9309 says.
//
// Each origin's (scheme://host:port) robots.txt is fetched once, by the first
// request for it, through Crawler::download() with meta dont_obey_robotstxt
// and allow_offsite (a robots.txt may redirect to another host; the redirect
// middleware follows up to REDIRECT_MAX_TIMES, and RFC 9309 asks for at
// least 5) and priority 1000, as Scrapy. Requests for the origin that
// arrive meanwhile wait for that fetch (a timer they await, cancelled when
// the answer is in), then all are checked against the parsed file, which is
// kept for the rest of the crawl. The answer decides, as RFC 9309 2.3.1:
// - 2xx: the body is parsed (binary or HTML bodies too: what is not a rule
//   is skipped; a warning names the kind of body and the rules found in it);
//   of a larger file only the complete lines in the first 500 KiB, with a
//   warning (RFC 9309 2.5 lets a crawler stop there). The fetch asks the
//   downloader to cut the body there (meta download_maxsize and
//   download_truncate) rather than fail it, whatever DOWNLOAD_MAXSIZE says;
// - 3xx left after redirects, 4xx (including 401 and 403: "unavailable"):
//   everything is allowed;
// - 5xx, another status, or a download failure (after the retry
//   middleware's retries; a hanging server is cut off by DOWNLOAD_TIMEOUT):
//   everything is disallowed (except /robots.txt), and the next request for
//   the origin at least ROBOTSTXT_RETRY_INTERVAL seconds later fetches it
//   again. Scrapy differs here on purpose: it parses whatever came back, and
//   a failed fetch allows everything (it fails open).
// - A robots.txt request that a middleware ignored allows everything, as in
//   Scrapy.
//
// The crawler's user agent is ROBOTSTXT_USER_AGENT if set, else the request's
// User-Agent header, else USER_AGENT; its product token (the first word,
// "trawl/0.1 (+...)" -> "trawl") names its robots.txt group.
//
// Crawl-delay (not in the RFC, nor in Scrapy) of the crawler's group sets a
// floor under the delay of the request's download slot for the rest of the
// crawl (SlotControl::set_delay_floor), capped at ROBOTSTXT_MAX_CRAWL_DELAY so
// that "Crawl-delay: 100000" cannot stall a crawl; logged once per origin.
// Request-rate ("1/10s": requests per period) does the same with period /
// requests seconds; with both, the longer delay holds. Its optional
// time-of-day window ("1/10s 1800-1900") is ignored: the rate holds all day,
// which is the politer reading and needs no guess at the site's time zone.
// The requests that were let into the slot before the delay was known (those
// that waited for the fetch) go back to the scheduler once, with
// dont_filter, so that the slot spaces them too instead of sending them all
// at once. Visit-time is not obeyed.
//
// The robots.txt fetch uses a download slot of its own ("robots.txt " + the
// origin): the request that asked for it holds a place in the host's slot
// while it waits, so with CONCURRENT_REQUESTS_PER_DOMAIN 1 the host's slot
// would never let the fetch start.
//
// Settings: ROBOTSTXT_OBEY (false: NotConfigured), ROBOTSTXT_USER_AGENT;
// trawl's ROBOTSTXT_RETRY_INTERVAL (seconds, default 60),
// ROBOTSTXT_CRAWL_DELAY (default true), ROBOTSTXT_REQUEST_RATE (default
// true), ROBOTSTXT_MAX_CRAWL_DELAY (seconds, default 60, caps both; 0 obeys
// no Crawl-delay nor Request-rate).
// Meta read: dont_obey_robotstxt. Requests for URLs that are not http(s)
// pass unchecked.
// Stats: robotstxt/request_count, robotstxt/response_count,
// robotstxt/response_status_count/<status>, robotstxt/exception_count/<errc
// name>, robotstxt/retry_count (fetches again after a failure),
// robotstxt/forbidden (requests ignored), as Scrapy's where Scrapy has them.
// A forbidden request is ignored with reason "robotstxt/forbidden" and a
// debug line "Forbidden by robots.txt: <GET url>".

#include <trawl/downloader_middleware.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

namespace trawl {
class Crawler;
class Response;
class RobotsTxt;
class SlotControl;
class Stats;
} // namespace trawl

namespace trawl::middlewares {

class RobotsTxtMiddleware final : public DownloaderMiddleware {
public:
    struct Options {
        std::string robots_user_agent;  ///< ROBOTSTXT_USER_AGENT; "" = none
        std::string user_agent;         ///< USER_AGENT
        std::chrono::nanoseconds retry_interval = std::chrono::seconds{60};
        bool obey_crawl_delay = true;
        bool obey_request_rate = true;
        std::chrono::nanoseconds max_crawl_delay = std::chrono::seconds{60};
    };
    /// How robots.txt is downloaded: Crawler::download() unless a test
    /// says otherwise.
    using Fetch = std::function<boost::asio::awaitable<DownloadResult>(Request)>;

    /// Throws NotConfigured when ROBOTSTXT_OBEY is false, SettingsError for
    /// a setting of the wrong type.
    static std::unique_ptr<RobotsTxtMiddleware> from_crawler(Crawler& crawler);
    RobotsTxtMiddleware(Options options, Crawler& crawler);
    ~RobotsTxtMiddleware() override;
    RobotsTxtMiddleware(const RobotsTxtMiddleware&) = delete;
    RobotsTxtMiddleware& operator=(const RobotsTxtMiddleware&) = delete;

    HookSet hooks() const override { return static_cast<HookSet>(Hook::request); }
    /// Continue, Ignore{"robotstxt/forbidden"}, or Reschedule (see
    /// Crawl-delay above). Loop thread only, as every hook.
    boost::asio::awaitable<RequestAction> process_request(Request& request) override;

    /// The robots.txt a response with this status or this failure stands
    /// for, and whether it is temporary (to be fetched again later).
    struct Verdict {
        std::shared_ptr<const RobotsTxt> robots;
        bool temporary = false;
    };
    static Verdict verdict_for(const DownloadResult& result);

    void set_fetch_for_test(Fetch fetch) { fetch_ = std::move(fetch); }
    /// Slots to set Crawl-delay on instead of Crawler::slots().
    void set_slots_for_test(SlotControl* slots) { test_slots_ = slots; }

private:
    struct Origin;  // one robots.txt: its answer, or the fetch under way

    struct Lookup {
        std::shared_ptr<const RobotsTxt> robots;
        std::shared_ptr<Origin> origin;
        bool waited = false;  ///< the request had to wait for a fetch
    };
    // The origin's robots.txt, fetched or waited for if need be.
    boost::asio::awaitable<Lookup> robots_for(std::string robots_url);
    boost::asio::awaitable<void> fetch(std::string robots_url, std::shared_ptr<Origin> origin);
    std::string user_agent_for(const Request& request) const;
    // Applies the origin's Crawl-delay or Request-rate to the request's slot;
    // true if the request should go back to the scheduler to be spaced by it.
    bool apply_crawl_delay(const Request& request, const RobotsTxt& robots, const std::string& agent,
                           Origin& origin, bool waited);
    SlotControl* slots();
    // Warns about a 2xx robots.txt too large, binary or an HTML page.
    static void warn_if_not_robots_txt(const std::string& robots_url, const Response& response,
                                       const RobotsTxt& robots);

    Options options_;
    Crawler& crawler_;
    Stats& stats_;
    Fetch fetch_;
    SlotControl* test_slots_ = nullptr;
    std::unordered_map<std::string, std::shared_ptr<Origin>> origins_;  // by robots.txt URL
    struct Floor {
        std::chrono::nanoseconds delay;
        bool raised;  ///< the slot's delay was shorter before
    };
    std::map<std::string, Floor, std::less<>> floors_;  // Crawl-delay floors set, by slot
};

} // namespace trawl::middlewares
