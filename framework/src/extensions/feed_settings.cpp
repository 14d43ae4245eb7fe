#include "extensions/feed_settings.hpp"

#include "extensions/feed_storage.hpp"
#include "extensions/feed_uri.hpp"

#include <trawl/log.hpp>
#include <trawl/spider.hpp>

#include <boost/json/serialize.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <optional>
#include <stdexcept>

namespace trawl {

namespace {

const Logger logger{"trawl.extensions.feedexport"};

namespace json = boost::json;

constexpr std::string_view known_options[] = {"format", "overwrite", "encoding", "fields", "indent",
                                              "store_empty", "item_classes", "item_export_kwargs",
                                              "batch_item_count"};

/// Errors about one feed: "settings.yaml:3: FEEDS: 'items.json': what".
class FeedErrors {
public:
    FeedErrors(const Settings& settings, std::string uri) : source_(settings.source("FEEDS")), uri_(std::move(uri))
    {
    }
    [[noreturn]] void fail(std::string_view what) const
    {
        throw SettingsError(fmt::format("{}: FEEDS: '{}': {}", source_, uri_, what));
    }

private:
    std::string source_;
    std::string uri_;
};

/// A dict setting with the user's dict merged over its _BASE; null values
/// stay (they disable an entry).
json::object merged_dict(const Settings& settings, std::string_view base, std::string_view user)
{
    json::object merged = settings.get_dict(base);
    for (const auto& entry : settings.get_dict(user)) {
        merged[entry.key()] = entry.value();
    }
    return merged;
}

std::string known_keys(const json::object& dict)
{
    std::vector<std::string> keys;
    for (const auto& entry : dict) {
        if (!entry.value().is_null() && !entry.key().empty()) {
            keys.emplace_back(entry.key());
        }
    }
    std::sort(keys.begin(), keys.end());
    return fmt::format("{}", fmt::join(keys, ", "));
}

/// FEED_EXPORT_FIELDS' forms: a list, a dict field -> output name, a
/// comma-separated string; null or empty: unset.
std::optional<std::vector<FeedField>> parse_fields(const json::value& value,
                                                  const std::function<void(const std::string&)>& fail)
{
    std::vector<FeedField> fields;
    if (value.is_null()) {
        return std::nullopt;
    }
    if (value.is_string()) {
        std::string_view rest = value.get_string();
        while (!rest.empty()) {
            const auto comma = rest.find(',');
            std::string name(rest.substr(0, comma));
            name.erase(0, name.find_first_not_of(" \t"));
            name.erase(name.find_last_not_of(" \t") + 1);
            if (!name.empty()) {
                fields.push_back(FeedField{name, name});
            }
            rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
        }
    } else if (value.is_array()) {
        for (const auto& element : value.get_array()) {
            if (!element.is_string()) {
                fail("expected a list of field names, got " + json::serialize(value));
            }
            fields.push_back(FeedField{std::string(element.get_string()), std::string(element.get_string())});
        }
    } else if (value.is_object()) {
        for (const auto& entry : value.get_object()) {
            if (!entry.value().is_string()) {
                fail("expected field: output name pairs, got " + json::serialize(value));
            }
            fields.push_back(FeedField{std::string(entry.key()), std::string(entry.value().get_string())});
        }
    } else {
        fail("expected a list or a dict, got " + json::serialize(value));
    }
    if (fields.empty()) {
        return std::nullopt;
    }
    return fields;
}

/// Where the feed goes: storage and path from the URI.
void resolve_storage(FeedConfig& config, const Settings& settings, const FeedErrors& errors)
{
    const std::string scheme = uri_scheme(config.uri);
    const json::object storages = merged_dict(settings, "FEED_STORAGES_BASE", "FEED_STORAGES");
    const json::value* storage = storages.if_contains(scheme);
    if (!storage || !storage->is_string()) {
        errors.fail(fmt::format("unsupported storage scheme '{}' (supported: {})", scheme, known_keys(storages)));
    }
    if (!FeedStorageRegistry::instance().contains(storage->get_string())) {
        errors.fail(fmt::format("unsupported storage '{}' for scheme '{}' (known: {})",
                                std::string_view{storage->get_string()}, scheme,
                                fmt::join(FeedStorageRegistry::instance().names(), ", ")));
    }
    config.storage = storage->get_string();
    if (config.storage != "file") {
        return;
    }
    try {
        config.path = file_uri_path(config.uri, scheme);
    } catch (const std::invalid_argument& e) {
        errors.fail(e.what());
    }
    if (config.path.empty()) {
        errors.fail("no file path");
    }
}

/// The format (given or from the extension) and the exporter it maps to.
void resolve_format(FeedConfig& config, const json::object& options, const Settings& settings,
                    const FeedErrors& errors)
{
    const json::object exporters = merged_dict(settings, "FEED_EXPORTERS_BASE", "FEED_EXPORTERS");
    const json::value* format = options.if_contains("format");
    if (format && !format->is_null()) {
        if (!format->is_string()) {
            errors.fail("format: expected a string, got " + json::serialize(*format));
        }
        config.format = format->get_string();
    } else {
        // Any storage's URI ends in a file name, as a path does.
        std::string extension =
            (config.path.empty() ? std::filesystem::path(config.uri) : config.path).extension().string();
        if (!extension.empty()) {
            extension.erase(0, 1);
        }
        const json::value* mapped = exporters.if_contains(extension);
        if (extension.empty() || !mapped || mapped->is_null()) {
            errors.fail(fmt::format("no format: set format ({}) or use a file extension that names one",
                                    known_keys(exporters)));
        }
        config.format = extension;
    }
    const json::value* exporter = exporters.if_contains(config.format);
    if (exporter && exporter->is_string()) {
        config.exporter = exporter->get_string();
    } else if (!exporter && FeedExporterRegistry::instance().contains(config.format)) {
        config.exporter = config.format;
    } else {
        errors.fail(fmt::format("unknown feed format '{}' (known: {})", config.format, known_keys(exporters)));
    }
    if (!FeedExporterRegistry::instance().contains(config.exporter)) {
        errors.fail(fmt::format("format '{}' maps to exporter '{}', which is not registered", config.format,
                                config.exporter));
    }
}

bool bool_option(const json::object& options, std::string_view key, bool fallback, const FeedErrors& errors)
{
    const json::value* value = options.if_contains(key);
    if (!value || value->is_null()) {
        return fallback;
    }
    if (!value->is_bool()) {
        errors.fail(fmt::format("{}: expected true or false, got {}", key, json::serialize(*value)));
    }
    return value->get_bool();
}

void read_exporter_options(FeedConfig& config, const json::object& options, const Settings& settings,
                           const FeedErrors& errors)
{
    FeedExporterOptions& out = config.options;
    if (const json::value* fields = options.if_contains("fields")) {
        out.fields = parse_fields(*fields, [&](const std::string& what) { errors.fail("fields: " + what); });
    } else if (const json::value* fields = settings.find("FEED_EXPORT_FIELDS")) {
        out.fields = parse_fields(*fields, [&](const std::string& what) {
            throw SettingsError(
                fmt::format("{}: FEED_EXPORT_FIELDS: {}", settings.source("FEED_EXPORT_FIELDS"), what));
        });
    }

    const json::value* encoding = options.if_contains("encoding");
    if (!encoding) {
        encoding = settings.find("FEED_EXPORT_ENCODING");
    }
    if (encoding && encoding->is_string()) {
        out.encoding = std::string(encoding->get_string());
    } else if (encoding && !encoding->is_null()) {
        errors.fail("encoding: expected a string or null, got " + json::serialize(*encoding));
    }

    if (const json::value* indent = options.if_contains("indent")) {
        if (indent->is_null()) {
            out.indent.reset();
        } else if (indent->is_int64() || indent->is_uint64()) {
            out.indent = static_cast<int>(indent->to_number<std::int64_t>());
        } else {
            errors.fail("indent: expected an integer or null, got " + json::serialize(*indent));
        }
    } else if (const json::value* indent = settings.find("FEED_EXPORT_INDENT"); indent && indent->is_null()) {
        out.indent.reset();
    } else {
        out.indent = static_cast<int>(settings.get_int("FEED_EXPORT_INDENT"));
    }

    if (const json::value* kwargs = options.if_contains("item_export_kwargs"); kwargs && !kwargs->is_null()) {
        if (!kwargs->is_object()) {
            errors.fail("item_export_kwargs: expected a dict, got " + json::serialize(*kwargs));
        }
        out.kwargs = kwargs->get_object();
        if (const json::value* empty = out.kwargs.if_contains("export_empty_fields")) {
            if (!empty->is_bool()) {
                errors.fail("item_export_kwargs: export_empty_fields: expected true or false");
            }
            out.export_empty_fields = empty->get_bool();
            out.kwargs.erase("export_empty_fields");
        }
    }
}

FeedConfig read_feed(const std::string& configured_uri, const json::value& value, const Settings& settings,
                     const std::map<std::string, std::string>& params)
{
    const FeedErrors configured_errors{settings, configured_uri};
    if (!value.is_object()) {
        configured_errors.fail("expected a dict of options, got " + json::serialize(value));
    }
    const json::object& options = value.get_object();
    FeedConfig config;
    try {
        config.uri = substitute_uri_params(configured_uri, params);
    } catch (const std::invalid_argument& e) {
        configured_errors.fail(e.what());
    }
    const FeedErrors errors{settings, config.uri};
    for (const auto& option : options) {
        if (std::find(std::begin(known_options), std::end(known_options), std::string_view{option.key()}) ==
            std::end(known_options)) {
            logger.warning("{}: FEEDS: '{}': unknown option '{}' ignored (known: {})", settings.source("FEEDS"),
                         config.uri, std::string_view{option.key()}, fmt::join(known_options, ", "));
        }
    }

    resolve_storage(config, settings, errors);
    resolve_format(config, options, settings, errors);
    config.overwrite = bool_option(options, "overwrite", false, errors);
    config.store_empty = bool_option(options, "store_empty", settings.get_bool("FEED_STORE_EMPTY"), errors);
    if (const json::value* kinds = options.if_contains("item_classes"); kinds && !kinds->is_null()) {
        const auto fail = [&] {
            errors.fail("item_classes: expected a list of item kinds, got " + json::serialize(*kinds));
        };
        if (!kinds->is_array()) {
            fail();
        }
        for (const auto& kind : kinds->get_array()) {
            if (!kind.is_string()) {
                fail();
            }
            config.item_classes.emplace_back(kind.get_string());
        }
    }
    std::int64_t batch = settings.get_int("FEED_EXPORT_BATCH_ITEM_COUNT");
    if (const json::value* count = options.if_contains("batch_item_count"); count && !count->is_null()) {
        if (!count->is_int64() && !count->is_uint64()) {
            errors.fail("batch_item_count: expected an integer, got " + json::serialize(*count));
        }
        batch = count->to_number<std::int64_t>();
    }
    if (batch < 0) {
        errors.fail(fmt::format("batch_item_count: expected a count >= 0, got {}", batch));
    }
    if (batch > 0 && configured_uri.find("%(batch_id)") == std::string::npos &&
        configured_uri.find("%(batch_time)") == std::string::npos) {
        // Scrapy's check: every batch would overwrite (or append to) the
        // same file.
        errors.fail("%(batch_time)s or %(batch_id)d must be in the feed URI if FEED_EXPORT_BATCH_ITEM_COUNT "
                    "setting or FEEDS.batch_item_count is specified and greater than 0");
    }
    config.batch_item_count = batch;
    config.uri_template = configured_uri;
    config.uri_params = params;
    read_exporter_options(config, options, settings, errors);
    return config;
}

} // namespace

FeedConfig feed_batch_config(const FeedConfig& first, std::int64_t batch_id,
                             std::chrono::system_clock::time_point now)
{
    FeedConfig config = first;
    config.uri_params["batch_id"] = std::to_string(batch_id);
    config.uri_params["batch_time"] = feed_utc_time(now, true);
    config.uri = substitute_uri_params(config.uri_template, config.uri_params);
    if (config.storage == "file") {
        config.path = file_uri_path(config.uri, uri_scheme(config.uri));
        if (config.path.empty()) {
            throw std::invalid_argument("no file path");
        }
    }
    return config;
}

std::vector<FeedConfig> read_feed_configs(const Settings& settings, const Spider& spider,
                                          std::chrono::system_clock::time_point now)
{
    // Spider arguments first: Scrapy's params are the spider's attributes,
    // with name and the times set over them.
    std::map<std::string, std::string> params(spider.arguments.begin(), spider.arguments.end());
    params["name"] = spider.name;
    params["time"] = feed_utc_time(now, false);
    params["batch_time"] = feed_utc_time(now, true);
    params["batch_id"] = "1";

    std::vector<FeedConfig> configs;
    for (const auto& feed : settings.get_dict("FEEDS")) {
        configs.push_back(read_feed(std::string(feed.key()), feed.value(), settings, params));
    }
    return configs;
}

} // namespace trawl
