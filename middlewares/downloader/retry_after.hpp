#pragma once
// The Retry-After response header (RFC 9110 §10.2.3): a number of seconds or
// an HTTP-date. 429 and 503 responses carry it to say when to come back.

#include <chrono>
#include <optional>
#include <string_view>

namespace trawl::middlewares {

/// An HTTP-date in any of the three forms RFC 9110 §5.6.7 says a recipient
/// must accept: "Sun, 06 Nov 1994 08:49:37 GMT" (IMF-fixdate),
/// "Sunday, 06-Nov-94 08:49:37 GMT" (RFC 850; a two-digit year below 70 is
/// 20xx) and "Sun Nov  6 08:49:37 1994" (asctime). nullopt if malformed.
std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view text);

/// How long a Retry-After value asks to wait, measured from `now` for a
/// date; a date in the past gives zero. nullopt if the value is neither
/// form (the header is then ignored).
std::optional<std::chrono::duration<double>> parse_retry_after(std::string_view value,
                                                               std::chrono::system_clock::time_point now);

} // namespace trawl::middlewares
