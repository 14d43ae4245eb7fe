#pragma once
// The JSON document request_fingerprint hashes, exposed for tests and for
// debugging a fingerprint that differs from Scrapy's.

#include <trawl/fingerprint.hpp>

#include <string>

namespace trawl::detail {

/// Python's json.dumps(obj, sort_keys=True) of Scrapy's fingerprint data:
/// {"body": hex, "headers": {hex(name): [hex(value), ...]}, "method": ..., "url": ...}.
std::string fingerprint_json(const Request& request, const FingerprintOptions& options = {});

} // namespace trawl::detail
