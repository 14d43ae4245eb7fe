#pragma once
// Registers the built-in item pipelines under their short names:
// "validate", "dedup" and "sqlite".

namespace trawl {

class Components;

void register_builtin_pipelines(Components& components);

} // namespace trawl
