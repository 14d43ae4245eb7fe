#pragma once
// The frontier's built-in components, for register_builtin_components.

namespace trawl {

class Components;

/// Registers scheduler "memory" and dupefilter "memory" (the SCHEDULER and
/// DUPEFILTER_CLASS defaults).
void register_builtin_frontier(Components& components);

} // namespace trawl
