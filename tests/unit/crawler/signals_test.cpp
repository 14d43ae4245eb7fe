#include <trawl/signals.hpp>

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace trawl {
namespace {

TEST(SignalsTest, TypedConnectGetsOnlyItsKind)
{
    Signals signals;
    std::vector<std::string> seen;
    signals.connect<SpiderClosed>([&](const SpiderClosed& s) { seen.push_back("closed:" + s.reason); });
    signals.connect<ItemScraped>([&](const ItemScraped& s) { seen.push_back("item:" + s.item.kind()); });

    const Item item{"quote"};
    signals.send(ItemScraped{item});
    signals.send(SpiderOpened{});
    signals.send(SpiderClosed{"finished"});
    EXPECT_EQ(seen, (std::vector<std::string>{"item:quote", "closed:finished"}));
}

TEST(SignalsTest, HandlersRunInSubscriptionOrder)
{
    Signals signals;
    std::vector<int> order;
    for (int i = 0; i < 3; ++i) {
        signals.connect<SpiderOpened>([&order, i](const SpiderOpened&) { order.push_back(i); });
    }
    signals.send(SpiderOpened{});
    EXPECT_EQ(order, (std::vector<int>{0, 1, 2}));
}

TEST(SignalsTest, Disconnect)
{
    Signals signals;
    int first = 0;
    int second = 0;
    const auto id = signals.connect<SpiderIdle>([&](const SpiderIdle&) { ++first; });
    signals.connect<SpiderIdle>([&](const SpiderIdle&) { ++second; });
    signals.send(SpiderIdle{});
    signals.disconnect(id);
    signals.send(SpiderIdle{});
    signals.disconnect(id);  // twice is harmless
    signals.disconnect(12345);
    EXPECT_EQ(first, 1);
    EXPECT_EQ(second, 2);
}

TEST(SignalsTest, IdsAreDistinctAcrossKinds)
{
    Signals signals;
    int opened = 0;
    int idle = 0;
    const auto a = signals.connect<SpiderOpened>([&](const SpiderOpened&) { ++opened; });
    const auto b = signals.connect<SpiderIdle>([&](const SpiderIdle&) { ++idle; });
    EXPECT_NE(a, b);
    signals.disconnect(a);
    signals.send(SpiderOpened{});
    signals.send(SpiderIdle{});
    EXPECT_EQ(opened, 0);
    EXPECT_EQ(idle, 1);
}

TEST(SignalsTest, ThrowingHandlerDoesNotStopTheOthers)
{
    Signals signals;
    int after = 0;
    signals.connect<ItemDropped>([](const ItemDropped&) { throw std::runtime_error("broken extension"); });
    signals.connect<ItemDropped>([&](const ItemDropped& s) {
        EXPECT_EQ(s.reason, "no price");
        ++after;
    });
    const Item item{"book"};
    EXPECT_NO_THROW(signals.send(ItemDropped{item, "no price"}));
    EXPECT_NO_THROW(signals.send(ItemDropped{item, "no price"}));
    EXPECT_EQ(after, 2);
}

TEST(SignalsTest, SignalsCarryReferences)
{
    Signals signals;
    const Request* seen_request = nullptr;
    const DownloadError* seen_error = nullptr;
    signals.connect<RequestFailed>([&](const RequestFailed& s) {
        seen_request = &s.request;
        seen_error = &s.error;
    });
    const Request request{"http://127.0.0.1/"};
    const DownloadError error{make_error_code(errc::timed_out), "timed out", request.url};
    signals.send(RequestFailed{request, error});
    EXPECT_EQ(seen_request, &request);
    EXPECT_EQ(seen_error, &error);
}

} // namespace
} // namespace trawl
