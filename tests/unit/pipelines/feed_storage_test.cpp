// Feed storages: the registry FEED_STORAGES picks from, write_records'
// whole-item writes, and feeds that survive a SIGKILL as valid prefixes.

#include "feed_export_test_support.hpp"

#include "extensions/feed_storage.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <iostream>
#include <mutex>
#include <random>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace trawl {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using test::item_from;
using test::LogCapture;
using test::read_file;
using FeedStorageTest = test::FeedExportTest;

// A storage keeping what it is given, for the registry's test.
struct MemoryLog {
    std::mutex mutex;
    std::vector<std::string> events;
    void add(std::string event)
    {
        std::lock_guard lock{mutex};
        events.push_back(std::move(event));
    }
};

class MemoryStorage final : public FeedStorage {
public:
    MemoryStorage(std::shared_ptr<MemoryLog> log, std::string uri) : log_(std::move(log)), uri_(std::move(uri)) {}
    boost::system::error_code open() override
    {
        log_->add("open " + uri_);
        return {};
    }
    boost::system::error_code append(std::string_view bytes, std::span<const std::size_t> record_ends) override
    {
        log_->add("append " + std::to_string(record_ends.size()) + " " + std::string(bytes));
        return {};
    }
    boost::system::error_code commit() override
    {
        log_->add("commit " + uri_);
        return {};
    }
    std::string_view stats_name() const override { return "MemoryFeedStorage"; }

private:
    std::shared_ptr<MemoryLog> log_;
    std::string uri_;
};

TEST_F(FeedStorageTest, AStorageAddedToTheRegistryIsChosenByScheme)
{
    auto log = std::make_shared<MemoryLog>();
    FeedStorageRegistry::instance().add("test.memory", [log](const FeedConfig& config) {
        return std::make_unique<MemoryStorage>(log, config.uri);
    });
    auto crawler = this->crawler(R"({"mem://feed-%(batch_id)d.jsonl": {"batch_item_count": 2}})",
                                 {{"FEED_STORAGES", json::parse(R"({"mem": "test.memory"})")}});
    {
        auto extension = FeedExport::from_crawler(*crawler);
        crawl(*crawler, {item_from(R"({"n": 1})"), item_from(R"({"n": 2})"), item_from(R"({"n": 3})")});
    }
    // The drains may group the items differently: join the appends.
    std::vector<std::string> events;
    for (const auto& event : log->events) {
        if (event.starts_with("append") && !events.empty() && events.back().starts_with("append")) {
            events.back() += "|" + event;
        } else {
            events.push_back(event);
        }
    }
    ASSERT_EQ(events.size(), 6u) << testing::PrintToString(log->events);
    EXPECT_EQ(events[0], "open mem://feed-1.jsonl");
    EXPECT_NE(events[1].find("{\"n\": 1}"), std::string::npos);
    EXPECT_NE(events[1].find("{\"n\": 2}"), std::string::npos);
    EXPECT_EQ(events[2], "commit mem://feed-1.jsonl");
    EXPECT_EQ(events[3], "open mem://feed-2.jsonl");
    EXPECT_EQ(events[4], "append 1 {\"n\": 3}\n");
    EXPECT_EQ(events[5], "commit mem://feed-2.jsonl");
    EXPECT_EQ(crawler->stats().get_number("feedexport/success_count/MemoryFeedStorage"), 2);
}

TEST_F(FeedStorageTest, AnUnknownSchemeNamesTheKnownOnes)
{
    auto crawler = this->crawler(R"({"ftp://host/items.json": {}})");
    try {
        FeedExport::from_crawler(*crawler);
        ADD_FAILURE() << "no error";
    } catch (const SettingsError& e) {
        EXPECT_EQ(std::string(e.what()), "project settings: FEEDS: 'ftp://host/items.json': unsupported storage "
                                         "scheme 'ftp' (supported: file, stdout)");
    }
}

// A SOCK_SEQPACKET socket keeps each write(2) a message of its own: what
// write_records wrote, one call at a time.
std::vector<std::string> writes_of(std::uint64_t offset, std::string_view bytes,
                                   const std::vector<std::size_t>& record_ends)
{
    int sockets[2];
    EXPECT_EQ(::socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sockets), 0);
    const int size = 1 << 20;
    ::setsockopt(sockets[0], SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
    ::setsockopt(sockets[1], SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    std::uint64_t at = offset;
    EXPECT_FALSE(write_records(sockets[0], at, bytes, record_ends));
    EXPECT_EQ(at, offset + bytes.size());
    ::close(sockets[0]);
    std::vector<std::string> writes;
    std::string buffer(1 << 17, '\0');
    for (ssize_t n; (n = ::recv(sockets[1], buffer.data(), buffer.size(), 0)) > 0;) {
        writes.emplace_back(buffer.data(), static_cast<std::size_t>(n));
    }
    ::close(sockets[1]);
    return writes;
}

TEST(WriteRecordsTest, WholeRecordsUpToEachPageBoundary)
{
    const std::size_t page = feed_page_size();
    // Records of 1000 bytes from offset 0: four fit in the first page's
    // 4096, then the fifth crosses it and goes alone.
    std::string bytes;
    std::vector<std::size_t> ends;
    for (int i = 0; i < 12; ++i) {
        bytes += std::string(999, static_cast<char>('a' + i)) + "\n";
        ends.push_back(bytes.size());
    }
    const auto writes = writes_of(0, bytes, ends);
    std::string joined;
    std::uint64_t offset = 0;
    for (const auto& write : writes) {
        joined += write;
        EXPECT_EQ(write.size() % 1000, 0u) << "whole records only";
        const bool within_a_page = offset % page + write.size() <= page;
        EXPECT_TRUE(within_a_page || write.size() == 1000) << "a write crossing a page holds one record";
        offset += write.size();
    }
    EXPECT_EQ(joined, bytes);
    if (page == 4096) {
        ASSERT_GE(writes.size(), 4u);
        EXPECT_EQ(writes[0].size(), 4000u);
        EXPECT_EQ(writes[1].size(), 1000u);  // 4000..5000 crosses 4096
        EXPECT_EQ(writes[2].size(), 3000u);  // 5000..8000, then 8000..9000 crosses 8192
    }

    // A record longer than a page goes alone, whole.
    const std::string big(3 * page + 5, 'x');
    const auto big_writes = writes_of(7, big + "y", {big.size(), big.size() + 1});
    ASSERT_EQ(big_writes.size(), 2u);
    EXPECT_EQ(big_writes[0], big);
    EXPECT_EQ(big_writes[1], "y");
}

// Every record of the kill test is 256 bytes, so that records tile the
// pages and write_records never has one crossing a page boundary: then no
// kill can tear one (a record that does cross one can be torn by a kill
// landing while it is copied, see write_records). The text has a comma and
// a quote, which the JSON line escapes and the CSV row quotes and doubles.
constexpr std::size_t record_size = 256;

std::string text_for(int i, std::size_t length)
{
    std::string text;
    for (std::size_t k = 0; text.size() < length; ++k) {
        text.push_back(k == 3 ? ',' : k == 7 ? '"' : static_cast<char>('a' + (static_cast<std::size_t>(i) + k) % 26));
    }
    return text;
}

// {"i": N, "j": "TEXT"}\n with the quote escaped.
std::string json_text_for(int i)
{
    return text_for(i, record_size - std::string(R"({"i": , "j": ""})").size() - 2 - std::to_string(i).size());
}

// N,"TEXT"\r\n with the quote doubled.
std::string csv_text_for(int i)
{
    return text_for(i, record_size - 6 - std::to_string(i).size());
}

/// The CSV rows of `text` (RFC 4180 quoting); false if it ends inside one.
bool parse_csv(const std::string& text, std::vector<std::vector<std::string>>& rows)
{
    std::vector<std::string> row{""};
    bool quoted = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
                row.back().push_back('"');
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                row.back().push_back(c);
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            row.emplace_back();
        } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
            rows.push_back(std::exchange(row, {""}));
            ++i;
        } else {
            row.back().push_back(c);
        }
    }
    return !quoted && row == std::vector<std::string>{""};
}

TEST_F(FeedStorageTest, AKilledCrawlLeavesWholeItemsInJsonLinesAndCsv)
{
    std::random_device seed;
    std::mt19937 random(seed());
    std::uniform_int_distribution<int> delay_us(0, 40000);
    for (int round = 0; round < 8; ++round) {
        const std::string jsonl = path("items-" + std::to_string(round) + ".jsonl");
        const std::string csv = path("items-" + std::to_string(round) + ".csv");
        auto crawler = this->crawler(R"({")" + jsonl + R"(": {"fields": ["i", "j"]}, ")" + csv +
                                     R"(": {"fields": ["i", "c"],
                                            "item_export_kwargs": {"include_headers_line": false}}})");
        const pid_t child = ::fork();
        ASSERT_GE(child, 0);
        if (child == 0) {
            // The child exports items as fast as it can until it is killed
            // (never longer than a bounded number of items).
            try {
                auto extension = FeedExport::from_crawler(*crawler);
                crawler->signals().send(SpiderOpened{});
                for (int i = 1; i <= 2'000'000; ++i) {
                    Item item{"n"};
                    item["i"] = i;
                    item["j"] = json_text_for(i);
                    item["c"] = csv_text_for(i);
                    crawler->signals().send(ItemScraped{item});
                    if (i % 64 == 0) {
                        std::this_thread::sleep_for(std::chrono::microseconds(50));  // let the writer keep up
                    }
                }
                ::pause();
            } catch (...) {
            }
            ::_exit(1);
        }
        // Kill it at a random moment once the files have started.
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        while ((!fs::exists(jsonl) || fs::file_size(jsonl) == 0 || !fs::exists(csv) || fs::file_size(csv) == 0) &&
               std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        const int delay = delay_us(random);
        std::this_thread::sleep_for(std::chrono::microseconds(delay));
        ::kill(child, SIGKILL);
        int status = 0;
        ASSERT_EQ(::waitpid(child, &status, 0), child);
        ASSERT_TRUE(WIFSIGNALED(status)) << "the child ended on its own";
        SCOPED_TRACE("round " + std::to_string(round) + ", killed " + std::to_string(delay) + " us in");

        const std::string lines = read_file(jsonl);
        ASSERT_FALSE(lines.empty());
        EXPECT_EQ(lines.back(), '\n') << "a torn last line";
        std::istringstream stream(lines);
        int expected = 1;
        for (std::string line; std::getline(stream, line); ++expected) {
            ASSERT_EQ(line.size() + 1, record_size) << line;
            boost::system::error_code ec;
            const auto value = json::parse(line, ec);
            ASSERT_FALSE(ec) << "line " << expected << " does not parse: " << line;
            ASSERT_EQ(value.at("i").as_int64(), expected);
            ASSERT_EQ(value.at("j").as_string(), json_text_for(expected));
        }

        const std::string csv_text = read_file(csv);
        std::vector<std::vector<std::string>> rows;
        EXPECT_TRUE(parse_csv(csv_text, rows)) << "a torn last row";
        ASSERT_FALSE(rows.empty());
        EXPECT_EQ(csv_text.size(), rows.size() * record_size);
        for (std::size_t row = 0; row < rows.size(); ++row) {
            ASSERT_EQ(rows[row].size(), 2u) << "row " << row;
            ASSERT_EQ(rows[row][0], std::to_string(row + 1));
            ASSERT_EQ(rows[row][1], csv_text_for(static_cast<int>(row + 1)));
        }
        std::cout << "round " << round << ": killed after " << expected - 1 << " JSON lines, " << rows.size()
                  << " CSV rows\n";
    }
}

} // namespace
} // namespace trawl
