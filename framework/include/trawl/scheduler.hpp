#pragma once
// The frontier: the scheduler holds requests waiting for a download slot;
// the dupefilter decides which requests were seen already. Both are
// asynchronous interfaces, so a disk or Redis implementation fits; the
// built-ins ("memory") answer at once, and say so through the *_now calls,
// which the engine tries first (no coroutine per request for the common
// case). Both are called on the loop thread only.
//
// Fingerprints are the engine's: it computes each request's Scrapy
// fingerprint (trawl::request_fingerprint) where the request is made, on
// the parse pool for a callback's output, and hands it in with the request,
// so the loop thread does not canonicalise and hash hundreds of thousands of
// URLs.

#include <trawl/fingerprint.hpp>
#include <trawl/request.hpp>
#include <trawl/slots.hpp>

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <optional>
#include <string>

namespace trawl {

class DupeFilter {
public:
    virtual ~DupeFilter() = default;
    /// Records `fingerprint`, the request's; true if it was seen before.
    virtual boost::asio::awaitable<bool> request_seen(const Request& request, const Fingerprint& fingerprint) = 0;
    /// The same, answered at once by a dupefilter that can; nullopt means
    /// "ask request_seen" (nothing was recorded).
    virtual std::optional<bool> request_seen_now(const Request& /*request*/, const Fingerprint& /*fingerprint*/)
    {
        return std::nullopt;
    }
    /// From any thread: true if `fingerprint` is certainly recorded
    /// already; the dupefilter then logs `request` as filtered, as
    /// request_seen would. Lets the engine drop duplicates (most links of a
    /// page) where the callback ran, before they reach the loop thread.
    /// false when unsure or unsupported (the default): request_seen decides
    /// later as usual.
    virtual bool seen_before(const Request& /*request*/, const Fingerprint& /*fingerprint*/) { return false; }
    virtual std::size_t size() const = 0;
    virtual boost::asio::awaitable<void> close(std::string /*reason*/) { co_return; }
};

class Scheduler {
public:
    virtual ~Scheduler() = default;

    /// Stores the request. Returns true if it was stored, false if it was
    /// dropped as a duplicate (the dupefilter said so and dont_filter is
    /// false). A dont_filter request skips the check but is still recorded,
    /// so later copies of it are dropped (a deliberate difference from
    /// Scrapy, where the start URL may be fetched twice).
    virtual boost::asio::awaitable<bool> enqueue_request(Request request, const Fingerprint& fingerprint) = 0;
    /// The same, done at once by a scheduler that can (the request is moved
    /// from only when it is stored); nullopt means "use enqueue_request"
    /// (nothing was done).
    virtual std::optional<bool> enqueue_request_now(Request& /*request*/, const Fingerprint& /*fingerprint*/)
    {
        return std::nullopt;
    }

    /// From any thread: true if `request` would certainly be dropped as a
    /// duplicate (not dont_filter and its dupefilter's seen_before); it is
    /// then counted and logged as dropped, and the caller sends
    /// RequestDropped. false (the default) when unsure.
    virtual bool drop_if_duplicate(const Request& /*request*/, const Fingerprint& /*fingerprint*/) { return false; }

    /// The next request whose download slot is ready now, from the least
    /// busy such slot; within a slot highest priority first, FIFO within a
    /// priority. nullopt when no pending request's slot is ready.
    virtual std::optional<Request> next_request(const SlotView& slots) = 0;

    virtual bool has_pending_requests() const = 0;
    virtual std::size_t pending_count() const = 0;

    virtual boost::asio::awaitable<void> close(std::string /*reason*/) { co_return; }
};

} // namespace trawl
