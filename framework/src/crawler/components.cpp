// The component registry and Scrapy's build_component_list: priority dicts
// from settings turned into ordered, built components.

#include <trawl/components.hpp>
#include <trawl/crawler.hpp>
#include <trawl/log.hpp>

#include <boost/json/serialize.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>

namespace trawl {

namespace json = boost::json;

namespace {

const Logger logger{"trawl.middleware"};

template <class T>
using FactoryMap = std::map<std::string, Components::Factory<T>, std::less<>>;

template <class T>
void add(FactoryMap<T>& factories, std::string name, Components::Factory<T> factory)
{
    if (!factory) {
        throw std::invalid_argument(fmt::format("component '{}' registered without a factory", name));
    }
    // A later add replaces: a user may register their own class under a
    // built-in's name.
    factories.insert_or_assign(std::move(name), std::move(factory));
}

template <class T>
std::string known_names(const FactoryMap<T>& factories)
{
    std::vector<std::string_view> names;
    names.reserve(factories.size());
    for (const auto& entry : factories) {
        names.push_back(entry.first);
    }
    return names.empty() ? std::string("none registered") : fmt::format("{}", fmt::join(names, ", "));
}

/// One entry of a merged priority dict, with the setting that supplied it.
struct ListEntry {
    std::string name;
    int priority;
    std::string setting;
    bool from_builtin_defaults;  // trawl's own *_BASE, not changed by the user
};

/// A dict value as a priority: an integer (nullopt for null = disabled).
std::optional<int> parse_priority(const Settings& settings, const std::string& setting, std::string_view name,
                                  const json::value& value)
{
    if (value.is_null()) {
        return std::nullopt;
    }
    if (value.is_int64() && value.get_int64() >= INT_MIN && value.get_int64() <= INT_MAX) {
        return static_cast<int>(value.get_int64());
    }
    if (value.is_uint64() && value.get_uint64() <= static_cast<std::uint64_t>(INT_MAX)) {
        return static_cast<int>(value.get_uint64());
    }
    throw SettingsError(fmt::format("{}: {}: the priority of '{}' must be an integer or null, got {}",
                                    settings.source(setting), setting, name, json::serialize(value)));
}

/// Scrapy's build_component_list: `setting`_BASE with `setting` merged over
/// it, nulls dropped, sorted by priority then name.
std::vector<ListEntry> component_list(const Settings& settings, const std::string& setting)
{
    std::map<std::string, ListEntry, std::less<>> merged;
    std::vector<std::string> disabled;
    for (const std::string& name : {setting + "_BASE", setting}) {
        if (!settings.contains(name)) {
            continue;
        }
        const bool builtin = settings.priority(name) == SettingPriority::builtin;
        for (const auto& [key, value] : settings.get_dict(name)) {
            const std::string component(key);
            const auto priority = parse_priority(settings, name, component, value);
            if (!priority) {
                merged.erase(component);
                continue;
            }
            merged.insert_or_assign(component, ListEntry{component, *priority, name, builtin});
        }
    }
    std::vector<ListEntry> list;
    list.reserve(merged.size());
    for (auto& entry : merged) {
        list.push_back(std::move(entry.second));
    }
    std::stable_sort(list.begin(), list.end(), [](const ListEntry& a, const ListEntry& b) {
        return a.priority != b.priority ? a.priority < b.priority : a.name < b.name;
    });
    return list;
}

template <class T>
std::vector<Components::Built<T>> build_list(Crawler& crawler, const FactoryMap<T>& factories,
                                             const std::string& setting, std::string_view kind,
                                             std::string_view kind_plural)
{
    const Settings& settings = crawler.settings();
    const auto list = component_list(settings, setting);

    // Check every name before building anything, so that a typo is reported
    // before components with side effects (files, sockets) come to life.
    for (const auto& entry : list) {
        if (factories.contains(entry.name) || entry.from_builtin_defaults) {
            continue;
        }
        throw SettingsError(fmt::format("{}: {}: unknown {} '{}' (known: {})", settings.source(entry.setting),
                                        entry.setting, kind, entry.name, known_names(factories)));
    }

    std::vector<Components::Built<T>> built;
    std::vector<std::string_view> enabled;
    for (const auto& entry : list) {
        const auto factory = factories.find(entry.name);
        if (factory == factories.end()) {
            // trawl's defaults may name a component this build does not
            // register (one not written yet, or left out): not the user's
            // mistake, so it is off rather than an error, and not worth an
            // INFO line on every start.
            logger.debug("Disabled {}: no {} is registered under this name", entry.name, kind);
            continue;
        }
        std::unique_ptr<T> component;
        try {
            component = factory->second(crawler);
        } catch (const NotConfigured& e) {
            logger.info("Disabled {}: {}", entry.name, e.what());
            continue;
        }
        if (!component) {
            throw std::logic_error(fmt::format("the factory of {} '{}' returned no component", kind, entry.name));
        }
        built.push_back(Components::Built<T>{entry.name, entry.priority, std::move(component)});
        enabled.push_back(entry.name);  // not built's copy: push_back may move it
    }
    logger.info("Enabled {}: [{}]", kind_plural, fmt::join(enabled, ", "));
    return built;
}

/// A component named by a single setting (SCHEDULER, DUPEFILTER_CLASS).
template <class T>
std::unique_ptr<T> build_named(Crawler& crawler, const FactoryMap<T>& factories, std::string_view setting,
                               std::string_view kind)
{
    const Settings& settings = crawler.settings();
    const std::string name = settings.get_string(setting, "memory");
    const auto factory = factories.find(name);
    if (factory == factories.end()) {
        throw SettingsError(fmt::format("{}: {}: unknown {} '{}' (known: {})", settings.source(setting), setting,
                                        kind, name, known_names(factories)));
    }
    std::unique_ptr<T> component;
    try {
        component = factory->second(crawler);
    } catch (const NotConfigured& e) {
        // The crawl cannot run without one: a disabled choice is a
        // configuration error, not something to skip.
        throw SettingsError(fmt::format("{}: {}: {} '{}' is not configured: {}", settings.source(setting), setting,
                                        kind, name, e.what()));
    }
    if (!component) {
        throw std::logic_error(fmt::format("the factory of {} '{}' returned no component", kind, name));
    }
    return component;
}

} // namespace

void Components::add_missing(Components&& defaults)
{
    auto merge = [](auto& into, auto& from) {
        for (auto& [name, factory] : from) {
            into.try_emplace(name, std::move(factory));
        }
    };
    merge(downloader_middlewares_, defaults.downloader_middlewares_);
    merge(spider_middlewares_, defaults.spider_middlewares_);
    merge(pipelines_, defaults.pipelines_);
    merge(extensions_, defaults.extensions_);
    merge(schedulers_, defaults.schedulers_);
    merge(dupefilters_, defaults.dupefilters_);
}

void Components::add_downloader_middleware(std::string name, Factory<DownloaderMiddleware> factory)
{
    add(downloader_middlewares_, std::move(name), std::move(factory));
}

void Components::add_spider_middleware(std::string name, Factory<SpiderMiddleware> factory)
{
    add(spider_middlewares_, std::move(name), std::move(factory));
}

void Components::add_pipeline(std::string name, Factory<ItemPipeline> factory)
{
    add(pipelines_, std::move(name), std::move(factory));
}

void Components::add_extension(std::string name, Factory<Extension> factory)
{
    add(extensions_, std::move(name), std::move(factory));
}

void Components::add_scheduler(std::string name, Factory<Scheduler> factory)
{
    add(schedulers_, std::move(name), std::move(factory));
}

void Components::add_dupefilter(std::string name, Factory<DupeFilter> factory)
{
    add(dupefilters_, std::move(name), std::move(factory));
}

std::vector<Components::Built<DownloaderMiddleware>> Components::build_downloader_middlewares(Crawler& crawler) const
{
    return build_list(crawler, downloader_middlewares_, "DOWNLOADER_MIDDLEWARES", "downloader middleware",
                      "downloader middlewares");
}

std::vector<Components::Built<SpiderMiddleware>> Components::build_spider_middlewares(Crawler& crawler) const
{
    return build_list(crawler, spider_middlewares_, "SPIDER_MIDDLEWARES", "spider middleware",
                      "spider middlewares");
}

std::vector<Components::Built<ItemPipeline>> Components::build_pipelines(Crawler& crawler) const
{
    return build_list(crawler, pipelines_, "ITEM_PIPELINES", "item pipeline", "item pipelines");
}

std::vector<Components::Built<Extension>> Components::build_extensions(Crawler& crawler) const
{
    return build_list(crawler, extensions_, "EXTENSIONS", "extension", "extensions");
}

std::unique_ptr<Scheduler> Components::build_scheduler(Crawler& crawler) const
{
    return build_named(crawler, schedulers_, "SCHEDULER", "scheduler");
}

std::unique_ptr<DupeFilter> Components::build_dupefilter(Crawler& crawler) const
{
    return build_named(crawler, dupefilters_, "DUPEFILTER_CLASS", "dupefilter");
}

Components& registered_components()
{
    static Components components;
    return components;
}

} // namespace trawl
