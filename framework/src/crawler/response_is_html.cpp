// Response::is_html(): Scrapy's choice of response class, reduced to the
// question its link-following spiders ask (CrawlSpider follows links only
// from an HtmlResponse).

#include "core/ascii.hpp"

#include <trawl/response.hpp>

namespace trawl {

namespace {

std::string_view trim_leading_space(std::string_view text) noexcept
{
    const auto first = text.find_first_not_of(" \t\r\n\f");
    return first == std::string_view::npos ? std::string_view{} : text.substr(first);
}

} // namespace

bool Response::is_html() const noexcept
{
    using detail::starts_with_ignoring_case;
    if (auto type = headers().get("Content-Type")) {
        const auto value = trim_leading_space(*type);
        return starts_with_ignoring_case(value, "text/html") ||
               starts_with_ignoring_case(value, "application/xhtml+xml");
    }
    // No Content-Type: Scrapy's responsetypes sniff the first bytes.
    const auto head = trim_leading_space(body().substr(0, 1024));
    if (starts_with_ignoring_case(head, "<!doctype html")) {
        return true;
    }
    for (auto at = head.find('<'); at != std::string_view::npos; at = head.find('<', at + 1)) {
        if (starts_with_ignoring_case(head.substr(at), "<html")) {
            return true;
        }
    }
    return false;
}

} // namespace trawl
