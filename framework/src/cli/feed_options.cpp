#include "cli/feed_options.hpp"

#include "cli/command_context.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

namespace trawl::cli {

namespace {

/// The formats FEEDS accepts: FEED_EXPORTERS over FEED_EXPORTERS_BASE,
/// without the ones set to null.
std::vector<std::string> known_formats(const Settings& settings)
{
    boost::json::object exporters = settings.get_dict("FEED_EXPORTERS_BASE");
    for (const auto& entry : settings.get_dict("FEED_EXPORTERS")) {
        exporters[entry.key()] = entry.value();
    }
    std::vector<std::string> formats;
    for (const auto& entry : exporters) {
        if (!entry.value().is_null()) {
            formats.emplace_back(entry.key());
        }
    }
    std::sort(formats.begin(), formats.end());
    return formats;
}

} // namespace

FeedOption parse_feed_option(const std::string& value, const Settings& settings)
{
    const auto formats = known_formats(settings);
    const auto known = [&](const std::string& format) {
        return std::find(formats.begin(), formats.end(), format) != formats.end();
    };
    if (const auto colon = value.rfind(':'); colon != std::string::npos) {
        FeedOption option{value.substr(0, colon), value.substr(colon + 1)};
        if (known(option.format)) {
            // Scrapy spells standard output "-"; "stdout" reads as the
            // FEEDS key "stdout:" that it stands for.
            if (option.uri == "-" || option.uri == "stdout") {
                option.uri = "stdout:";
            }
            return option;
        }
    }
    FeedOption option{value, std::filesystem::path(value).extension().string()};
    if (!option.format.empty()) {
        option.format.erase(0, 1);
    }
    if (known(option.format)) {
        return option;
    }
    const auto colon = value.rfind(':');
    const std::string named = colon != std::string::npos ? value.substr(colon + 1) : option.format;
    throw UsageError(fmt::format(
        "-o '{}': {}; put a format ({}) after a colon at the end (-o FILE:FORMAT, -o -:FORMAT for standard "
        "output) or use it as the file's extension",
        value, named.empty() ? "no output format" : fmt::format("unknown output format '{}'", named),
        fmt::join(formats, ", ")));
}

void add_feed_options(Settings& settings, const std::vector<std::string>& append,
                      const std::vector<std::string>& overwrite)
{
    if (append.empty() && overwrite.empty()) {
        return;
    }
    if (!append.empty() && !overwrite.empty()) {
        throw UsageError("use only one of -o/--output and -O/--overwrite-output");  // as Scrapy
    }
    boost::json::object feeds = settings.get_dict("FEEDS");
    const auto add = [&](const std::string& value, bool replace) {
        auto option = parse_feed_option(value, settings);
        boost::json::object feed{{"format", option.format}};
        // Standard output cannot be overwritten; the feed exporter would
        // warn about an overwrite option the user did not write.
        if (option.uri != "stdout:") {
            feed["overwrite"] = replace;
        }
        feeds[option.uri] = std::move(feed);
    };
    for (const auto& value : append) {
        add(value, false);
    }
    for (const auto& value : overwrite) {
        add(value, true);
    }
    settings.set("FEEDS", std::move(feeds), SettingPriority::cmdline, "-o/-O");
}

} // namespace trawl::cli
