#pragma once
// The demo's site: a generated quotes site in the style of
// quotes.toscrape.com, deterministic from its size, so `trawl demo` needs
// no network. Pages:
//   /                      = /page/1/
//   /page/N/               10 quotes (div.quote > span.text, small.author,
//                          a "(about)" link to the author, a.tag links) and
//                          li.next / li.previous pagination
//   /author/SLUG/          author detail: h3.author-title, span.author-born-date,
//                          span.author-born-location, div.author-description
//   /tag/TAG/page/N/       quotes with that tag, paginated
//   /robots.txt            disallows /private/
// Unknown paths give 404.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace trawl::demo {

struct Page {
    int status = 200;
    std::string content_type = "text/html; charset=utf-8";
    std::string body;
};

class DemoSite {
public:
    /// A site of `quotes` quotes by `authors` authors, 10 quotes a page.
    explicit DemoSite(std::size_t quotes = 20000, std::size_t authors = 500);

    Page get(std::string_view path) const;

    std::size_t quote_pages() const noexcept { return (quotes_ + 9) / 10; }
    std::size_t authors() const noexcept { return authors_; }
    std::size_t quotes() const noexcept { return quotes_; }

private:
    std::string quote_page(std::size_t page) const;
    std::string tag_page(std::size_t tag, std::size_t page) const;
    std::optional<std::string> author_page(std::string_view slug) const;

    std::size_t quotes_;
    std::size_t authors_;
};

} // namespace trawl::demo
