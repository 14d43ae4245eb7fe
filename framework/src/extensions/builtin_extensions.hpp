#pragma once
// The extensions trawl ships, under the names EXTENSIONS_BASE uses.

namespace trawl {

class Components;

/// Registers "corestats", "closespider" and "logstats".
void register_builtin_extensions(Components& components);

} // namespace trawl
