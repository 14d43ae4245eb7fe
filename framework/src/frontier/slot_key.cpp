// trawl::slot_key: which download slot a request belongs to (slots.hpp).

#include <trawl/slots.hpp>
#include <trawl/url.hpp>

#include <boost/json/serialize.hpp>

namespace trawl {

std::string slot_key(const Request& request)
{
    if (const auto* slot = request.meta.if_contains("download_slot"); slot && !slot->is_null()) {
        if (slot->is_string()) {
            return std::string(slot->get_string());
        }
        return boost::json::serialize(*slot);  // a number used as a slot name
    }
    // As Python's urlparse().hostname: lower case, not percent-decoded,
    // found even in URLs RFC 3986 rejects, without an IPv6 literal's brackets.
    auto host = url_host(request.url);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    return host;
}

} // namespace trawl
