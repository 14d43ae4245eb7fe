// Scrapy's request fingerprint: SHA1 over json.dumps(sort_keys=True) of the
// method, the canonical URL, the body and the chosen headers, all but the
// method and URL as lower-case hex. The JSON is streamed into the digest
// through a small buffer: bodies can be large, and the dupefilter
// fingerprints every request.

#include <trawl/fingerprint.hpp>
#include "core/ascii.hpp"
#include <trawl/url.hpp>

#include "url/fingerprint_json.hpp"

#include <boost/container/small_vector.hpp>

#include <openssl/evp.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace trawl {

using detail::ascii_lower;

namespace {

constexpr char lower_hex_digits[] = "0123456789abcdef";

constexpr char ascii_upper(char c) noexcept
{
    return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}

template <class Sink>
void write_hex(Sink& sink, std::string_view bytes)
{
    for (char c : bytes) {
        const auto b = static_cast<unsigned char>(c);
        sink.put(lower_hex_digits[b >> 4]);
        sink.put(lower_hex_digits[b & 15]);
    }
}

template <class Sink>
void write_unicode_escape(Sink& sink, std::uint32_t unit)
{
    const char esc[6] = {'\\', 'u', lower_hex_digits[(unit >> 12) & 15], lower_hex_digits[(unit >> 8) & 15],
                         lower_hex_digits[(unit >> 4) & 15], lower_hex_digits[unit & 15]};
    sink.put(std::string_view(esc, 6));
}

/// Decodes one UTF-8 sequence at s[i]; an invalid byte reads as U+FFFD.
std::uint32_t next_code_point(std::string_view s, std::size_t& i) noexcept
{
    const auto b = static_cast<unsigned char>(s[i]);
    std::size_t len = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
    std::uint32_t cp = b >= 0xF0 ? (b & 0x07U) : b >= 0xE0 ? (b & 0x0FU) : (b & 0x1FU);
    const bool lead_ok = b >= 0xC2 && b <= 0xF4;
    bool ok = lead_ok && i + len <= s.size();
    for (std::size_t k = 1; ok && k < len; ++k) {
        const auto cont = static_cast<unsigned char>(s[i + k]);
        ok = (cont & 0xC0) == 0x80;
        cp = (cp << 6) | (cont & 0x3FU);
    }
    ok = ok && !(len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) &&
         !(len == 4 && (cp < 0x10000 || cp > 0x10FFFF));
    if (!ok) {
        ++i;
        return 0xFFFD;
    }
    i += len;
    return cp;
}

/// A JSON string as Python's json.dumps writes it (ensure_ascii=True):
/// printable ASCII as it is, everything else escaped.
template <class Sink>
void write_json_string(Sink& sink, std::string_view s, bool upper = false)
{
    sink.put('"');
    std::size_t run = 0; // start of the pending run of bytes written as they are
    for (std::size_t i = 0; i < s.size();) {
        const auto b = static_cast<unsigned char>(s[i]);
        if (b >= 0x20 && b < 0x7F && b != '"' && b != '\\' && !(upper && b >= 'a' && b <= 'z')) {
            ++i;
            continue;
        }
        sink.put(s.substr(run, i - run));
        if (b >= 0x80) {
            const std::uint32_t cp = next_code_point(s, i);
            if (cp >= 0x10000) {
                write_unicode_escape(sink, 0xD800 + ((cp - 0x10000) >> 10));
                write_unicode_escape(sink, 0xDC00 + ((cp - 0x10000) & 0x3FF));
            } else {
                write_unicode_escape(sink, cp);
            }
            run = i;
            continue;
        }
        ++i;
        run = i;
        switch (b) {
        case '"': sink.put("\\\""); break;
        case '\\': sink.put("\\\\"); break;
        case '\n': sink.put("\\n"); break;
        case '\r': sink.put("\\r"); break;
        case '\t': sink.put("\\t"); break;
        case '\b': sink.put("\\b"); break;
        case '\f': sink.put("\\f"); break;
        default:
            if (b >= 'a' && b <= 'z') {
                sink.put(ascii_upper(static_cast<char>(b)));
            } else {
                write_unicode_escape(sink, b); // other controls and DEL
            }
        }
    }
    sink.put(s.substr(run));
    sink.put('"');
}

// Scrapy 2.13+: meta["verbatim_url"] fingerprints the URL exactly as given.
bool verbatim_url(const Request& request)
{
    const auto verbatim = request.meta.find("verbatim_url");
    return verbatim != request.meta.end() && verbatim->value().is_bool() && verbatim->value().get_bool();
}

template <class Sink>
void write_fingerprint_json(Sink& sink, const Request& request, const FingerprintOptions& options)
{
    sink.put("{\"body\": \"");
    write_hex(sink, request.body);
    sink.put("\", \"headers\": {");
    if (!options.include_headers.empty()) {
        // Lower-cased, sorted and unique: hex keeps the byte order, so the
        // keys come out sorted as sort_keys wants.
        boost::container::small_vector<std::string, 8> names;
        for (const auto& name : options.include_headers) {
            names.push_back(ascii_lower(name));
        }
        std::sort(names.begin(), names.end());
        names.erase(std::unique(names.begin(), names.end()), names.end());
        bool first = true;
        for (const auto& name : names) {
            const auto values = request.headers.get_all(name);
            if (values.empty()) {
                continue;
            }
            sink.put(first ? "\"" : ", \"");
            first = false;
            write_hex(sink, name);
            sink.put("\": [");
            for (std::size_t i = 0; i < values.size(); ++i) {
                sink.put(i == 0 ? "\"" : ", \"");
                write_hex(sink, values[i]);
                sink.put('"');
            }
            sink.put(']');
        }
    }
    sink.put("}, \"method\": ");
    write_json_string(sink, request.method, true); // Scrapy's Request upper-cases the method
    sink.put(", \"url\": ");
    if (verbatim_url(request)) {
        write_json_string(sink, request.url);
    } else {
        CanonicalizeOptions canonical;
        canonical.keep_fragments = options.keep_fragments;
        write_json_string(sink, canonicalize_url(request.url, canonical));
    }
    sink.put('}');
}

struct StringSink {
    std::string& out;
    void put(char c) { out.push_back(c); }
    void put(std::string_view s) { out.append(s); }
};

class DigestSink {
public:
    explicit DigestSink(EVP_MD_CTX* ctx) noexcept : ctx_(ctx) {}
    void put(char c)
    {
        if (size_ == sizeof buffer_) {
            flush();
        }
        buffer_[size_++] = c;
    }
    void put(std::string_view s)
    {
        if (s.size() > sizeof buffer_ - size_) {
            flush();
            if (s.size() >= sizeof buffer_) {
                EVP_DigestUpdate(ctx_, s.data(), s.size());
                return;
            }
        }
        std::memcpy(buffer_ + size_, s.data(), s.size());
        size_ += s.size();
    }
    void flush()
    {
        EVP_DigestUpdate(ctx_, buffer_, size_);
        size_ = 0;
    }

private:
    EVP_MD_CTX* ctx_;
    char buffer_[1024];
    std::size_t size_ = 0;
};

const EVP_MD* sha1()
{
    // Fetched once: an implicit fetch per digest costs a provider lookup.
    static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA1", nullptr);
    if (md == nullptr) {
        throw std::runtime_error("OpenSSL has no SHA1 implementation");
    }
    return md;
}

Fingerprint compute_fingerprint(const Request& request, const FingerprintOptions& options)
{
    static thread_local const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(),
                                                                                         &EVP_MD_CTX_free);
    if (ctx == nullptr || EVP_DigestInit_ex(ctx.get(), sha1(), nullptr) != 1) {
        throw std::runtime_error("SHA1 digest initialisation failed");
    }
    DigestSink sink(ctx.get());
    write_fingerprint_json(sink, request, options);
    sink.flush();
    Fingerprint fingerprint{};
    unsigned int size = 0;
    if (EVP_DigestFinal_ex(ctx.get(), fingerprint.data(), &size) != 1 || size != fingerprint.size()) {
        throw std::runtime_error("SHA1 digest failed");
    }
    return fingerprint;
}

// A crawl fingerprints the same links again and again (a site's navigation
// is on every page; most links a page yields are duplicates), and
// canonicalising and hashing one costs ~7.6k instructions. A fingerprint
// depends only on the request's method, URL, body and chosen headers, so
// for the common request without a body or chosen headers the last result
// per URL is kept: per thread (no lock), direct-mapped (a new URL replaces
// whatever shared its slot), bounded.
class FingerprintCache {
public:
    static bool applies(const Request& request, const FingerprintOptions& options) noexcept
    {
        return request.body.empty() && options.include_headers.empty();
    }

    Fingerprint get(const Request& request, const FingerprintOptions& options)
    {
        const bool verbatim = verbatim_url(request);
        const unsigned char flags = (options.keep_fragments ? 1 : 0) | (verbatim ? 2 : 0);
        // Canonicalising drops the fragment: "p1.html#top" and "p1.html"
        // share an entry.
        std::string_view url = request.url;
        if (flags == 0) {
            url = url.substr(0, url.find('#'));
        }
        auto& slot = slots_[std::hash<std::string_view>{}(url) % slots_.size()];
        if (slot.used && slot.flags == flags && slot.url == url && slot.method == request.method) {
            return slot.fingerprint;
        }
        slot.fingerprint = compute_fingerprint(request, options);
        slot.url = url;
        slot.method = request.method;
        slot.flags = flags;
        slot.used = true;
        return slot.fingerprint;
    }

private:
    struct Slot {
        std::string url;
        std::string method;
        Fingerprint fingerprint{};
        unsigned char flags = 0;
        bool used = false;
    };
    std::vector<Slot> slots_ = std::vector<Slot>(8192);  // ~1 MB
};

} // namespace

namespace detail {

std::string fingerprint_json(const Request& request, const FingerprintOptions& options)
{
    std::string out;
    StringSink sink{out};
    write_fingerprint_json(sink, request, options);
    return out;
}

} // namespace detail

Fingerprint request_fingerprint(const Request& request, const FingerprintOptions& options)
{
    if (!FingerprintCache::applies(request, options)) {
        return compute_fingerprint(request, options);
    }
    static thread_local FingerprintCache cache;
    return cache.get(request, options);
}

std::string to_hex(const Fingerprint& fingerprint)
{
    std::string out(fingerprint.size() * 2, '\0');
    for (std::size_t i = 0; i < fingerprint.size(); ++i) {
        out[2 * i] = lower_hex_digits[fingerprint[i] >> 4];
        out[2 * i + 1] = lower_hex_digits[fingerprint[i] & 15];
    }
    return out;
}

} // namespace trawl
