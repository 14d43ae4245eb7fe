#pragma once
// trawl::CrawlSpider: follows links by rules, as Scrapy's CrawlSpider does.
//
//   struct Shop : trawl::CrawlSpider {
//       Shop() {
//           name = "shop";
//           start_urls = {"https://shop.example/catalog"};
//           rules.push_back({.link_extractor = trawl::LinkExtractor{{.allow = {R"(/catalog\?page=\d+$)"}}}});
//           rules.push_back({.link_extractor = trawl::LinkExtractor{{.allow = {R"(/item/\d+$)"}}},
//                            .callback = "parse_item"});
//           callback("parse_item", &Shop::parse_item);
//       }
//       trawl::Callback parse_item(trawl::Response response) { ... }
//   };
//
// parse() (which a CrawlSpider must not override: it is final) runs
// parse_start_url() on the start pages, then follows their links. For each
// response, in Scrapy's order (its _parse_response):
//   1. the output of the callback: parse_start_url() for the start pages,
//      the rule's callback for pages a rule found (none when it has none);
//   2. when the rule follows (Rule::follow, by default when it has no
//      callback; always for the start pages) and CRAWLSPIDER_FOLLOW_LINKS
//      is true, and the response is HTML (Content-Type text/html or
//      application/xhtml+xml; without one, markup that starts like HTML): a
//      request for each link of each rule in turn, rules in order. A link
//      the page already gave (same url, text, fragment and nofollow) is
//      left to the first rule that extracted it. Each rule's links go
//      through its process_links, then each request through its
//      process_request.
// A rule's request carries meta "rule" (the rule's index) and "link_text",
// the rule's cb_kwargs, and the internal callback "_crawl_rule" (and, when
// the rule has an errback, the internal errback "_crawl_errback"), which
// find the rule again from meta "rule" when the response or the failure
// comes back: this keeps requests plain data (they can wait on disk) while
// rules hold code. The depth middleware gives them meta "depth", as for
// every request a callback yields.
//
// Callbacks and errbacks are registered names (Spider::callback(),
// Spider::errback()). opened() checks that each rule's names are
// registered and throws std::invalid_argument otherwise: a subclass that
// overrides opened() must call CrawlSpider::opened(). A rule's callback
// may co_await fetch() and sleep(): parse() forwards those to the engine.
//
// Threads: rules are set in the constructor and read-only afterwards;
// process_links and process_request are called concurrently from the
// parse pool (as are callbacks).

#include <trawl/link_extractor.hpp>
#include <trawl/spider.hpp>

#include <boost/json/object.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace trawl {

/// One rule of a CrawlSpider (Scrapy's Rule).
struct Rule {
    /// The links this rule follows.
    LinkExtractor link_extractor{};
    /// Registered callback for the pages it finds; "" for none.
    std::string callback{};
    /// Given to the callback as the request's cb_kwargs.
    boost::json::object cb_kwargs{};
    /// Whether the pages it finds are searched for links in turn; unset
    /// means: when there is no callback.
    std::optional<bool> follow{};
    /// Gets the links of each page (those no earlier rule took), returns
    /// the ones to follow (filtered, changed, reordered).
    std::function<std::vector<Link>(std::vector<Link>)> process_links{};
    /// Gets each request with the page it came from; returns it (changed or
    /// not), another one, or nullopt to drop it.
    std::function<std::optional<Request>(Request, const Response&)> process_request{};
    /// Registered errback for the requests it makes; "" for none.
    std::string errback{};

    /// `follow`, or its default.
    bool follows() const noexcept { return follow.value_or(callback.empty()); }
};

class CrawlSpider : public Spider {
public:
    /// The internal callback and errback rule requests carry.
    static constexpr const char* rule_callback = "_crawl_rule";
    static constexpr const char* rule_errback = "_crawl_errback";

    CrawlSpider();

    /// Set in the subclass's constructor.
    std::vector<Rule> rules;

    /// Checks the rules' callbacks and errbacks, reads
    /// CRAWLSPIDER_FOLLOW_LINKS (default true).
    void opened(Crawler& crawler) override;

    /// Scrapy's _parse: parse_start_url(), then the links of every rule.
    Callback parse(Response response) final;

    /// The output for a start page (a response of a request without a
    /// callback); the default yields nothing.
    virtual Callback parse_start_url(Response response);

private:
    Callback parse_rule_response(Response response);
    Callback parse_rule_failure(Failure failure);
    /// Steps 1 and 2 above: `inner` (may be empty) run to its end, then the
    /// links of `response` when `follow`.
    Callback parse_response(Response response, Callback inner, bool follow);
    std::vector<Request> requests_to_follow(const Response& response) const;
    const Rule* rule_of(const Request& request) const;

    // Set in opened(), read-only while callbacks run.
    bool follow_links_ = true;
};

} // namespace trawl
