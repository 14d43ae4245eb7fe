#include <quotes_spider.hpp>

#include <trawl/selector.hpp>

#include <boost/json/value_from.hpp>

#include <stdexcept>

namespace trawl::spiders {

QuotesSpider::QuotesSpider()
{
    name = "quotes";
    callback("parse_author", &QuotesSpider::parse_author);
}

Generator<Request> QuotesSpider::start_requests()
{
    auto url = arguments.find("start_url");
    if (url == arguments.end()) {
        throw std::invalid_argument("the quotes spider needs -a start_url=URL");
    }
    Request request{url->second};
    co_yield std::move(request);
}

Callback QuotesSpider::parse(Response response)
{
    for (auto quote : response.css("div.quote")) {
        Item item{"quote"};
        item["text"] = quote.css("span.text::text").get().value_or("");
        item["author"] = quote.css("small.author::text").get().value_or("");
        item["tags"] = boost::json::value_from(quote.css("a.tag::text").getall());
        co_yield std::move(item);
    }
    // Author pages are linked from many quotes: the dupefilter fetches each once.
    for (const auto& href : response.css("div.quote span a::attr(href)").getall()) {
        co_yield response.follow(href, "parse_author");
    }
    if (auto next = response.css("li.next a::attr(href)").get()) {
        co_yield response.follow(*next);
    }
}

Callback QuotesSpider::parse_author(Response response)
{
    Item author{"author"};
    author["name"] = response.css("h3.author-title::text").get().value_or("");
    author["born"] = response.css("span.author-born-date::text").get().value_or("");
    author["location"] = response.css("span.author-born-location::text").get().value_or("");
    author["url"] = response.url();
    co_yield std::move(author);
}

} // namespace trawl::spiders
