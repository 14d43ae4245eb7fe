// A project's executable as a generated project has it: its own spiders,
// registered with TRAWL_SPIDER, and trawl's commands through
// run_command_line(). No built-in spiders, no demo. cli_project_test runs it.

#include <trawl/command_line.hpp>
#include <trawl/spider.hpp>

#include <stdexcept>
#include <utility>

namespace {

/// One item per page: -a start_url=URL, following no links.
struct PagesSpider : trawl::Spider {
    PagesSpider() { name = "pages"; }

    trawl::Generator<trawl::Request> start_requests() override
    {
        const auto url = arguments.find("start_url");
        if (url == arguments.end()) {
            throw std::invalid_argument("the pages spider needs -a start_url=URL");
        }
        trawl::Request request{url->second};
        co_yield std::move(request);
    }

    trawl::Callback parse(trawl::Response response) override
    {
        trawl::Item item{"page"};
        item["url"] = response.url();
        item["status"] = response.status();
        co_yield std::move(item);
    }
};
TRAWL_SPIDER(PagesSpider);

/// Its custom_settings cannot work: `check` reports it, `crawl` refuses it.
struct BrokenSpider : trawl::Spider {
    BrokenSpider()
    {
        name = "broken";
        custom_settings["CONCURRENT_REQUESTS"] = "many";
    }
};
TRAWL_SPIDER(BrokenSpider);

} // namespace

int main(int argc, char** argv)
{
    return trawl::run_command_line(argc, argv, "myproject");
}
