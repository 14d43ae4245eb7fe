#include "extensions/feed_settings.hpp"

#include <trawl/log.hpp>
#include <trawl/spider.hpp>
#include <trawl/url.hpp>

#include <boost/json/serialize.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <ctime>
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

std::string utc_time(std::chrono::system_clock::time_point now, bool micros)
{
    using namespace std::chrono;
    const auto seconds = floor<std::chrono::seconds>(now);
    const std::time_t t = system_clock::to_time_t(seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    // Scrapy's isoformat() with ':' replaced by '-', so that the name is a
    // valid file name everywhere.
    auto text = fmt::format("{:04}-{:02}-{:02}T{:02}-{:02}-{:02}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                            tm.tm_hour, tm.tm_min, tm.tm_sec);
    if (micros) {
        text += fmt::format(".{:06}", duration_cast<microseconds>(now - seconds).count());
    }
    return text;
}

/// The URI's scheme as Python's urlsplit finds it ("" for a plain path).
std::string uri_scheme(std::string_view uri)
{
    const auto colon = uri.find(':');
    if (colon == std::string_view::npos || colon == 0 || !std::isalpha(static_cast<unsigned char>(uri[0]))) {
        return {};
    }
    std::string scheme;
    for (const char c : uri.substr(0, colon)) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') {
            return {};
        }
        scheme.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
    return scheme;
}

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
    if (storage->get_string() == "stdout") {
        config.storage = FeedConfig::Storage::stdout_stream;
        return;
    }
    if (storage->get_string() != "file") {
        errors.fail(fmt::format("unsupported storage '{}' for scheme '{}' (trawl has file and stdout)",
                                std::string_view{storage->get_string()}, scheme));
    }
    std::string_view rest{config.uri};
    if (scheme.empty()) {
        config.path = std::string(rest);
    } else {
        rest.remove_prefix(scheme.size() + 1);
        if (rest.starts_with("//")) {
            rest.remove_prefix(2);
            const auto slash = rest.find('/');
            const auto host = rest.substr(0, slash);
            if (!host.empty() && host != "localhost") {
                errors.fail(fmt::format("a file URI must name a local path, not host '{}'", host));
            }
            rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);
        }
        config.path = unquote(rest);
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
        std::string extension = config.path.extension().string();
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
    if (batch > 0) {
        // Refused rather than ignored: the user asked for files of N items
        // and would get one file.
        errors.fail("batch_item_count / FEED_EXPORT_BATCH_ITEM_COUNT: batches are not supported yet; set 0");
    }
    read_exporter_options(config, options, settings, errors);
    return config;
}

} // namespace

std::string substitute_uri_params(std::string_view uri, const std::map<std::string, std::string>& params)
{
    std::string out;
    std::size_t pos = 0;
    while (pos < uri.size()) {
        const auto percent = uri.find('%', pos);
        out.append(uri.substr(pos, percent - pos));
        if (percent == std::string_view::npos) {
            break;
        }
        if (percent + 1 < uri.size() && uri[percent + 1] == '%') {
            out.push_back('%');
            pos = percent + 2;
            continue;
        }
        const auto close = percent + 1 < uri.size() && uri[percent + 1] == '(' ? uri.find(')', percent) : uri.npos;
        if (close == std::string_view::npos) {
            // Not a placeholder: a percent-encoded byte, or a lone '%'.
            out.push_back('%');
            pos = percent + 1;
            continue;
        }
        const std::string key(uri.substr(percent + 2, close - percent - 2));
        std::size_t spec = close + 1;
        const bool zero_pad = spec < uri.size() && uri[spec] == '0';
        std::size_t width = 0;
        while (spec < uri.size() && std::isdigit(static_cast<unsigned char>(uri[spec]))) {
            width = width * 10 + static_cast<std::size_t>(uri[spec] - '0');
            ++spec;
        }
        if (spec >= uri.size() || (uri[spec] != 's' && uri[spec] != 'd')) {
            throw std::invalid_argument(fmt::format("unsupported placeholder '{}' (use %({})s or %({})d)",
                                                    uri.substr(percent, spec + 1 - percent), key, key));
        }
        const auto found = params.find(key);
        if (found == params.end()) {
            std::vector<std::string_view> names;
            for (const auto& param : params) {
                names.push_back(param.first);
            }
            throw std::invalid_argument(
                fmt::format("unknown placeholder %({}){} (known: {})", key, uri[spec], fmt::join(names, ", ")));
        }
        std::string value = found->second;
        if (uri[spec] == 'd' && (value.empty() || value.find_first_not_of("0123456789") != std::string::npos)) {
            throw std::invalid_argument(fmt::format("placeholder %({})d: '{}' is not a number", key, value));
        }
        if (value.size() < width) {
            value.insert(0, width - value.size(), zero_pad && uri[spec] == 'd' ? '0' : ' ');
        }
        out += value;
        pos = spec + 1;
    }
    return out;
}

std::vector<FeedConfig> read_feed_configs(const Settings& settings, const Spider& spider,
                                          std::chrono::system_clock::time_point now)
{
    // Spider arguments first: Scrapy's params are the spider's attributes,
    // with name and the times set over them.
    std::map<std::string, std::string> params(spider.arguments.begin(), spider.arguments.end());
    params["name"] = spider.name;
    params["time"] = utc_time(now, false);
    params["batch_time"] = utc_time(now, true);
    params["batch_id"] = "1";

    std::vector<FeedConfig> configs;
    for (const auto& feed : settings.get_dict("FEEDS")) {
        configs.push_back(read_feed(std::string(feed.key()), feed.value(), settings, params));
    }
    return configs;
}

} // namespace trawl
