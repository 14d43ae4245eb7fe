// Names through the c-ares resolver, against the stub DNS server.

#include "downloader_fixture.hpp"
#include "support/stub_dns_server.hpp"

#include <trawl/error.hpp>

namespace trawl::testing {
namespace {

class Dns : public DownloaderTest {
protected:
    void SetUp() override
    {
        set("DNS_SERVERS", boost::json::array{boost::json::string(dns_.address())});
        set("DNS_USE_HOSTS_FILE", false);
        set("DNS_TIMEOUT", 0.3);
    }
    std::string url_for(const std::string& host, const std::string& path)
    {
        return "http://" + host + ":" + std::to_string(server_.port()) + path;
    }

    StubDnsServer dns_;
    TestServer server_;
};

TEST_F(Dns, NamesResolveAndAreCached)
{
    dns_.add_record("site.test", "127.0.0.1");
    for (int i = 0; i < 3; ++i) {
        auto result = fetch(url_for("site.test", "/bytes/4"));
        ASSERT_TRUE(result) << result.error().what();
        EXPECT_EQ(result->body(), "xxxx");
    }
    // One lookup for the first connection; keep-alive and the cache do the rest.
    EXPECT_LE(dns_.queries_received(), 2u);  // A and AAAA may be asked separately
    EXPECT_EQ(downloader().stats().dns_lookups, 1u);
}

TEST_F(Dns, UnknownNameIsDnsNotFound)
{
    auto result = fetch(url_for("nosuch.test", "/"));
    EXPECT_EQ(error_of(result), errc::dns_not_found);
    EXPECT_NE(result.error().message.find("resolve nosuch.test"), std::string::npos) << result.error().message;
}

TEST_F(Dns, ServerFailureIsDnsFailure)
{
    dns_.fail_name("broken.test");
    EXPECT_EQ(error_of(fetch(url_for("broken.test", "/"))), errc::dns_failure);
}

TEST_F(Dns, SilentServerTimesOut)
{
    dns_.ignore_name("silent.test");
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(error_of(fetch(url_for("silent.test", "/"))), errc::dns_failure);
    EXPECT_LT(seconds_since(start), 3.0);
}

TEST_F(Dns, MalformedServerIsASettingsError)
{
    set("DNS_SERVERS", boost::json::array{"not an address"});
    EXPECT_THROW(downloader(), SettingsError);
}

} // namespace
} // namespace trawl::testing
