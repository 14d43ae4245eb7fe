#pragma once
// Request fingerprints as upstream Scrapy computes them (2.7+ implementation):
// SHA1 over a canonical JSON of method, canonicalized URL, body and chosen
// headers. Equal fingerprints mean "the same request" to the dupefilter and
// the HTTP cache.

#include <trawl/request.hpp>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace trawl {

using Fingerprint = std::array<std::uint8_t, 20>;

struct FingerprintOptions {
    /// Header names (any case) whose values take part; none by default.
    std::vector<std::string> include_headers;
    bool keep_fragments = false;
};

/// Scrapy's fingerprint. meta["verbatim_url"] == true skips
/// canonicalisation and keeps the fragment, as recent Scrapy does.
/// The method is upper-cased first (Scrapy's Request does so on creation);
/// the URL is canonicalised directly, which gives what Scrapy gets after its
/// Request has applied safe_url_string.
Fingerprint request_fingerprint(const Request& request, const FingerprintOptions& options = {});

/// Lower-case hex, 40 characters.
std::string to_hex(const Fingerprint& fingerprint);

} // namespace trawl
