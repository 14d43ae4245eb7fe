#pragma once
// HTTP reason phrases as Scrapy reports them. Scrapy takes them from
// Twisted's table (twisted.web.http.RESPONSES), which names its retry stats
// ("retry/reason_count/503 Service Unavailable") and sizes the status line
// in downloader/response_bytes; the table below is Twisted's (Debian 12),
// so trawl's stat names match a Scrapy run's, quirks included: 429, 522
// and 524 are "Unknown Status".

#include <string>
#include <string_view>

namespace trawl::middlewares {

/// Twisted's reason phrase for `status`, or "" when it has none.
std::string_view reason_phrase(int status) noexcept;

/// Scrapy's response_status_message: "404 Not Found", "429 Unknown Status".
std::string response_status_message(int status);

} // namespace trawl::middlewares
