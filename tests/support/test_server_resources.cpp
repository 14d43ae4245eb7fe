// The test server's resources: one small function each, routed by
// handle_request. They only describe the reply; the session writes it.

#include "support/test_server_internal.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <optional>
#include <stdexcept>

namespace trawl::testing::detail {
namespace {

namespace urls = boost::urls;
namespace json = boost::json;
using std::chrono::milliseconds;

/// A malformed or out-of-range parameter: answered with 400.
struct BadRequest : std::runtime_error {
    using std::runtime_error::runtime_error;
};

long long to_integer(std::string_view text, long long low, long long high) {
    long long value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || value < low || value > high) {
        throw BadRequest("bad number: " + std::string(text));
    }
    return value;
}

class Query {
public:
    explicit Query(urls::url_view url) : url_(url) {}

    std::optional<std::string> text(std::string_view key) const {
        auto it = url_.params().find(key);
        if (it == url_.params().end()) {
            return std::nullopt;
        }
        return (*it).value;
    }
    long long integer(std::string_view key, long long fallback, long long low, long long high) const {
        auto value = text(key);
        return value ? to_integer(*value, low, high) : fallback;
    }

private:
    urls::url_view url_;
};

constexpr long long max_body = 256LL * 1024 * 1024;

Reply text_reply(unsigned status, std::string body, std::string content_type = "text/plain") {
    Reply reply;
    reply.status = status;
    reply.body = std::move(body);
    reply.fields.emplace_back("Content-Type", std::move(content_type));
    return reply;
}

Reply html_reply(std::string body) {
    return text_reply(200, std::move(body), "text/html; charset=utf-8");
}

Reply redirect_reply(unsigned status, std::string location) {
    Reply reply = text_reply(status, "redirecting to " + location + "\n");
    reply.fields.emplace_back("Location", std::move(location));
    return reply;
}

Reply encoded_reply(std::string body, std::string coding) {
    Reply reply = text_reply(200, std::move(body));
    reply.fields.emplace_back("Content-Encoding", std::move(coding));
    return reply;
}

/// The start of a raw reply: status line and fields, ready for the body.
std::string raw_head(std::string_view status_line, std::string_view fields) {
    std::string head = "HTTP/1.1 ";
    head.append(status_line).append("\r\n").append(fields).append("\r\n");
    return head;
}

std::string chunk(std::string_view data) {
    char size[24];
    auto [end, ec] = std::to_chars(size, size + sizeof size, data.size(), 16);
    (void)ec;
    std::string out(size, end);
    out.append("\r\n").append(data).append("\r\n");
    return out;
}

/// `chunks` chunks of `size` bytes, each a different letter so that a
/// client reassembling them in the wrong order is caught.
Reply chunked_reply(long long chunks, long long size, milliseconds interval) {
    Reply reply;
    reply.raw = true;
    reply.head = raw_head("200 OK", "Content-Type: text/plain\r\nTransfer-Encoding: chunked\r\n");
    for (long long i = 0; i < chunks; ++i) {
        reply.pieces.push_back(chunk(std::string(static_cast<std::size_t>(size), static_cast<char>('a' + i % 26))));
    }
    if (reply.pieces.empty()) {
        reply.pieces.emplace_back("0\r\n\r\n");
    } else {
        reply.pieces.back().append("0\r\n\r\n");
    }
    reply.interval = interval;
    return reply;
}

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

Reply echo(const ServerRequest& request) {
    json::object headers;
    for (const auto& [name, value] : request.fields) {
        auto key = lower(name);
        // Repeated fields are folded the way RFC 9110 allows, with ", ".
        if (auto* existing = headers.if_contains(key)) {
            std::string joined(existing->as_string());
            joined.append(", ").append(value);
            *existing = joined;
        } else {
            headers[key] = value;
        }
    }
    json::object object;
    object["method"] = request.method;
    object["target"] = request.target;
    object["headers"] = std::move(headers);
    object["body"] = request.body;
    return text_reply(200, json::serialize(object), "application/json");
}

std::string encode(std::string body, std::string_view coding) {
    if (coding == "gzip" || coding == "x-gzip") {
        return gzip_compress(body);
    }
    if (coding == "deflate") {
        return deflate_compress(body, false);
    }
    if (coding == "br") {
        return brotli_compress(body);
    }
    if (coding == "zstd") {
        return zstd_compress(body);
    }
    // identity and unknown codings leave the body alone, so a client's
    // handling of a coding it cannot decode can be tested.
    return body;
}

Reply chained_encodings(const Query& query, std::size_t size) {
    const std::string codings = query.text("codings").value_or("gzip");
    std::string body = sample_text(size);
    std::string header;
    std::string_view rest = codings;
    while (!rest.empty()) {
        const auto comma = rest.find(',');
        std::string_view coding = rest.substr(0, comma);
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
        while (!coding.empty() && coding.front() == ' ') {
            coding.remove_prefix(1);
        }
        if (coding.empty()) {
            continue;
        }
        body = encode(std::move(body), coding);
        header += header.empty() ? "" : ", ";
        header += coding;
    }
    return encoded_reply(std::move(body), header);
}

Reply corrupt_gzip() {
    // A valid gzip header, then a deflate block of the reserved type 3
    // (first byte 0x07: final block, BTYPE=11), so decoding fails at once
    // and deterministically; junk follows to give the body some size.
    std::string body("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff\x07", 11);
    for (int i = 0; i < 500; ++i) {
        body += static_cast<char>((i * 73 + 41) & 0xff);
    }
    return encoded_reply(std::move(body), "gzip");
}

Reply garbage() {
    Reply reply;
    reply.raw = true;
    std::string bytes;
    std::uint32_t state = 12345;
    for (int i = 0; i < 1024; ++i) {
        state = state * 1103515245u + 12345u;
        bytes += static_cast<char>(state >> 24);
    }
    bytes[0] = '\x01';  // never "HTTP/"
    reply.pieces.push_back(std::move(bytes));
    reply.ending = Ending::close;
    return reply;
}

Reply huge_headers(long long kb) {
    Reply reply = text_reply(200, "huge headers\n");
    const std::string filler(1000, 'h');
    for (long long i = 0; i < kb; ++i) {
        // ~1 KiB per field: name, ": ", the value and CRLF.
        reply.fields.emplace_back("X-Filler-" + std::to_string(i), filler);
    }
    return reply;
}

Reply set_cookie(const ServerRequest& request) {
    Reply reply = text_reply(200, "cookies set\n");
    auto url = urls::parse_origin_form(request.target).value();
    bool any = false;
    for (auto param : url.params()) {
        reply.fields.emplace_back("Set-Cookie", param.key + "=" + param.value + "; Path=/");
        any = true;
    }
    if (!any) {
        reply.fields.emplace_back("Set-Cookie", "session=abc123; Path=/");
        reply.fields.emplace_back("Set-Cookie", "theme=dark; Path=/; Max-Age=3600");
    }
    return reply;
}

constexpr std::string_view robots_txt =
    "User-agent: *\n"
    "Disallow: /private/\n"
    "Disallow: /disallowed\n"
    "\n"
    "User-agent: badbot\n"
    "Disallow: /\n";

Reply route(const ServerRequest& request, const ResourceContext& context) {
    auto parsed = urls::parse_origin_form(request.target);
    if (!parsed) {
        throw BadRequest("bad request target");
    }
    const urls::url_view url = *parsed;
    const std::string path = url.path();
    const Query query(url);
    auto size_param = [&](long long fallback) {
        return static_cast<std::size_t>(query.integer("size", fallback, 0, max_body));
    };
    // The number after a "/prefix/" path, or nullopt if the path has another prefix.
    auto tail = [&](std::string_view prefix) -> std::optional<std::string_view> {
        if (path.size() > prefix.size() && std::string_view(path).substr(0, prefix.size()) == prefix) {
            return std::string_view(path).substr(prefix.size());
        }
        return std::nullopt;
    };

    if (auto file = context.files.find(path);
        file != context.files.end() && (request.method == "GET" || request.method == "HEAD")) {
        return file->second;
    }
    if (path == "/") {
        return html_reply(index_page());
    }
    if (auto n = tail("/status/")) {
        Reply reply;
        reply.status = static_cast<unsigned>(to_integer(*n, 200, 999));
        return reply;
    }
    if (auto n = tail("/bytes/")) {
        return text_reply(200, std::string(static_cast<std::size_t>(to_integer(*n, 0, max_body)), 'x'),
                          "application/octet-stream");
    }
    if (auto n = tail("/page/")) {
        const auto page = to_integer(*n, 0, 1LL << 30);
        if (page >= context.site_pages) {
            return text_reply(404, "no such page\n");
        }
        return html_reply(site_page(static_cast<int>(page), context.site_pages, context.base_url));
    }
    if (auto n = tail("/links/")) {
        return html_reply(links_page(to_integer(*n, 0, 1LL << 40), static_cast<int>(query.integer("count", 10, 1, 1000))));
    }
    if (path == "/echo") {
        return echo(request);
    }
    if (auto ms = tail("/delay/")) {
        Reply reply = text_reply(200, "delayed\n");
        reply.delay = milliseconds(to_integer(*ms, 0, 600'000));
        return reply;
    }
    if (auto rest = tail("/throttle/")) {
        // A rate-limited host: the first n hits on GROUP (any path below it)
        // are refused with `status` and Retry-After, the rest answered.
        const auto group = rest->substr(0, rest->find('/'));
        const auto refused = query.integer("n", 1, 0, 1'000'000);
        if (context.throttle_hits->count(group) < refused) {
            Reply reply = text_reply(static_cast<unsigned>(query.integer("status", 429, 200, 999)), "slow down\n");
            if (auto after = query.text("retry_after")) {
                reply.fields.emplace_back("Retry-After", *after);
            }
            return reply;
        }
        return html_reply("<html><head><title>ok</title></head><body>ok</body></html>");
    }
    if (path == "/slow") {
        return chunked_reply(query.integer("chunks", 5, 0, 100'000), 64,
                             milliseconds(query.integer("interval", 100, 0, 600'000)));
    }
    if (path == "/chunked") {
        return chunked_reply(query.integer("chunks", 4, 0, 100'000), query.integer("size", 1024, 1, 16 << 20),
                             milliseconds(0));
    }
    if (path == "/stall") {
        Reply reply;
        reply.raw = true;
        reply.head = raw_head("200 OK", "Content-Type: text/plain\r\nContent-Length: 1000\r\n");
        reply.ending = Ending::stall;
        return reply;
    }
    if (path == "/redirect") {
        auto to = query.text("to");
        if (!to) {
            throw BadRequest("/redirect needs ?to=");
        }
        return redirect_reply(static_cast<unsigned>(query.integer("status", 302, 300, 399)), *to);
    }
    if (auto n = tail("/redirect-chain/")) {
        const auto hops = to_integer(*n, 0, 1'000'000);
        if (hops == 0) {
            return text_reply(200, "end of chain\n");
        }
        return redirect_reply(302, "/redirect-chain/" + std::to_string(hops - 1));
    }
    if (path == "/redirect-loop") {
        return redirect_reply(302, "/redirect-loop");
    }
    if (path == "/close-delimited") {
        Reply reply;
        reply.raw = true;
        reply.head = raw_head("200 OK", "Content-Type: text/plain\r\nConnection: close\r\n");
        reply.pieces.push_back(sample_text(size_param(1000)));
        reply.ending = Ending::close;
        return reply;
    }
    if (path == "/text") {
        return text_reply(200, sample_text(size_param(1000)));
    }
    if (path == "/gzip") {
        return encoded_reply(gzip_compress(sample_text(size_param(10'000))), "gzip");
    }
    if (path == "/gzip-multimember") {
        return encoded_reply(gzip_compress("hello ") + gzip_compress("world"), "gzip");
    }
    if (path == "/deflate") {
        const bool raw = query.integer("raw", 0, 0, 1) == 1;
        return encoded_reply(deflate_compress(sample_text(size_param(10'000)), raw), "deflate");
    }
    if (path == "/br") {
        return encoded_reply(brotli_compress(sample_text(size_param(10'000))), "br");
    }
    if (path == "/zstd") {
        return encoded_reply(zstd_compress(sample_text(size_param(10'000))), "zstd");
    }
    if (path == "/encoded") {
        return chained_encodings(query, size_param(10'000));
    }
    if (auto coding = tail("/bomb/"); coding && (*coding == "gzip" || *coding == "br" || *coding == "zstd")) {
        const auto mebibytes = static_cast<int>(query.integer("mb", 100, 1, 16 * 1024));
        return encoded_reply(*compression_bomb(*coding, mebibytes), std::string(*coding));
    }
    if (path == "/corrupt/gzip") {
        return corrupt_gzip();
    }
    if (path == "/partial") {
        const auto size = size_param(1000);
        const auto send = static_cast<std::size_t>(query.integer("send", static_cast<long long>(size / 2), 0,
                                                                 static_cast<long long>(size)));
        Reply reply;
        reply.raw = true;
        reply.head = raw_head("200 OK", "Content-Type: text/plain\r\nContent-Length: " + std::to_string(size) + "\r\n");
        reply.pieces.push_back(sample_text(size).substr(0, send));
        reply.ending = Ending::close;
        return reply;
    }
    if (path == "/reset") {
        const auto after = static_cast<std::size_t>(query.integer("after", 0, 0, max_body));
        Reply reply;
        reply.raw = true;
        reply.head = raw_head("200 OK", "Content-Type: text/plain\r\nContent-Length: " +
                                            std::to_string(after + 1000) + "\r\n");
        if (after > 0) {
            reply.pieces.push_back(sample_text(after));
        }
        reply.ending = Ending::reset;
        return reply;
    }
    if (path == "/drop") {
        Reply reply;
        reply.raw = true;
        reply.ending = Ending::close;
        return reply;
    }
    if (path == "/huge-headers") {
        return huge_headers(query.integer("kb", 64, 0, 64 * 1024));
    }
    if (path == "/garbage") {
        return garbage();
    }
    if (path == "/robots.txt") {
        return text_reply(200, std::string(robots_txt));
    }
    if (path == "/set-cookie") {
        return set_cookie(request);
    }
    if (path == "/set-cookie-redirect") {
        // A login form's answer: cookies and a redirect in one response.
        auto to = query.text("to");
        if (!to) {
            throw BadRequest("/set-cookie-redirect needs ?to=");
        }
        Reply reply = redirect_reply(302, *to);
        for (auto param : url.params()) {
            if (param.key != "to") {
                reply.fields.emplace_back("Set-Cookie", param.key + "=" + param.value + "; Path=/");
            }
        }
        return reply;
    }
    return text_reply(404, "not found\n");
}

} // namespace

std::map<std::string, Reply> file_replies(const std::map<std::string, TestFile>& files, std::string_view base_url) {
    std::map<std::string, Reply> out;
    for (const auto& [path, file] : files) {
        std::string body;
        constexpr std::string_view placeholder = "{base_url}";
        std::size_t from = 0;
        for (auto at = file.body.find(placeholder); at != std::string::npos; at = file.body.find(placeholder, from)) {
            body.append(file.body, from, at - from).append(base_url);
            from = at + placeholder.size();
        }
        body.append(file.body, from);
        Reply reply = text_reply(file.status, file.gzip ? gzip_compress(body) : std::move(body), file.content_type);
        if (file.content_encoding) {
            reply.fields.emplace_back("Content-Encoding", *file.content_encoding);
        }
        out.emplace(path, std::move(reply));
    }
    return out;
}

Reply handle_request(const ServerRequest& request, const ResourceContext& context) {
    try {
        return route(request, context);
    } catch (const BadRequest& e) {
        return text_reply(400, std::string(e.what()) + "\n");
    }
}

} // namespace trawl::testing::detail
