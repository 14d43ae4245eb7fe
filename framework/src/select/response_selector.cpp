// Response::selector()/css()/xpath(): declared with Response in the core's
// header, implemented here so that only code that queries responses links
// libxml2. The body is decoded by Response::text() (trawl_encoding).

#include <trawl/response.hpp>
#include <trawl/selector.hpp>

#include "select/document.hpp"

#include <cctype>
#include <string>

namespace trawl {
namespace {

std::string lower_trimmed(std::string_view s)
{
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) {
        s.remove_prefix(1);
    }
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) {
        s.remove_suffix(1);
    }
    std::string out(s);
    for (char& c : out) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
}

/// The media type of the response, lower case ("text/html"); "" when there
/// is no Content-Type. Its charset is text()'s business.
std::string mime_type_of(const Response& response)
{
    const auto header = response.headers().get("Content-Type");
    if (!header) {
        return {};
    }
    return lower_trimmed(header->substr(0, header->find(';')));
}

/// Scrapy's choice between HtmlResponse and XmlResponse.
bool is_xml(const std::string& mime, std::string_view text)
{
    if (!mime.empty()) {
        if (mime.find("html") != std::string::npos) {
            return false;
        }
        return mime == "text/xml" || mime == "application/xml" || mime.ends_with("+xml");
    }
    const std::string head = lower_trimmed(text.substr(0, 5000));
    return head.starts_with("<?xml") && head.find("<html") == std::string::npos;
}

} // namespace

Selector Response::selector() const
{
    auto& cache = shared_->selector_cache;
    std::lock_guard lock(cache.mutex);
    if (!cache.selector) {
        // Parsed from text(), so that selectors see exactly the characters
        // text() gives (Scrapy parses response.text too). A UTF-8 body that
        // needs no change reaches libxml2 as it is, without a copy.
        const std::string_view utf8 = text();
        // text() is valid UTF-8 by construction: no second validation.
        auto document = is_xml(mime_type_of(*this), utf8) ? detail::parse_xml_document(utf8, "UTF-8", url(), true)
                                                          : detail::parse_html_document(utf8, "UTF-8", url(), true);
        cache.selector =
            std::make_shared<const Selector>(detail::SelectorAccess::root(std::move(document)));
    }
    return *cache.selector;
}

SelectorList Response::css(std::string_view query) const { return selector().css(query); }

SelectorList Response::xpath(std::string_view query) const { return selector().xpath(query); }

} // namespace trawl
