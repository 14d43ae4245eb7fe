#include "cli/shell_page.hpp"

#include "cli/fetch_page.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <fmt/format.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <spawn.h>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace trawl::cli {

namespace {

char lower(char c) noexcept
{
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool starts_with_nocase(std::string_view text, std::string_view prefix) noexcept
{
    if (text.size() < prefix.size()) {
        return false;
    }
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        if (lower(text[i]) != prefix[i]) {
            return false;
        }
    }
    return true;
}

bool ends_with_nocase(std::string_view text, std::string_view suffix) noexcept
{
    return text.size() >= suffix.size() && starts_with_nocase(text.substr(text.size() - suffix.size()), suffix);
}

/// Offset of the first "<NAME" tag (not "<NAMEx": <header> is not <head>)
/// in `text`, ASCII case-insensitively, or npos.
std::size_t find_tag(std::string_view text, std::string_view name) noexcept
{
    for (std::size_t at = text.find('<'); at != std::string_view::npos; at = text.find('<', at + 1)) {
        if (!starts_with_nocase(text.substr(at + 1), name)) {
            continue;
        }
        const std::size_t after = at + 1 + name.size();
        if (after == text.size() || text[after] == '>' || text[after] == '/' || text[after] == ' ' ||
            text[after] == '\t' || text[after] == '\n' || text[after] == '\r' || text[after] == '\f') {
            return at;
        }
    }
    return std::string_view::npos;
}

/// Just past the end of the tag opened at `at` ('>' included), or npos.
std::size_t tag_end(std::string_view text, std::size_t at) noexcept
{
    const auto close = at == std::string_view::npos ? at : text.find('>', at);
    return close == std::string_view::npos ? close : close + 1;
}

std::string html_attribute(std::string_view value)
{
    std::string out;
    for (char c : value) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '"': out += "&quot;"; break;
        case '<': out += "&lt;"; break;
        default: out += c;
        }
    }
    return out;
}

/// What a browser should take the page for. Scrapy's HtmlResponse rule,
/// plus local files named .html that lack a doctype (fragments).
bool shown_as_html(const Response& response)
{
    if (response.is_html()) {
        return true;
    }
    if (response.headers().contains("Content-Type")) {
        return false;
    }
    const std::string_view url = response.url();
    const auto path = url.substr(0, url.find_first_of("?#"));
    return ends_with_nocase(path, ".html") || ends_with_nocase(path, ".htm") || ends_with_nocase(path, ".xhtml");
}

std::string view_suffix(const Response& response)
{
    if (shown_as_html(response)) {
        return ".html";
    }
    const auto type = response.headers().get("Content-Type").value_or("");
    return type.find("json") != std::string_view::npos ? ".json"
           : type.find("xml") != std::string_view::npos || response.body().starts_with("<?xml") ? ".xml"
                                                                                                   : ".txt";
}

bool write_all(int fd, std::string_view data)
{
    while (!data.empty()) {
        const auto n = ::write(fd, data.data(), data.size());
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return false;
        }
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

} // namespace

std::string file_url(const std::filesystem::path& path)
{
    const auto absolute = std::filesystem::absolute(path).lexically_normal().string();
    std::string url = "file://";
    for (unsigned char c : absolute) {
        const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                           std::strchr("-._~/!$&'()*+,;=:@", c) != nullptr;
        if (plain && c != '\0') {
            url += static_cast<char>(c);
        } else {
            url += fmt::format("%{:02X}", c);
        }
    }
    return url;
}

std::string page_url(const std::string& target)
{
    const auto scheme_end = target.find("://");
    const bool has_scheme = (scheme_end != std::string::npos && scheme_end > 0 &&
                             target.find_first_of("/?#") > scheme_end) ||
                            starts_with_nocase(target, "data:") || starts_with_nocase(target, "file:");
    if (has_scheme) {
        return checked_url(target);
    }
    std::error_code ec;
    const bool looks_like_path = std::filesystem::exists(target, ec) || target.starts_with("/") ||
                                 target.starts_with("./") || target.starts_with("../") ||
                                 ends_with_nocase(target, ".html") || ends_with_nocase(target, ".htm") ||
                                 ends_with_nocase(target, ".xhtml") || ends_with_nocase(target, ".xml");
    return checked_url(looks_like_path ? file_url(target) : "http://" + target);
}

std::string view_document(const Response& response)
{
    if (!shown_as_html(response)) {
        return std::string(response.body());
    }
    const std::string_view text = response.text();
    std::string added = "<meta charset=\"utf-8\">";
    if (find_tag(text, "base") == std::string_view::npos) {
        added += fmt::format("<base href=\"{}\">", html_attribute(response.url()));
    }
    // At the start of <head>, so that our charset is the first a browser
    // meets; without a <head>, after <html> or the doctype (text before a
    // doctype would put the browser in quirks mode).
    auto at = tag_end(text, find_tag(text, "head"));
    if (at == std::string_view::npos) {
        at = tag_end(text, find_tag(text, "html"));
    }
    if (at == std::string_view::npos) {
        at = tag_end(text, find_tag(text, "!doctype"));
    }
    if (at == std::string_view::npos) {
        at = 0;
    }
    std::string document;
    document.reserve(text.size() + added.size());
    document.append(text.substr(0, at)).append(added).append(text.substr(at));
    return document;
}

std::optional<std::filesystem::path> write_view(const Response& response, const std::string& file, std::string& why)
{
    const std::string document = view_document(response);
    std::filesystem::path path;
    int fd = -1;
    if (file.empty()) {
        const std::string suffix = view_suffix(response);
        std::error_code ec;
        auto directory = std::filesystem::temp_directory_path(ec);
        if (ec) {
            directory = "/tmp";
        }
        std::string name = (directory / ("trawl-view-XXXXXX" + suffix)).string();
        fd = ::mkstemps(name.data(), static_cast<int>(suffix.size()));
        path = name;
    } else {
        path = file;
        fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    }
    if (fd < 0) {
        why = fmt::format("cannot create {}: {}", path.string(), std::strerror(errno));
        return std::nullopt;
    }
    const bool written = write_all(fd, document);
    const int saved_errno = errno;
    if (::close(fd) != 0 || !written) {
        why = fmt::format("cannot write {}: {}", path.string(), std::strerror(written ? errno : saved_errno));
        return std::nullopt;
    }
    return path;
}

bool open_in_browser(const std::filesystem::path& path, std::string& why)
{
    // Browsers started earlier that have exited: collect them, as nothing
    // waits for them.
    while (::waitpid(-1, nullptr, WNOHANG) > 0) {
    }
    std::string browser = "xdg-open";
    if (const char* configured = std::getenv("BROWSER"); configured != nullptr && *configured != '\0') {
        browser = std::string(configured).substr(0, std::string_view(configured).find(':'));
    }
    std::string argument = path.string();
    char* argv[] = {browser.data(), argument.data(), nullptr};
    pid_t pid = 0;
    const int error = ::posix_spawnp(&pid, browser.c_str(), nullptr, nullptr, argv, environ);
    if (error != 0) {
        why = fmt::format("cannot start {}: {}", browser, std::strerror(error));
        return false;
    }
    return true;
}

std::string response_summary(const Response& response)
{
    boost::json::object summary;
    summary["url"] = response.url();
    summary["status"] = response.status();
    summary["protocol"] = response.protocol();
    summary["encoding"] = response.encoding();
    summary["length"] = response.body().size();
    boost::json::array flags;
    for (const auto& flag : response.flags()) {
        flags.emplace_back(flag);
    }
    summary["flags"] = std::move(flags);
    boost::json::object headers;
    for (const auto& [name, value] : response.headers()) {
        if (auto* earlier = headers.if_contains(name)) {
            earlier->as_string().append(", ").append(value);
        } else {
            headers[name] = value;
        }
    }
    summary["headers"] = std::move(headers);
    return boost::json::serialize(summary);
}

} // namespace trawl::cli
