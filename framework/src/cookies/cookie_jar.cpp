// The cookie store: RFC 6265 §5.3 (storage model) and §5.4 (the Cookie
// header). Cookies are kept in buckets by their domain field, so a request
// looks only at the buckets of its host and the host's parent domains
// (a.b.example.com: a.b.example.com, b.example.com, example.com, com),
// never at the whole jar.

#include "cookies/cookie_rules.hpp"

#include <trawl/cookie_jar.hpp>

#include <algorithm>
#include <functional>
#include <limits>
#include <unordered_map>

namespace trawl {

namespace {

using std::chrono::sys_seconds;

struct Entry {
    Cookie cookie;
    std::uint64_t created = 0;   // creation order: ties of equal creation times
    std::uint64_t accessed = 0;  // last-access order, for eviction
};

// Lets the buckets be searched with a string_view (no copy per lookup).
struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

bool expired(const Entry& entry, sys_seconds now) noexcept
{
    return entry.cookie.expires && *entry.cookie.expires <= now;
}

// now + seconds, saturating at the largest time a cookie can carry.
sys_seconds add_seconds(sys_seconds now, std::int64_t seconds) noexcept
{
    const auto limit = std::numeric_limits<sys_seconds::rep>::max() / 2;
    const auto base = now.time_since_epoch().count();
    if (seconds > limit - base) {
        return sys_seconds{std::chrono::seconds{limit}};
    }
    return now + std::chrono::seconds{seconds};
}

bool valid_name(std::string_view name) noexcept
{
    return !name.empty() && std::none_of(name.begin(), name.end(), [](char c) {
        return c == '=' || c == ';' || detail::is_cookie_control(c);
    });
}

bool valid_value(std::string_view value) noexcept
{
    return std::none_of(value.begin(), value.end(), [](char c) { return c == ';' || detail::is_cookie_control(c); });
}

} // namespace

std::string_view to_string(CookieStatus status) noexcept
{
    switch (status) {
    case CookieStatus::stored: return "stored";
    case CookieStatus::expired: return "expired";
    case CookieStatus::malformed: return "malformed";
    case CookieStatus::too_large: return "too_large";
    case CookieStatus::no_host: return "no_host";
    case CookieStatus::domain_mismatch: return "domain_mismatch";
    case CookieStatus::public_suffix: return "public_suffix";
    case CookieStatus::same_site_none_insecure: return "same_site_none_insecure";
    }
    return "unknown";
}

std::string_view to_string(SameSite same_site) noexcept
{
    switch (same_site) {
    case SameSite::unset: return "unset";
    case SameSite::none: return "None";
    case SameSite::lax: return "Lax";
    case SameSite::strict: return "Strict";
    }
    return "unknown";
}

struct CookieJar::Store {
    Limits limits;
    WallClock clock;
    std::unordered_map<std::string, std::vector<Entry>, StringHash, std::equal_to<>> buckets;  // by Cookie::domain
    std::size_t count = 0;
    std::uint64_t sequence = 0;
    bool enforce_same_site = true;

    std::chrono::system_clock::time_point now() const
    {
        return clock ? clock() : std::chrono::system_clock::now();
    }

    void erase_at(std::vector<Entry>& bucket, std::size_t index)
    {
        bucket.erase(bucket.begin() + static_cast<std::ptrdiff_t>(index));
        --count;
    }

    void purge_expired(std::vector<Entry>& bucket, sys_seconds now)
    {
        const auto before = bucket.size();
        std::erase_if(bucket, [now](const Entry& e) { return expired(e, now); });
        count -= before - bucket.size();
    }

    void purge_all_expired(sys_seconds now)
    {
        for (auto it = buckets.begin(); it != buckets.end();) {
            purge_expired(it->second, now);
            it = it->second.empty() ? buckets.erase(it) : std::next(it);
        }
    }

    // §5.3: past a limit, expired cookies go first, then the least
    // recently used. The cookie just stored was used last, so it stays.
    void enforce_limits(const std::string& domain, sys_seconds now)
    {
        if (auto it = buckets.find(domain); it != buckets.end() && it->second.size() > limits.max_per_domain) {
            auto& bucket = it->second;
            purge_expired(bucket, now);
            while (bucket.size() > limits.max_per_domain) {
                auto oldest = std::min_element(bucket.begin(), bucket.end(),
                                               [](const Entry& a, const Entry& b) { return a.accessed < b.accessed; });
                erase_at(bucket, static_cast<std::size_t>(oldest - bucket.begin()));
            }
        }
        if (count > limits.max_cookies) {
            purge_all_expired(now);
        }
        while (count > limits.max_cookies) {
            std::vector<Entry>* oldest_bucket = nullptr;
            std::size_t oldest_index = 0;
            for (auto& [name, bucket] : buckets) {
                for (std::size_t i = 0; i < bucket.size(); ++i) {
                    if (!oldest_bucket || bucket[i].accessed < (*oldest_bucket)[oldest_index].accessed) {
                        oldest_bucket = &bucket;
                        oldest_index = i;
                    }
                }
            }
            if (!oldest_bucket) {
                break;
            }
            erase_at(*oldest_bucket, oldest_index);
            if (oldest_bucket->empty()) {
                std::erase_if(buckets, [](const auto& pair) { return pair.second.empty(); });
            }
        }
    }
};

CookieJar::CookieJar() : CookieJar(Limits{}) {}

CookieJar::CookieJar(Limits limits, WallClock clock) : store_(std::make_unique<Store>())
{
    store_->limits = limits;
    store_->clock = std::move(clock);
}

CookieJar::~CookieJar() = default;
CookieJar::CookieJar(CookieJar&&) noexcept = default;
CookieJar& CookieJar::operator=(CookieJar&&) noexcept = default;

void CookieJar::set_clock(WallClock clock) { store_->clock = std::move(clock); }

void CookieJar::set_same_site_enforced(bool enforced) noexcept { store_->enforce_same_site = enforced; }

bool CookieJar::same_site_enforced() const noexcept { return store_->enforce_same_site; }

std::size_t CookieJar::size() const noexcept { return store_ ? store_->count : 0; }

void CookieJar::clear() noexcept
{
    if (store_) {
        store_->buckets.clear();
        store_->count = 0;
    }
}

std::vector<Cookie> CookieJar::cookies() const
{
    std::vector<Cookie> out;
    for (const auto& [domain, bucket] : store_->buckets) {
        for (const auto& entry : bucket) {
            out.push_back(entry.cookie);
        }
    }
    return out;
}

CookieStatus CookieJar::set_cookie(std::string_view request_url, std::string_view set_cookie_field)
{
    auto parsed = parse_set_cookie(set_cookie_field);
    if (!parsed) {
        return CookieStatus::malformed;
    }
    return set_cookie(request_url, std::move(*parsed));
}

// The numbered steps are those of RFC 6265 §5.3.
CookieStatus CookieJar::set_cookie(std::string_view request_url, SetCookie parsed)
{
    if (!valid_name(parsed.name) || !valid_value(parsed.value)) {
        return CookieStatus::malformed;
    }
    if (parsed.name.size() + parsed.value.size() > store_->limits.max_cookie_size) {
        return CookieStatus::too_large;
    }
    const auto target = detail::cookie_target(request_url);
    if (!target) {
        return CookieStatus::no_host;
    }
    auto& store = *store_;
    // 6265bis §5.7 step 18: a cross-site cookie must be Secure.
    if (store.enforce_same_site && parsed.same_site == SameSite::none && !parsed.secure) {
        return CookieStatus::same_site_none_insecure;
    }
    const auto now = store.now();
    const auto now_seconds = std::chrono::floor<std::chrono::seconds>(now);

    // 2. Creation and last-access times.
    Cookie cookie;
    cookie.name = std::move(parsed.name);
    cookie.value = std::move(parsed.value);
    cookie.creation = now;
    cookie.last_access = now;

    // 3. Max-Age wins over Expires; neither makes a session cookie.
    if (parsed.max_age) {
        cookie.expires = *parsed.max_age <= 0 ? sys_seconds{std::chrono::seconds{std::numeric_limits<std::int64_t>::min() / 2}}
                                              : add_seconds(now_seconds, *parsed.max_age);
    } else if (parsed.expires) {
        cookie.expires = parsed.expires;
    }

    // 4-6. The domain: a public suffix only as the host itself (then
    // host-only), otherwise it must domain-match the request host.
    std::string domain;
    if (parsed.domain) {
        auto canonical = detail::canonical_host(*parsed.domain);
        if (!canonical) {
            return CookieStatus::domain_mismatch;
        }
        domain = std::move(*canonical);
    }
    if (!domain.empty() && detail::is_public_suffix(domain)) {
        if (domain != target->host) {
            return CookieStatus::public_suffix;
        }
        domain.clear();
    }
    if (!domain.empty()) {
        if (!detail::domain_match(target->host, domain, target->host_is_ip)) {
            return CookieStatus::domain_mismatch;
        }
        cookie.host_only = false;
        cookie.domain = std::move(domain);
    } else {
        cookie.host_only = true;
        cookie.domain = target->host;
    }

    // 7-9. Path and flags.
    cookie.path = parsed.path ? std::move(*parsed.path) : detail::default_path(target->path);
    cookie.secure = parsed.secure;
    cookie.http_only = parsed.http_only;
    cookie.same_site = parsed.same_site;

    // 11. Replace a cookie of the same name, domain and path, keeping its
    // creation time (so it keeps its place in the Cookie header).
    auto& bucket = store.buckets[cookie.domain];
    Entry entry;
    entry.created = ++store.sequence;
    for (std::size_t i = 0; i < bucket.size(); ++i) {
        const auto& old = bucket[i].cookie;
        if (old.name == cookie.name && old.path == cookie.path) {
            cookie.creation = old.creation;
            entry.created = bucket[i].created;
            store.erase_at(bucket, i);
            break;
        }
    }
    // An expired cookie is how a server deletes one: nothing to insert.
    if (cookie.expires && *cookie.expires <= now_seconds) {
        if (bucket.empty()) {
            store.buckets.erase(cookie.domain);
        }
        return CookieStatus::expired;
    }
    entry.cookie = std::move(cookie);
    entry.accessed = ++store.sequence;
    const auto key = entry.cookie.domain;
    bucket.push_back(std::move(entry));
    ++store.count;
    store.enforce_limits(key, now_seconds);
    return CookieStatus::stored;
}

std::string CookieJar::cookie_header(std::string_view request_url)
{
    return cookie_header(request_url, CookieRequestContext{});
}

std::string CookieJar::cookie_header(std::string_view request_url, const CookieRequestContext& context,
                                     std::vector<Cookie>* held_back)
{
    auto& store = *store_;
    if (store.count == 0) {
        return {};
    }
    const auto target = detail::cookie_target(request_url);
    if (!target) {
        return {};
    }
    const auto now = store.now();
    const auto now_seconds = std::chrono::floor<std::chrono::seconds>(now);

    // 6265bis §5.8.3 step 1.2: whether SameSite can hold a cookie back at
    // all, and if so which ones.
    const bool cross_site =
        store.enforce_same_site && !context.initiator_url.empty() && !detail::is_same_site(*target, context.initiator_url);
    const bool safe_method = context.method == "GET" || context.method == "HEAD";
    // Chrome's Lax-allowing-unsafe window for cookies with no SameSite.
    constexpr auto unsafe_window = std::chrono::minutes{2};
    auto held = [&](const Cookie& c) {
        switch (c.same_site) {
        case SameSite::none: return false;
        case SameSite::strict: return true;
        case SameSite::lax: return !context.top_level || !safe_method;
        case SameSite::unset: return !context.top_level || (!safe_method && now - c.creation > unsafe_window);
        }
        return true;
    };

    std::vector<Entry*> matches;
    // The host, then each parent domain ("b.example.com", "example.com",
    // "com"); an IP address has no parents.
    std::string_view candidate = target->host;
    bool is_host = true;
    while (!candidate.empty()) {
        if (auto it = store.buckets.find(candidate); it != store.buckets.end()) {
            auto& bucket = it->second;
            store.purge_expired(bucket, now_seconds);
            for (auto& entry : bucket) {
                const auto& c = entry.cookie;
                if ((c.host_only && !is_host) || (c.secure && !target->secure) ||
                    !detail::path_match(target->path, c.path)) {
                    continue;
                }
                if (cross_site && held(c)) {
                    if (held_back) {
                        held_back->push_back(c);
                    }
                    continue;
                }
                matches.push_back(&entry);
            }
            if (bucket.empty()) {
                store.buckets.erase(it);
            }
        }
        if (target->host_is_ip) {
            break;
        }
        const auto dot = candidate.find('.');
        candidate = dot == std::string_view::npos ? std::string_view{} : candidate.substr(dot + 1);
        is_host = false;
    }
    if (matches.empty()) {
        return {};
    }

    // §5.4 step 2: longer paths first, then earlier creation.
    std::sort(matches.begin(), matches.end(), [](const Entry* a, const Entry* b) {
        if (a->cookie.path.size() != b->cookie.path.size()) {
            return a->cookie.path.size() > b->cookie.path.size();
        }
        if (a->cookie.creation != b->cookie.creation) {
            return a->cookie.creation < b->cookie.creation;
        }
        return a->created < b->created;
    });
    std::string header;
    for (auto* entry : matches) {
        entry->cookie.last_access = now;
        entry->accessed = ++store.sequence;
        if (!header.empty()) {
            header += "; ";
        }
        header.append(entry->cookie.name).append("=").append(entry->cookie.value);
    }
    return header;
}

} // namespace trawl
