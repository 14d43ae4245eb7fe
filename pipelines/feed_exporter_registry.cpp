#include <trawl/feed_exporter.hpp>

#include "csv_exporter.hpp"
#include "json_exporter.hpp"
#include "jsonlines_exporter.hpp"
#include "xml_exporter.hpp"

#include <stdexcept>

namespace trawl {

FeedExporterRegistry& FeedExporterRegistry::instance()
{
    // Filled on first use rather than by static registrars, which a static
    // library drops when nothing references them.
    static FeedExporterRegistry registry;
    static const bool registered = (register_builtin_feed_exporters(registry), true);
    (void)registered;
    return registry;
}

void FeedExporterRegistry::add(std::string name, FeedExporterFactory factory)
{
    if (!factory) {
        throw std::invalid_argument("FeedExporterRegistry::add: empty factory for '" + name + "'");
    }
    std::lock_guard lock{mutex_};
    factories_.insert_or_assign(std::move(name), std::move(factory));
}

bool FeedExporterRegistry::contains(std::string_view name) const
{
    std::lock_guard lock{mutex_};
    return factories_.find(name) != factories_.end();
}

std::vector<std::string> FeedExporterRegistry::names() const
{
    std::lock_guard lock{mutex_};
    std::vector<std::string> names;
    for (const auto& [name, factory] : factories_) {
        names.push_back(name);
    }
    return names;
}

std::unique_ptr<FeedExporter> FeedExporterRegistry::create(std::string_view name, ByteSink& sink,
                                                           const FeedExporterOptions& options) const
{
    FeedExporterFactory factory;
    {
        std::lock_guard lock{mutex_};
        if (const auto found = factories_.find(name); found != factories_.end()) {
            factory = found->second;
        }
    }
    if (!factory) {
        std::string known;
        for (const auto& each : names()) {
            known += known.empty() ? "" : ", ";
            known += each;
        }
        throw std::invalid_argument("unknown feed exporter '" + std::string(name) + "' (known: " + known + ")");
    }
    auto exporter = factory(sink, options);
    if (!exporter) {
        throw std::logic_error("the feed exporter factory of '" + std::string(name) + "' returned nothing");
    }
    return exporter;
}

void register_builtin_feed_exporters(FeedExporterRegistry& registry)
{
    registry.add("jsonlines", [](ByteSink& sink, const FeedExporterOptions& options) {
        return std::make_unique<JsonLinesExporter>(sink, options);
    });
    registry.add("json", [](ByteSink& sink, const FeedExporterOptions& options) {
        return std::make_unique<JsonExporter>(sink, options);
    });
    registry.add("csv", [](ByteSink& sink, const FeedExporterOptions& options) {
        return std::make_unique<CsvExporter>(sink, options);
    });
    registry.add("xml", [](ByteSink& sink, const FeedExporterOptions& options) {
        return std::make_unique<XmlExporter>(sink, options);
    });
}

} // namespace trawl
