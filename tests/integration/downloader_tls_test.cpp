// HTTPS: certificates are verified by default (unlike Scrapy), against the
// system store plus DOWNLOAD_TLS_CA_FILE, with the host name checked.

#include "downloader_fixture.hpp"
#include "support/stub_dns_server.hpp"

#include <trawl/error.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace trawl::testing {
namespace {

class Tls : public DownloaderTest {
protected:
    void SetUp() override
    {
        ca_file_ = std::filesystem::temp_directory_path() /
                   ("trawl-test-ca-" + std::to_string(server_.port()) + ".pem");
        std::ofstream(ca_file_) << server_.certificate_pem();
    }
    void TearDown() override { std::filesystem::remove(ca_file_); }

    void trust_the_server() { set("DOWNLOAD_TLS_CA_FILE", boost::json::string(ca_file_.string())); }

    TestServer server_{TestServerOptions{.tls = true}};
    std::filesystem::path ca_file_;
};

TEST_F(Tls, UntrustedCertificateFailsByDefault)
{
    auto result = fetch(server_.url("/bytes/10"));
    EXPECT_EQ(error_of(result), errc::tls_certificate);
    EXPECT_NE(result.error().message.find("TLS handshake with 127.0.0.1:"), std::string::npos)
        << result.error().message;
    EXPECT_NE(result.error().message.find("self-signed"), std::string::npos) << result.error().message;
}

TEST_F(Tls, TrustedCertificateByAddressAndByName)
{
    trust_the_server();
    auto by_address = fetch(server_.url("/bytes/10"));
    ASSERT_TRUE(by_address) << by_address.error().what();
    EXPECT_EQ(by_address->body(), std::string(10, 'x'));
    auto by_name = fetch("https://localhost:" + std::to_string(server_.port()) + "/bytes/3");
    ASSERT_TRUE(by_name) << by_name.error().what();
    EXPECT_EQ(by_name->body(), "xxx");
}

// The system store is OpenSSL's default paths, which SSL_CERT_FILE
// overrides: a server whose certificate is there is trusted without
// DOWNLOAD_TLS_CA_FILE.
TEST_F(Tls, TheSystemStoreIsTrusted)
{
    ::setenv("SSL_CERT_FILE", ca_file_.c_str(), 1);
    auto result = fetch(server_.url("/bytes/10"));
    ::unsetenv("SSL_CERT_FILE");
    ASSERT_TRUE(result) << result.error().what();
    EXPECT_EQ(result->body(), std::string(10, 'x'));
}

TEST_F(Tls, HostNameMustMatchTheCertificate)
{
    // The certificate names localhost and 127.0.0.1, not other.test.
    StubDnsServer dns;
    dns.add_record("other.test", "127.0.0.1");
    set("DNS_SERVERS", boost::json::array{boost::json::string(dns.address())});
    set("DNS_USE_HOSTS_FILE", false);
    trust_the_server();
    auto result = fetch("https://other.test:" + std::to_string(server_.port()) + "/bytes/3");
    EXPECT_EQ(error_of(result), errc::tls_certificate);
}

TEST_F(Tls, VerificationCanBeTurnedOff)
{
    set("DOWNLOAD_TLS_VERIFY", false);
    auto result = fetch(server_.url("/bytes/10"));
    ASSERT_TRUE(result) << result.error().what();
    EXPECT_EQ(result->status(), 200);
}

TEST_F(Tls, KeepAliveChunkedCompressedAndCloseDelimitedOverTls)
{
    trust_the_server();
    for (int i = 0; i < 5; ++i) {
        auto result = fetch(server_.url("/gzip?size=20000"));
        ASSERT_TRUE(result) << result.error().what();
        EXPECT_EQ(result->body(), TestServer::sample_text(20000));
    }
    EXPECT_EQ(server_.connections_accepted(), 1u);
    auto chunked = fetch(server_.url("/chunked?chunks=3&size=10"));
    ASSERT_TRUE(chunked) << chunked.error().what();
    EXPECT_EQ(chunked->body(), std::string(10, 'a') + std::string(10, 'b') + std::string(10, 'c'));
    auto close_delimited = fetch(server_.url("/close-delimited?size=7000"));
    ASSERT_TRUE(close_delimited) << close_delimited.error().what();
    EXPECT_EQ(close_delimited->body(), TestServer::sample_text(7000));
}

TEST_F(Tls, HttpsToAPlainServerFailsTheHandshake)
{
    TestServer plain;
    auto result = fetch("https://127.0.0.1:" + std::to_string(plain.port()) + "/");
    EXPECT_EQ(error_of(result), errc::tls_handshake);
}

TEST_F(Tls, UnreadableCaFileIsASettingsError)
{
    set("DOWNLOAD_TLS_CA_FILE", "/nonexistent/ca.pem");
    EXPECT_THROW(downloader(), SettingsError);
}

} // namespace
} // namespace trawl::testing
