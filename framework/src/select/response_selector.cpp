// Response::selector()/css()/xpath(): declared with Response in the core's
// header, implemented here so that only code that queries responses links
// libxml2.

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

struct ContentType {
    std::string mime;    ///< "text/html"; "" when there is no header
    std::string charset; ///< "" when not given
};

ContentType content_type_of(const Response& response)
{
    ContentType out;
    const auto header = response.headers().get("Content-Type");
    if (!header) {
        return out;
    }
    const std::string_view value = *header;
    const std::size_t semicolon = value.find(';');
    out.mime = lower_trimmed(value.substr(0, semicolon));
    // Parameters: ...; charset=UTF-8 or charset="UTF-8"
    std::string_view rest = semicolon == std::string_view::npos ? std::string_view{} : value.substr(semicolon + 1);
    while (!rest.empty()) {
        const std::size_t end = rest.find(';');
        const std::string_view parameter = rest.substr(0, end);
        rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
        const std::size_t equals = parameter.find('=');
        if (equals == std::string_view::npos || lower_trimmed(parameter.substr(0, equals)) != "charset") {
            continue;
        }
        std::string charset = lower_trimmed(parameter.substr(equals + 1));
        if (charset.size() >= 2 && (charset.front() == '"' || charset.front() == '\'') &&
            charset.back() == charset.front()) {
            charset = charset.substr(1, charset.size() - 2);
        }
        out.charset = std::move(charset);
    }
    return out;
}

/// Scrapy's choice between HtmlResponse and XmlResponse.
bool is_xml(const ContentType& type, std::string_view body)
{
    if (!type.mime.empty()) {
        if (type.mime.find("html") != std::string::npos) {
            return false;
        }
        return type.mime == "text/xml" || type.mime == "application/xml" || type.mime.ends_with("+xml");
    }
    const std::string head = lower_trimmed(body.substr(0, 5000));
    return head.starts_with("<?xml") && head.find("<html") == std::string::npos;
}

} // namespace

Selector Response::selector() const
{
    std::lock_guard lock(selector_cache_->mutex);
    if (!selector_cache_->selector) {
        const ContentType type = content_type_of(*this);
        const char* charset = type.charset.empty() ? nullptr : type.charset.c_str();
        auto document = is_xml(type, body()) ? detail::parse_xml_document(body(), charset, url())
                                             : detail::parse_html_document(body(), charset, url());
        selector_cache_->selector =
            std::make_shared<const Selector>(detail::SelectorAccess::root(std::move(document)));
    }
    return *selector_cache_->selector;
}

SelectorList Response::css(std::string_view query) const { return selector().css(query); }

SelectorList Response::xpath(std::string_view query) const { return selector().xpath(query); }

} // namespace trawl
