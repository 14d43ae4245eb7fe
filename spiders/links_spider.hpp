#pragma once
// The built-in `links` spider: crawls one site by following every link,
// with no code to write.
//
//   trawl crawl links -a start_url=http://127.0.0.1:8080/page/0 -O pages.jsonl
//
// From the start URL it follows every <a href> and <area href> (resolved
// against <base href>, fragments dropped, http and https only) and yields
// one item per page: {"url", "status", "title", "depth", "referer"}.
// Links come from a trawl::LinkExtractor (every extension, each link once,
// and with same_site only the site's host and its subdomains), which reads
// the page in a single pass without building a tree, so the spider costs
// little next to the download.
//
// Arguments (-a NAME=VALUE):
//   start_url  required; an absolute http(s) URL.
//   max_depth  follow links only from pages of depth < N (the start page
//              is depth 0), so pages up to depth N are fetched. The spider
//              applies it itself: arguments arrive after the spider is
//              built and the settings are frozen before opened(), too late
//              for DEPTH_LIMIT. (-s DEPTH_LIMIT=N works as well.)
//   same_site  1 (default): only links to the start URL's host and its
//              subdomains, the offsite middleware's rule; allowed_domains
//              is set to that host, and the spider itself drops other
//              links before making requests for them. 0: follow every link.
// A missing or invalid argument makes the crawl fail at start-up with
// std::invalid_argument.
//
// Each page is fetched once: the start request and the links all go
// through the dupefilter. Only HTML is scanned for links (Content-Type
// text/html or application/xhtml+xml; without one, a body starting with
// '<'); other responses still give an item, with an empty title.

#include <trawl/link_extractor.hpp>
#include <trawl/spider.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace trawl::spiders {

class LinksSpider final : public Spider {
public:
    LinksSpider();

    /// Reads and checks the arguments; throws std::invalid_argument.
    void opened(Crawler& crawler) override;
    Generator<Request> start_requests() override;
    Callback parse(Response response) override;

private:
    // Set in opened(), read-only while callbacks run.
    std::string start_url_;
    std::string host_;
    std::optional<std::int64_t> max_depth_;
    bool same_site_ = true;
    LinkExtractor links_;
};

} // namespace trawl::spiders
