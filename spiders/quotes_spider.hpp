#pragma once
// The example spider of the README and the demo: quotes with their authors
// from a quotes.toscrape-like site (the demo serves one).
//   trawl crawl quotes -a start_url=http://127.0.0.1:8080/ -O quotes.jsonl

#include <trawl/spider.hpp>

namespace trawl::spiders {

class QuotesSpider final : public Spider {
public:
    QuotesSpider();

    Generator<Request> start_requests() override;
    Callback parse(Response response) override;
    Callback parse_author(Response response);
};

} // namespace trawl::spiders
