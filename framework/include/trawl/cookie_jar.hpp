#pragma once
// HTTP cookies as RFC 6265 §5 tells a user agent to handle them: parsing
// Set-Cookie, the storage model, and the Cookie header of a request. The
// cookies middleware keeps one CookieJar per meta "cookiejar" key; a user's
// component may keep its own.
//
// Where RFC 6265 leaves a choice, or its successor (6265bis) and browsers
// agree on a safer one, trawl takes:
// - a Set-Cookie with a control character (other than tab) is ignored, a
//   name plus value over 4096 bytes is ignored, an attribute value over
//   1024 bytes is ignored (6265bis);
// - a Domain that is a public suffix (co.uk, github.io: libpsl's built-in
//   list, ICANN and private sections) is refused unless it is the request
//   host itself, which makes the cookie host-only (§5.3 step 5);
// - at most 180 cookies per domain and 3000 in all (Limits): past either,
//   expired cookies go first, then the least recently used ones (§5.3);
// - Secure cookies go over https and wss only (no localhost exception);
//   a Secure cookie from http is accepted (RFC 6265; 6265bis refuses it).
//
// SameSite (6265bis draft 13+, §5.8.3 and §5.7.4) is enforced when the
// jar's same_site_enforced() is on (the default), with browser rules:
// - a request's "site for cookies" comes from CookieRequestContext: the
//   URL of the page that caused it. Two URLs are same-site when their
//   schemes (ws as http, wss as https: "schemeful same-site") and their
//   registrable domains (libpsl; the host itself for an IP address or a
//   public suffix such as github.io) are equal. No initiator (a start
//   request, a user typing the URL) is same-site.
// - Strict cookies go on same-site requests only. Lax ones also on a
//   cross-site top-level navigation with a safe method (GET, HEAD).
// - A cookie with no valid SameSite is Lax, as in Chrome (6265bis
//   "Lax-by-default"), with Chrome's "Lax-allowing-unsafe" exception: for
//   two minutes after its creation it also goes on a cross-site top-level
//   POST (or other unsafe method), which keeps cross-site login forms
//   that set and post a cookie at once working.
// - None goes everywhere, but a SameSite=None cookie without Secure is
//   refused when set (CookieStatus::same_site_none_insecure), as browsers
//   and 6265bis do.
// - Cookies a cross-site response sets are kept: 6265bis ignores Strict
//   and Lax ones only from a non-navigational response, and every request
//   a crawler makes is a navigation.
// With enforcement off, every matching cookie is sent whatever the
// context and None without Secure is accepted (RFC 6265 behaviour).
// Nothing here throws on network input.
//
// Threads: a CookieJar is not synchronised; use one from one thread at a
// time (the cookies middleware uses its jars on the loop thread only).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace trawl {

enum class SameSite {
    unset,   ///< no valid SameSite attribute
    none,
    lax,
    strict,
};

/// One Set-Cookie field after RFC 6265 §5.2, before the storage model
/// (which needs the request URL and the time to finish it).
struct SetCookie {
    std::string name;
    std::string value;
    /// The last valid Expires attribute.
    std::optional<std::chrono::sys_seconds> expires;
    /// The last valid Max-Age attribute, in seconds; <= 0 expires the
    /// cookie at once. Wins over Expires.
    std::optional<std::int64_t> max_age;
    /// The last non-empty Domain attribute: lower case, one leading dot
    /// removed. nullopt: a host-only cookie.
    std::optional<std::string> domain;
    /// The Path attribute when the last one starts with '/'; nullopt: the
    /// default path of the request URL.
    std::optional<std::string> path;
    bool secure = false;
    bool http_only = false;
    SameSite same_site = SameSite::unset;
};

/// Parses one Set-Cookie field value (§5.2). nullopt when the RFC says to
/// ignore the whole field: no '=' in the name-value pair, an empty name,
/// a control character. Unknown or invalid attributes, and attribute
/// values over 1024 bytes, are skipped. (The size of name + value is the
/// jar's to limit.)
std::optional<SetCookie> parse_set_cookie(std::string_view field);

/// The cookie-date algorithm of §5.1.1, which reads every date format
/// servers send (RFC 1123 "Sun, 06 Nov 1994 08:49:37 GMT", RFC 850
/// "Sunday, 06-Nov-94 08:49:37 GMT", asctime "Sun Nov  6 08:49:37 1994",
/// and the variants between them). Two-digit years: 70-99 are 19xx, 00-69
/// 20xx. nullopt for a date the algorithm rejects (a missing part, Feb 30,
/// a year before 1601, 24:00:00).
std::optional<std::chrono::sys_seconds> parse_cookie_date(std::string_view text);

/// A stored cookie (§5.3).
struct Cookie {
    std::string name;
    std::string value;
    std::string domain;  ///< lower case; the request host for a host-only cookie
    std::string path;
    /// nullopt: a session cookie (no Max-Age or Expires), kept for the
    /// jar's life.
    std::optional<std::chrono::sys_seconds> expires;
    bool host_only = true;
    bool secure = false;
    bool http_only = false;
    SameSite same_site = SameSite::unset;
    std::chrono::system_clock::time_point creation;
    std::chrono::system_clock::time_point last_access;
};

/// What storing a cookie did.
enum class CookieStatus {
    stored,           ///< added, or replaced one of the same name, domain and path
    expired,          ///< arrived expired: removed any stored one it names
    malformed,        ///< parse_set_cookie rejected the field, or a bad name/value
    too_large,        ///< name + value over Limits::max_cookie_size
    no_host,          ///< the request URL has no host (file:, data:)
    domain_mismatch,  ///< Domain does not domain-match the request host
    public_suffix,    ///< Domain is a public suffix other than the request host
    same_site_none_insecure,  ///< SameSite=None without Secure (when SameSite is enforced)
};

/// What SameSite needs to know of a request (6265bis §5.8.3).
struct CookieRequestContext {
    /// The URL of the page that caused the request (its referrer); empty:
    /// none, a same-site request.
    std::string_view initiator_url;
    /// The request method; GET and HEAD are the safe ones (case-sensitive,
    /// as HTTP methods are).
    std::string_view method = "GET";
    /// A top-level navigation: every crawler request is one (a crawler has
    /// no frames nor subresources), which lets Lax cookies go cross-site.
    bool top_level = true;
};

/// "Strict", "Lax", "None" or "unset".
std::string_view to_string(SameSite same_site) noexcept;

/// "stored", "expired", "malformed", ...
std::string_view to_string(CookieStatus status) noexcept;

class CookieJar {
public:
    using WallClock = std::function<std::chrono::system_clock::time_point()>;

    struct Limits {
        std::size_t max_cookie_size = 4096;  ///< bytes of name + value
        std::size_t max_per_domain = 180;
        std::size_t max_cookies = 3000;
    };

    /// Default limits, the system clock.
    CookieJar();
    /// `clock` gives the time expiry is measured against (the system
    /// clock when empty); tests set their own.
    explicit CookieJar(Limits limits, WallClock clock = {});
    ~CookieJar();
    /// A moved-from jar may only be assigned to or destroyed.
    CookieJar(CookieJar&&) noexcept;
    CookieJar& operator=(CookieJar&&) noexcept;
    CookieJar(const CookieJar&) = delete;
    CookieJar& operator=(const CookieJar&) = delete;

    void set_clock(WallClock clock);

    /// Stores the cookie one Set-Cookie field value sets in a response to
    /// `request_url`.
    CookieStatus set_cookie(std::string_view request_url, std::string_view set_cookie_field);
    /// Stores an already parsed cookie, as if `request_url` had sent it.
    /// Refuses (malformed) a name that is empty or holds '=', ';' or a
    /// control character, and a value with ';' or a control character:
    /// they could not be sent back in a Cookie header.
    CookieStatus set_cookie(std::string_view request_url, SetCookie cookie);

    /// The Cookie header value for a request to `request_url` (§5.4): the
    /// unexpired cookies whose domain and path match, Secure ones only over
    /// https/wss, longer paths first, then older ones first. "" when none.
    /// Marks the cookies sent as used now (for eviction). Costs one check
    /// when the jar is empty.
    std::string cookie_header(std::string_view request_url);
    /// The same for a request made in `context`: with SameSite enforced,
    /// cookies its rules hold back are left out, and appended to
    /// `held_back` when it is given (for a debug line).
    std::string cookie_header(std::string_view request_url, const CookieRequestContext& context,
                              std::vector<Cookie>* held_back = nullptr);

    /// On by default; off sends every matching cookie whatever the context
    /// and accepts SameSite=None without Secure.
    void set_same_site_enforced(bool enforced) noexcept;
    bool same_site_enforced() const noexcept;

    /// Every stored cookie, expired ones included until they are purged, in
    /// no particular order.
    std::vector<Cookie> cookies() const;
    std::size_t size() const noexcept;
    bool empty() const noexcept { return size() == 0; }
    void clear() noexcept;

private:
    struct Store;
    std::unique_ptr<Store> store_;
};

} // namespace trawl
