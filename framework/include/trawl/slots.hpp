#pragma once
// Download slots: one per host (or per meta["download_slot"]), shared by the
// scheduler (which request may go next) and the engine (concurrency and
// delay per slot). The scheduler sees them through this read-only view.

#include <trawl/request.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace trawl {

/// The slot a request belongs to: meta["download_slot"] if set, else the
/// URL's host (lower case), else "" for URLs without one (data:, file:).
std::string slot_key(const Request& request);

class SlotView {
public:
    virtual ~SlotView() = default;
    /// True if a download for this slot may start now (a free concurrency
    /// place and its delay has passed).
    virtual bool ready(std::string_view key) const = 0;
    /// Downloads in progress in this slot.
    virtual std::size_t active(std::string_view key) const = 0;
};

} // namespace trawl
