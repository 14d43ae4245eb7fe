#pragma once
// HTTP basic credentials (RFC 7617), shared by the httpauth middleware, the
// httpproxy middleware and the downloader's proxy support.

#include <string>
#include <string_view>

namespace trawl {

/// base64 of "user:password" (the part after "Basic "). With `latin1` the
/// text is sent as ISO-8859-1 when every character fits, as Scrapy's
/// default encoding does; otherwise (or without `latin1`) as UTF-8.
std::string basic_auth_credentials(std::string_view user, std::string_view password, bool latin1 = true);

} // namespace trawl
