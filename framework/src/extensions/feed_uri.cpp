#include "extensions/feed_uri.hpp"

#include <trawl/url.hpp>

#include <fmt/format.h>

#include <cctype>
#include <ctime>
#include <stdexcept>
#include <vector>

namespace trawl {

std::string substitute_uri_params(std::string_view uri, const std::map<std::string, std::string>& params)
{
    std::string out;
    std::size_t pos = 0;
    while (pos < uri.size()) {
        const auto percent = uri.find('%', pos);
        out.append(uri.substr(pos, percent - pos));
        if (percent == std::string_view::npos) {
            break;
        }
        if (percent + 1 < uri.size() && uri[percent + 1] == '%') {
            out.push_back('%');
            pos = percent + 2;
            continue;
        }
        const auto close = percent + 1 < uri.size() && uri[percent + 1] == '(' ? uri.find(')', percent) : uri.npos;
        if (close == std::string_view::npos) {
            // Not a placeholder: a percent-encoded byte, or a lone '%'.
            out.push_back('%');
            pos = percent + 1;
            continue;
        }
        const std::string key(uri.substr(percent + 2, close - percent - 2));
        std::size_t spec = close + 1;
        const bool zero_pad = spec < uri.size() && uri[spec] == '0';
        std::size_t width = 0;
        while (spec < uri.size() && std::isdigit(static_cast<unsigned char>(uri[spec]))) {
            width = width * 10 + static_cast<std::size_t>(uri[spec] - '0');
            ++spec;
        }
        if (spec >= uri.size() || (uri[spec] != 's' && uri[spec] != 'd')) {
            throw std::invalid_argument(fmt::format("unsupported placeholder '{}' (use %({})s or %({})d)",
                                                    uri.substr(percent, spec + 1 - percent), key, key));
        }
        const auto found = params.find(key);
        if (found == params.end()) {
            std::vector<std::string_view> names;
            for (const auto& param : params) {
                names.push_back(param.first);
            }
            throw std::invalid_argument(
                fmt::format("unknown placeholder %({}){} (known: {})", key, uri[spec], fmt::join(names, ", ")));
        }
        std::string value = found->second;
        if (uri[spec] == 'd' && (value.empty() || value.find_first_not_of("0123456789") != std::string::npos)) {
            throw std::invalid_argument(fmt::format("placeholder %({})d: '{}' is not a number", key, value));
        }
        if (value.size() < width) {
            value.insert(0, width - value.size(), zero_pad && uri[spec] == 'd' ? '0' : ' ');
        }
        out += value;
        pos = spec + 1;
    }
    return out;
}

std::string feed_utc_time(std::chrono::system_clock::time_point now, bool micros)
{
    using namespace std::chrono;
    const auto seconds = floor<std::chrono::seconds>(now);
    const std::time_t t = system_clock::to_time_t(seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    // Scrapy's isoformat() with ':' replaced by '-', so that the name is a
    // valid file name everywhere.
    auto text = fmt::format("{:04}-{:02}-{:02}T{:02}-{:02}-{:02}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                            tm.tm_hour, tm.tm_min, tm.tm_sec);
    if (micros) {
        text += fmt::format(".{:06}", duration_cast<microseconds>(now - seconds).count());
    }
    return text;
}

std::string uri_scheme(std::string_view uri)
{
    const auto colon = uri.find(':');
    if (colon == std::string_view::npos || colon == 0 || !std::isalpha(static_cast<unsigned char>(uri[0]))) {
        return {};
    }
    std::string scheme;
    for (const char c : uri.substr(0, colon)) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') {
            return {};
        }
        scheme.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
    return scheme;
}

std::filesystem::path file_uri_path(std::string_view uri, std::string_view scheme)
{
    if (scheme.empty()) {
        return std::string(uri);
    }
    std::string_view rest = uri.substr(scheme.size() + 1);
    if (rest.starts_with("//")) {
        rest.remove_prefix(2);
        const auto slash = rest.find('/');
        const auto host = rest.substr(0, slash);
        if (!host.empty() && host != "localhost") {
            throw std::invalid_argument(fmt::format("a file URI must name a local path, not host '{}'", host));
        }
        rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);
    }
    return unquote(rest);
}

} // namespace trawl
