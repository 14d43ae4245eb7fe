// Components: Scrapy's build_component_list over the *_BASE and user dicts.

#include "crawler_test_support.hpp"

#include "extensions/builtin_extensions.hpp"

#include <trawl/components.hpp>
#include <trawl/crawler.hpp>

#include <boost/json/parse.hpp>

#include <gtest/gtest.h>

namespace trawl {
namespace {

namespace json = boost::json;
using test::LogCapture;
using test::make_crawler;

class TaggedMiddleware final : public DownloaderMiddleware {
public:
    explicit TaggedMiddleware(int tag) : tag(tag) {}
    HookSet hooks() const override { return 0; }
    int tag;
};

class NoopSpiderMiddleware final : public SpiderMiddleware {};

class NoopPipeline final : public ItemPipeline {
public:
    boost::asio::awaitable<ItemAction> process_item(Item item, Spider&) override { co_return item; }
};

class NoopExtension final : public Extension {};

class FakeScheduler final : public Scheduler {
public:
    explicit FakeScheduler(std::string name) : name(std::move(name)) {}
    boost::asio::awaitable<bool> enqueue_request(Request, const Fingerprint&) override { co_return true; }
    std::optional<Request> next_request(const SlotView&) override { return std::nullopt; }
    bool has_pending_requests() const override { return false; }
    std::size_t pending_count() const override { return 0; }
    std::string name;
};

class FakeDupeFilter final : public DupeFilter {
public:
    explicit FakeDupeFilter(std::string name) : name(std::move(name)) {}
    boost::asio::awaitable<bool> request_seen(const Request&, const Fingerprint&) override { co_return false; }
    std::size_t size() const override { return 0; }
    std::string name;
};

Components::Factory<DownloaderMiddleware> tagged(int tag)
{
    return [tag](Crawler&) { return std::make_unique<TaggedMiddleware>(tag); };
}

template <class T>
std::vector<std::string> names(const std::vector<Components::Built<T>>& built)
{
    std::vector<std::string> out;
    for (const auto& b : built) {
        out.push_back(b.name);
    }
    return out;
}

/// Settings whose downloader middleware dicts are exactly `base` (at
/// built-in priority, as trawl's defaults) and `user` (the project's).
Settings with_dicts(const std::string& setting, std::string_view base, std::string_view user)
{
    Settings settings;
    settings.set(setting + "_BASE", json::parse(base), SettingPriority::builtin);
    settings.set(setting, json::parse(user), SettingPriority::project, "settings.yaml:7");
    return settings;
}

using Strings = std::vector<std::string>;

// A program's own components, registered by name as a project's files do.
class RegisteredPipeline final : public ItemPipeline {
public:
    static std::unique_ptr<RegisteredPipeline> from_crawler(Crawler&) { return std::make_unique<RegisteredPipeline>(); }
    boost::asio::awaitable<ItemAction> process_item(Item item, Spider&) override { co_return item; }
};
class RegisteredMiddleware final : public DownloaderMiddleware {
public:
    static std::unique_ptr<RegisteredMiddleware> from_crawler(Crawler&)
    {
        return std::make_unique<RegisteredMiddleware>();
    }
    HookSet hooks() const override { return 0; }
};
TRAWL_PIPELINE(RegisteredPipeline, "myproject.prices");
TRAWL_DOWNLOADER_MIDDLEWARE(RegisteredMiddleware, "myproject.polite");

TEST(ComponentsTest, ComponentsRegisteredByTheProgramAreKnownToEveryCrawler)
{
    Settings settings;
    settings.set("ITEM_PIPELINES_BASE", json::parse("{}"), SettingPriority::builtin);
    settings.set("ITEM_PIPELINES", json::parse(R"({"myproject.prices": 300})"), SettingPriority::project);
    settings.set("DOWNLOADER_MIDDLEWARES_BASE", json::parse("{}"), SettingPriority::builtin);
    settings.set("DOWNLOADER_MIDDLEWARES", json::parse(R"({"myproject.polite": 10})"), SettingPriority::project);
    auto crawler = make_crawler(std::move(settings));
    EXPECT_EQ(names(crawler->components().build_pipelines(*crawler)), Strings{"myproject.prices"});
    EXPECT_EQ(names(crawler->components().build_downloader_middlewares(*crawler)), Strings{"myproject.polite"});
}

TEST(ComponentsTest, MergesUserOverBaseSortedByPriorityThenName)
{
    auto crawler = make_crawler(
        with_dicts("DOWNLOADER_MIDDLEWARES", R"({"b": 200, "a": 100, "c": 100})", R"({"d": 150, "b": 50})"));
    Components components;
    for (const char* name : {"a", "b", "c", "d"}) {
        components.add_downloader_middleware(name, tagged(0));
    }
    const auto built = components.build_downloader_middlewares(*crawler);
    EXPECT_EQ(names(built), (Strings{"b", "a", "c", "d"}));
    ASSERT_EQ(built.size(), 4u);
    EXPECT_EQ(built[0].priority, 50);
    EXPECT_EQ(built[1].priority, 100);
    EXPECT_EQ(built[2].priority, 100);
    EXPECT_EQ(built[3].priority, 150);
    for (const auto& b : built) {
        EXPECT_NE(b.component, nullptr);
    }
}

TEST(ComponentsTest, NullDisablesABaseComponent)
{
    auto crawler =
        make_crawler(with_dicts("DOWNLOADER_MIDDLEWARES", R"({"a": 100, "b": 200, "c": null})", R"({"a": null})"));
    Components components;
    for (const char* name : {"a", "b", "c"}) {
        components.add_downloader_middleware(name, tagged(0));
    }
    EXPECT_EQ(names(components.build_downloader_middlewares(*crawler)), (Strings{"b"}));
}

TEST(ComponentsTest, LaterAddReplacesEarlier)
{
    auto crawler = make_crawler(with_dicts("DOWNLOADER_MIDDLEWARES", "{}", R"({"a": 1})"));
    Components components;
    components.add_downloader_middleware("a", tagged(1));
    components.add_downloader_middleware("a", tagged(2));
    const auto built = components.build_downloader_middlewares(*crawler);
    ASSERT_EQ(built.size(), 1u);
    EXPECT_EQ(dynamic_cast<TaggedMiddleware&>(*built[0].component).tag, 2);
}

TEST(ComponentsTest, EmptyFactoryIsRejected)
{
    Components components;
    EXPECT_THROW(components.add_downloader_middleware("a", Components::Factory<DownloaderMiddleware>{}),
                 std::invalid_argument);
}

TEST(ComponentsTest, NotConfiguredIsSkippedAndLogged)
{
    auto crawler = make_crawler(with_dicts("DOWNLOADER_MIDDLEWARES", R"({"a": 1, "b": 2})", "{}"));
    Components components;
    components.add_downloader_middleware(
        "a", [](Crawler&) -> std::unique_ptr<DownloaderMiddleware> { throw NotConfigured("A_ENABLED is false"); });
    components.add_downloader_middleware("b", tagged(0));
    LogCapture log;
    EXPECT_EQ(names(components.build_downloader_middlewares(*crawler)), (Strings{"b"}));
    EXPECT_TRUE(log.contains("Disabled a: A_ENABLED is false"));
    EXPECT_TRUE(log.contains("Enabled downloader middlewares: [b]"));
}

TEST(ComponentsTest, OtherFactoryErrorsPropagate)
{
    auto crawler = make_crawler(with_dicts("DOWNLOADER_MIDDLEWARES", "{}", R"({"a": 1})"));
    Components components;
    components.add_downloader_middleware(
        "a", [](Crawler&) -> std::unique_ptr<DownloaderMiddleware> { throw SettingsError("A_LIMIT: bad"); });
    EXPECT_THROW(components.build_downloader_middlewares(*crawler), SettingsError);
}

TEST(ComponentsTest, UnknownUserNameIsSettingsErrorWithSourceAndKnownNames)
{
    Settings settings;
    settings.load_yaml_string("DOWNLOADER_MIDDLEWARES:\n  retyr: 550\n", "settings.yaml");
    auto crawler = make_crawler(std::move(settings));
    Components components;
    components.add_downloader_middleware("retry", tagged(0));
    components.add_downloader_middleware("redirect", tagged(0));
    try {
        components.build_downloader_middlewares(*crawler);
        FAIL() << "expected SettingsError";
    } catch (const SettingsError& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find(crawler->settings().source("DOWNLOADER_MIDDLEWARES")), std::string::npos) << what;
        EXPECT_NE(what.find("settings.yaml"), std::string::npos) << what;
        EXPECT_NE(what.find("DOWNLOADER_MIDDLEWARES"), std::string::npos) << what;
        EXPECT_NE(what.find("'retyr'"), std::string::npos) << what;
        EXPECT_NE(what.find("redirect, retry"), std::string::npos) << what;
    }
}

TEST(ComponentsTest, UnknownNameFromCommandLineNamesDashS)
{
    Settings settings;
    settings.set_from_cmdline("SPIDER_MIDDLEWARES={nope: 10}");
    auto crawler = make_crawler(std::move(settings));
    Components components;
    try {
        components.build_spider_middlewares(*crawler);
        FAIL() << "expected SettingsError";
    } catch (const SettingsError& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find(crawler->settings().source("SPIDER_MIDDLEWARES")), std::string::npos) << what;
        EXPECT_NE(what.find("SPIDER_MIDDLEWARES: unknown spider middleware 'nope'"), std::string::npos) << what;
    }
}

TEST(ComponentsTest, UnknownNameIsReportedBeforeAnythingIsBuilt)
{
    auto crawler = make_crawler(with_dicts("DOWNLOADER_MIDDLEWARES", "{}", R"({"a": 1, "zz": 2})"));
    int built = 0;
    Components components;
    components.add_downloader_middleware("a", [&built](Crawler&) {
        ++built;
        return std::make_unique<TaggedMiddleware>(0);
    });
    EXPECT_THROW(components.build_downloader_middlewares(*crawler), SettingsError);
    EXPECT_EQ(built, 0);
}

TEST(ComponentsTest, UnregisteredNameInTrawlsOwnBaseIsSkipped)
{
    // trawl's default *_BASE may name components a build lacks; that is not
    // the user's error.
    auto crawler = make_crawler(with_dicts("DOWNLOADER_MIDDLEWARES", R"({"missing": 1, "a": 2})", "{}"));
    Components components;
    components.add_downloader_middleware("a", tagged(0));
    LogCapture log;
    EXPECT_EQ(names(components.build_downloader_middlewares(*crawler)), (Strings{"a"}));
    EXPECT_TRUE(log.contains("Disabled missing: no downloader middleware is registered under this name"));
}

TEST(ComponentsTest, UnregisteredNameInAUserSetBaseIsAnError)
{
    Settings settings;
    settings.set("DOWNLOADER_MIDDLEWARES_BASE", json::parse(R"({"missing": 1})"), SettingPriority::project,
                 "settings.yaml:2");
    auto crawler = make_crawler(std::move(settings));
    Components components;
    EXPECT_THROW(components.build_downloader_middlewares(*crawler), SettingsError);
}

TEST(ComponentsTest, NonIntegerPriorityIsSettingsError)
{
    for (const char* bad : {R"({"a": "high"})", R"({"a": 1.5})", R"({"a": true})", R"({"a": [1]})",
                            R"({"a": 99999999999})"}) {
        auto crawler = make_crawler(with_dicts("DOWNLOADER_MIDDLEWARES", "{}", bad));
        Components components;
        components.add_downloader_middleware("a", tagged(0));
        try {
            components.build_downloader_middlewares(*crawler);
            ADD_FAILURE() << "expected SettingsError for " << bad;
        } catch (const SettingsError& e) {
            const std::string what = e.what();
            EXPECT_NE(what.find("settings.yaml:7: DOWNLOADER_MIDDLEWARES: the priority of 'a'"), std::string::npos)
                << what;
        }
    }
}

TEST(ComponentsTest, NegativePrioritiesSortFirst)
{
    auto crawler = make_crawler(with_dicts("DOWNLOADER_MIDDLEWARES", "{}", R"({"a": 0, "b": -10})"));
    Components components;
    components.add_downloader_middleware("a", tagged(0));
    components.add_downloader_middleware("b", tagged(0));
    EXPECT_EQ(names(components.build_downloader_middlewares(*crawler)), (Strings{"b", "a"}));
}

TEST(ComponentsTest, SpiderMiddlewaresPipelinesAndExtensions)
{
    Settings settings;
    settings.set("SPIDER_MIDDLEWARES_BASE", json::parse(R"({"s1": 10})"), SettingPriority::builtin);
    settings.set("SPIDER_MIDDLEWARES", json::parse(R"({"s2": 5})"));
    settings.set("ITEM_PIPELINES_BASE", json::parse(R"({"p1": 300})"), SettingPriority::builtin);
    settings.set("ITEM_PIPELINES", json::parse(R"({"p2": 100})"));
    settings.set("EXTENSIONS_BASE", json::parse(R"({"e1": 0})"), SettingPriority::builtin);
    settings.set("EXTENSIONS", json::parse(R"({"e2": 0})"));
    auto crawler = make_crawler(std::move(settings));
    Components components;
    for (const char* name : {"s1", "s2"}) {
        components.add_spider_middleware(name, [](Crawler&) { return std::make_unique<NoopSpiderMiddleware>(); });
    }
    for (const char* name : {"p1", "p2"}) {
        components.add_pipeline(name, [](Crawler&) { return std::make_unique<NoopPipeline>(); });
    }
    for (const char* name : {"e1", "e2"}) {
        components.add_extension(name, [](Crawler&) { return std::make_unique<NoopExtension>(); });
    }
    LogCapture log;
    EXPECT_EQ(names(components.build_spider_middlewares(*crawler)), (Strings{"s2", "s1"}));
    EXPECT_EQ(names(components.build_pipelines(*crawler)), (Strings{"p2", "p1"}));
    EXPECT_EQ(names(components.build_extensions(*crawler)), (Strings{"e1", "e2"}));
    EXPECT_TRUE(log.contains("Enabled spider middlewares: [s2, s1]"));
    EXPECT_TRUE(log.contains("Enabled item pipelines: [p2, p1]"));
    EXPECT_TRUE(log.contains("Enabled extensions: [e1, e2]"));
}

TEST(ComponentsTest, PipelinesWithoutABaseDict)
{
    Settings settings;
    settings.set("ITEM_PIPELINES", json::parse(R"({"p": 1})"));
    auto crawler = make_crawler(std::move(settings));
    Components components;
    components.add_pipeline("p", [](Crawler&) { return std::make_unique<NoopPipeline>(); });
    EXPECT_EQ(names(components.build_pipelines(*crawler)), (Strings{"p"}));
}

TEST(ComponentsTest, SchedulerAndDupefilterByName)
{
    Components components;
    for (const char* name : {"memory", "disk"}) {
        components.add_scheduler(name, [name](Crawler&) { return std::make_unique<FakeScheduler>(name); });
        components.add_dupefilter(name, [name](Crawler&) { return std::make_unique<FakeDupeFilter>(name); });
    }
    auto defaults = make_crawler();
    EXPECT_EQ(dynamic_cast<FakeScheduler&>(*components.build_scheduler(*defaults)).name, "memory");
    EXPECT_EQ(dynamic_cast<FakeDupeFilter&>(*components.build_dupefilter(*defaults)).name, "memory");

    Settings settings;
    settings.set("SCHEDULER", "disk");
    settings.set("DUPEFILTER_CLASS", "disk");
    auto chosen = make_crawler(std::move(settings));
    EXPECT_EQ(dynamic_cast<FakeScheduler&>(*components.build_scheduler(*chosen)).name, "disk");
    EXPECT_EQ(dynamic_cast<FakeDupeFilter&>(*components.build_dupefilter(*chosen)).name, "disk");
}

TEST(ComponentsTest, UnknownSchedulerOrDupefilterIsSettingsError)
{
    Components components;
    components.add_scheduler("memory", [](Crawler&) { return std::make_unique<FakeScheduler>("memory"); });
    components.add_dupefilter("memory", [](Crawler&) { return std::make_unique<FakeDupeFilter>("memory"); });
    Settings settings;
    settings.set("SCHEDULER", "redis", SettingPriority::project, "settings.yaml:3");
    settings.set("DUPEFILTER_CLASS", "bloom", SettingPriority::project, "settings.yaml:4");
    auto crawler = make_crawler(std::move(settings));
    try {
        components.build_scheduler(*crawler);
        FAIL() << "expected SettingsError";
    } catch (const SettingsError& e) {
        EXPECT_STREQ(e.what(), "settings.yaml:3: SCHEDULER: unknown scheduler 'redis' (known: memory)");
    }
    try {
        components.build_dupefilter(*crawler);
        FAIL() << "expected SettingsError";
    } catch (const SettingsError& e) {
        EXPECT_STREQ(e.what(), "settings.yaml:4: DUPEFILTER_CLASS: unknown dupefilter 'bloom' (known: memory)");
    }
}

TEST(ComponentsTest, NotConfiguredSchedulerIsSettingsError)
{
    Components components;
    components.add_scheduler("memory",
                             [](Crawler&) -> std::unique_ptr<Scheduler> { throw NotConfigured("needs JOBDIR"); });
    auto crawler = make_crawler();
    EXPECT_THROW(components.build_scheduler(*crawler), SettingsError);
}

TEST(ComponentsTest, BuiltinExtensionsWithDefaultSettings)
{
    auto crawler = make_crawler();
    Components components;
    register_builtin_extensions(components);
    LogCapture log;
    // EXTENSIONS_BASE has every extension at 0, so they come in name order;
    // closespider is off while all its limits are 0.
    EXPECT_EQ(names(components.build_extensions(*crawler)), (Strings{"corestats", "logstats"}));
    EXPECT_TRUE(log.contains("Disabled closespider: no CLOSESPIDER_* limit is set"));
    EXPECT_TRUE(log.contains("Enabled extensions: [corestats, logstats]"));
}

TEST(ComponentsTest, BuiltinExtensionsHonourUserSettings)
{
    Settings settings;
    settings.set("CLOSESPIDER_ITEMCOUNT", 10);
    settings.set("LOGSTATS_INTERVAL", 0);
    settings.set("EXTENSIONS", json::parse(R"({"corestats": null})"));
    auto crawler = make_crawler(std::move(settings));
    Components components;
    register_builtin_extensions(components);
    EXPECT_EQ(names(components.build_extensions(*crawler)), (Strings{"closespider"}));
}

} // namespace
} // namespace trawl
