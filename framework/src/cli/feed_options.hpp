#pragma once
// `trawl crawl -o/-O` as Scrapy reads them: each value is a feed URI with
// an optional ":FORMAT" at the end, turned into a FEEDS entry.
//   -o items.jsonl          format from the extension
//   -o items.dat:jsonlines  format given
//   -o -:json               standard output ("stdout:jsonlines" too)
//   -O items.csv            overwrite instead of append

#include <trawl/settings.hpp>

#include <boost/json/object.hpp>

#include <string>
#include <vector>

namespace trawl::cli {

struct FeedOption {
    std::string uri;     ///< the FEEDS key: a path, a file:// URI or "stdout:"
    std::string format;  ///< a FEED_EXPORTERS(_BASE) key
};

/// Splits one -o value. A trailing ":FORMAT" counts only when FORMAT is a
/// known format (so "file:///tmp/a.json" stays a URI); otherwise the
/// format is the file's extension. Throws UsageError (command_context.hpp)
/// when neither names a known format.
FeedOption parse_feed_option(const std::string& value, const Settings& settings);

/// FEEDS with one entry per -o (append) and -O (overwrite) value, set at
/// command-line priority over what the settings had. Throws UsageError
/// for a value without a known format, and for -o and -O together (as
/// Scrapy).
void add_feed_options(Settings& settings, const std::vector<std::string>& append,
                      const std::vector<std::string>& overwrite);

} // namespace trawl::cli
