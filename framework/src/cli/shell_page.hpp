#pragma once
// The page side of `trawl shell`: what the user typed as a page to load,
// and the page written out for a browser (`view`).

#include <trawl/response.hpp>

#include <filesystem>
#include <optional>
#include <string>

namespace trawl::cli {

/// The URL to load for `target`: a URL as it is (checked_url); an existing
/// file, a path (/x, ./x, ../x) or a name ending in .html, .htm, .xhtml or
/// .xml as the file:// URL of its absolute path; anything else as a host
/// name, http://target, as `scrapy shell quotes.toscrape.com`. Throws
/// std::invalid_argument for a URL trawl cannot download.
std::string page_url(const std::string& target);

/// The file:// URL of `path` (made absolute), percent-encoded.
std::string file_url(const std::filesystem::path& path);

/// The page as the spider saw it, for a browser: for HTML (Response::is_html,
/// or a local .html file without a Content-Type), the decoded text
/// (UTF-8) with <meta charset="utf-8"> and <base href="URL"> added at the
/// start of <head> (no <base> if the page has one), so that the browser
/// decodes it as the spider did and its relative links, images and styles
/// still resolve against the page's URL; anything else, the body as it is.
std::string view_document(const Response& response);

/// Writes view_document() to `file`, or to a new temporary file
/// (trawl-view-XXXXXX.html, .xml, .json or .txt) when `file` is empty.
/// Returns the path, or nullopt with `why` set.
std::optional<std::filesystem::path> write_view(const Response& response, const std::string& file,
                                                std::string& why);

/// Starts $BROWSER (its first entry), or xdg-open, on `path` without
/// waiting for it. false with `why` set when it cannot be started.
bool open_in_browser(const std::filesystem::path& path, std::string& why);

/// One line of JSON: url, status, protocol, encoding, flags and headers
/// (repeated names' values joined by ", ").
std::string response_summary(const Response& response);

} // namespace trawl::cli
