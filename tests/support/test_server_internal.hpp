#pragma once
// Internals of the test server shared by its translation units. The resource
// handlers are plain functions from a request to a Reply, free of Asio and
// Beast, so that only test_server.cpp compiles the heavy templates; the
// session in test_server.cpp turns a Reply into bytes on the wire.

#include "support/test_server.hpp"

#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace trawl::testing::detail {

using FieldList = std::vector<std::pair<std::string, std::string>>;

struct ServerRequest {
    std::string method;
    std::string target;
    unsigned version = 11;  // 10 or 11
    FieldList fields;       // as received, names in their original case
    std::string body;
};

/// What happens to the connection once a raw reply has been written.
enum class Ending {
    per_request,  // keep the connection if the request allows it
    close,        // graceful close (TLS close_notify, then FIN)
    reset,        // abortive close: SO_LINGER 0, so the peer gets an RST
    stall,        // keep the connection open, send nothing more, until the peer leaves or the server stops
};

/// A response. `raw == false`: Beast writes status/fields/body with a
/// Content-Length and honours keep-alive. `raw == true`: the session writes
/// `head` then each of `pieces`, `interval` apart, byte for byte, then does
/// what `ending` says; this is how the misbehaving resources are made.
struct Reply {
    unsigned status = 200;
    FieldList fields;
    std::string body;
    std::chrono::milliseconds delay{0};  // before anything is sent

    bool raw = false;
    std::string head;
    std::vector<std::string> pieces;
    std::chrono::milliseconds interval{0};
    Ending ending = Ending::per_request;
};

/// Hits per /throttle/GROUP, shared by the server's threads.
struct HitCounts {
    std::mutex mutex;
    std::map<std::string, long long, std::less<>> hits;
    /// Counts a hit on `group`; returns how many there were before it.
    long long count(std::string_view group) {
        std::lock_guard lock{mutex};
        return hits[std::string(group)]++;
    }
};

struct ResourceContext {
    std::string base_url;  // "http://127.0.0.1:PORT", no trailing slash
    int site_pages = 0;
    std::map<std::string, Reply> files;  // TestServerOptions::files, ready to send
    std::shared_ptr<HitCounts> throttle_hits = std::make_shared<HitCounts>();  // the one stateful resource
};

/// TestServerOptions::files as replies, once base_url is known.
std::map<std::string, Reply> file_replies(const std::map<std::string, TestFile>& files, std::string_view base_url);

/// Routes a request to its resource (test_server_resources.cpp).
Reply handle_request(const ServerRequest& request, const ResourceContext& context);

// Deterministic content (test_server_site.cpp).
std::string sample_text(std::size_t size);
std::string index_page();
/// Page `n` of the link site; `n` must be in [0, pages).
std::string site_page(int n, int pages, std::string_view base_url);
std::string links_page(long long n, int count);

// Codecs (test_server_codecs.cpp). Throw std::runtime_error on library failure.
std::string gzip_compress(std::string_view data);
std::string deflate_compress(std::string_view data, bool raw);
std::string brotli_compress(std::string_view data);
std::string zstd_compress(std::string_view data);
/// A body in `coding` ("gzip", "br" or "zstd") that decodes to `mebibytes`
/// MiB of zeros. Built on first use by streaming zeros through the encoder,
/// then cached for the life of the process.
std::shared_ptr<const std::string> compression_bomb(std::string_view coding, int mebibytes);

} // namespace trawl::testing::detail
