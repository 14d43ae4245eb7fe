#pragma once
// Registers the files and images pipelines ("files", "images").

namespace trawl {

class Components;

void register_media_pipelines(Components& components);

} // namespace trawl
