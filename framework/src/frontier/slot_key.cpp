// trawl::slot_key: which download slot a request belongs to (slots.hpp).

#include <trawl/slots.hpp>

#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>

#include <algorithm>
#include <cctype>

namespace trawl {

namespace {

std::string ascii_lower(std::string_view text)
{
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

// Python's urlparse finds a host in URLs that RFC 3986 rejects (a space in
// the path, a stray '%'), and Scrapy keys slots on it. Take the authority
// by hand in that case, so such a request still shares its host's slot.
std::string lenient_host(std::string_view url)
{
    const auto scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos) {
        return {};
    }
    auto authority = url.substr(scheme_end + 3);
    authority = authority.substr(0, authority.find_first_of("/?#"));
    if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
        authority.remove_prefix(at + 1);
    }
    if (!authority.empty() && authority.front() == '[') {
        const auto close = authority.find(']');
        return ascii_lower(authority.substr(1, close == std::string_view::npos ? close : close - 1));
    }
    return ascii_lower(authority.substr(0, authority.find(':')));
}

} // namespace

std::string slot_key(const Request& request)
{
    if (const auto* slot = request.meta.if_contains("download_slot"); slot && !slot->is_null()) {
        if (slot->is_string()) {
            return std::string(slot->get_string());
        }
        return boost::json::serialize(*slot);  // a number used as a slot name
    }
    const auto parsed = boost::urls::parse_uri(request.url);
    if (!parsed) {
        return lenient_host(request.url);
    }
    // Not percent-decoded, as Python's urlparse().hostname; brackets of an
    // IPv6 literal removed, as there.
    return ascii_lower(parsed->encoded_host_address());
}

} // namespace trawl
