#pragma once
// Components by name: the built-ins under their short names ("retry",
// "redirect", "memory", ...) and a user's under the names they register
// ("myproject.polite_retry"). Settings dicts such as DOWNLOADER_MIDDLEWARES
// name them with a priority; a null value disables one.
//
// A component type has `static std::unique_ptr<T> from_crawler(Crawler&)`,
// which may throw NotConfigured to turn itself off at start-up.

#include <trawl/downloader_middleware.hpp>
#include <trawl/item_pipeline.hpp>
#include <trawl/scheduler.hpp>
#include <trawl/spider_middleware.hpp>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace trawl {

class Crawler;

/// An extension: subscribes to signals in from_crawler and lives for the
/// crawl (CloseSpider, LogStats, CoreStats, ...). The engine destroys it
/// after SpiderClosed, once the loop has stopped: disconnect its handlers in
/// the destructor and stop its timers at SpiderClosed, and let no pending
/// wait touch it afterwards.
class Extension {
public:
    virtual ~Extension() = default;
};

class Components {
public:
    template <class T>
    using Factory = std::function<std::unique_ptr<T>(Crawler&)>;

    /// Registers a factory under `name`; a later add under the same name
    /// replaces the earlier one (so a user may override a built-in). An
    /// empty factory throws std::invalid_argument.
    void add_downloader_middleware(std::string name, Factory<DownloaderMiddleware> factory);
    void add_spider_middleware(std::string name, Factory<SpiderMiddleware> factory);
    void add_pipeline(std::string name, Factory<ItemPipeline> factory);
    void add_extension(std::string name, Factory<Extension> factory);
    void add_scheduler(std::string name, Factory<Scheduler> factory);
    void add_dupefilter(std::string name, Factory<DupeFilter> factory);

    /// Adds every component of `defaults` whose name this registry does not
    /// have yet: how the engine adds the built-ins without replacing a
    /// user's component registered under a built-in's name.
    void add_missing(Components&& defaults);

    /// Registers T under `name` with T::from_crawler as its factory.
    template <class T>
    void add_downloader_middleware(std::string name)
    {
        add_downloader_middleware(std::move(name), [](Crawler& c) { return T::from_crawler(c); });
    }
    template <class T>
    void add_spider_middleware(std::string name)
    {
        add_spider_middleware(std::move(name), [](Crawler& c) { return T::from_crawler(c); });
    }
    template <class T>
    void add_pipeline(std::string name)
    {
        add_pipeline(std::move(name), [](Crawler& c) { return T::from_crawler(c); });
    }
    template <class T>
    void add_extension(std::string name)
    {
        add_extension(std::move(name), [](Crawler& c) { return T::from_crawler(c); });
    }

    /// A component list from a priority dict: `base` (e.g.
    /// DOWNLOADER_MIDDLEWARES_BASE) with `user` (DOWNLOADER_MIDDLEWARES)
    /// merged over it, nulls removed, sorted by priority then name, each
    /// built through its factory in that order. A factory throwing
    /// NotConfigured is skipped ("Disabled NAME: why", INFO); the result is
    /// logged as "Enabled downloader middlewares: [a, b]".
    /// Throws SettingsError naming the setting, its source and the known
    /// names for an unknown component (checked before anything is built),
    /// and for a priority that is not an integer or null. A name only
    /// trawl's own default *_BASE lists but this build does not register is
    /// skipped with a "Disabled" line instead.
    template <class T>
    struct Built {
        std::string name;
        int priority;
        std::unique_ptr<T> component;
    };
    std::vector<Built<DownloaderMiddleware>> build_downloader_middlewares(Crawler& crawler) const;
    std::vector<Built<SpiderMiddleware>> build_spider_middlewares(Crawler& crawler) const;
    std::vector<Built<ItemPipeline>> build_pipelines(Crawler& crawler) const;
    std::vector<Built<Extension>> build_extensions(Crawler& crawler) const;
    /// The component the setting SCHEDULER / DUPEFILTER_CLASS names
    /// ("memory" by default). Throws SettingsError for an unknown name or a
    /// factory throwing NotConfigured: the crawl cannot run without one.
    std::unique_ptr<Scheduler> build_scheduler(Crawler& crawler) const;
    std::unique_ptr<DupeFilter> build_dupefilter(Crawler& crawler) const;

private:
    std::map<std::string, Factory<DownloaderMiddleware>, std::less<>> downloader_middlewares_;
    std::map<std::string, Factory<SpiderMiddleware>, std::less<>> spider_middlewares_;
    std::map<std::string, Factory<ItemPipeline>, std::less<>> pipelines_;
    std::map<std::string, Factory<Extension>, std::less<>> extensions_;
    std::map<std::string, Factory<Scheduler>, std::less<>> schedulers_;
    std::map<std::string, Factory<DupeFilter>, std::less<>> dupefilters_;
};

/// Registers every built-in component under its short name.
void register_builtin_components(Components& components);

/// The components a program's own translation units register by name with
/// TRAWL_PIPELINE, TRAWL_DOWNLOADER_MIDDLEWARE, TRAWL_SPIDER_MIDDLEWARE and
/// TRAWL_EXTENSION (below): every Crawler starts with a copy of them, so a
/// project's settings.yaml can name its own components as it names
/// trawl's. Filled during static initialisation; read-only afterwards.
Components& registered_components();

namespace detail {
struct ComponentRegistrar {
    explicit ComponentRegistrar(void (*add)(Components&)) { add(registered_components()); }
};
} // namespace detail

} // namespace trawl

// Each registers a component class (with its static from_crawler) under a
// name for settings such as ITEM_PIPELINES: {"myproject.prices": 300}. Use
// them at namespace scope in the user's own .cpp files (which the linker
// keeps), as TRAWL_SPIDER.
#define TRAWL_PIPELINE(ComponentClass, component_name)                                         \
    static const ::trawl::detail::ComponentRegistrar trawl_pipeline_registrar_##ComponentClass{ \
        [](::trawl::Components& c) { c.add_pipeline<ComponentClass>(component_name); }}
#define TRAWL_DOWNLOADER_MIDDLEWARE(ComponentClass, component_name)                                       \
    static const ::trawl::detail::ComponentRegistrar trawl_downloader_middleware_registrar_##ComponentClass{ \
        [](::trawl::Components& c) { c.add_downloader_middleware<ComponentClass>(component_name); }}
#define TRAWL_SPIDER_MIDDLEWARE(ComponentClass, component_name)                                       \
    static const ::trawl::detail::ComponentRegistrar trawl_spider_middleware_registrar_##ComponentClass{ \
        [](::trawl::Components& c) { c.add_spider_middleware<ComponentClass>(component_name); }}
#define TRAWL_EXTENSION(ComponentClass, component_name)                                         \
    static const ::trawl::detail::ComponentRegistrar trawl_extension_registrar_##ComponentClass{ \
        [](::trawl::Components& c) { c.add_extension<ComponentClass>(component_name); }}
