#pragma once
// ASCII lower case for the names middlewares compare (schemes, hosts,
// header values, directives): one copy instead of one per middleware.

#include <string>
#include <string_view>

namespace trawl::middlewares {

inline std::string lower(std::string_view s)
{
    std::string out(s);
    for (auto& c : out) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return out;
}

} // namespace trawl::middlewares
