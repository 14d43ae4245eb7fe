// The one place that knows every built-in component: each area registers
// its own under their short names.

#include <trawl/components.hpp>

#include "extensions/builtin_extensions.hpp"
#include "frontier/builtin_frontier.hpp"

#include <builtin_middlewares.hpp>
#include <builtin_pipelines.hpp>

namespace trawl {

void register_builtin_components(Components& components)
{
    register_builtin_frontier(components);
    register_builtin_middlewares(components);
    register_builtin_extensions(components);
    register_builtin_pipelines(components);
}

} // namespace trawl
