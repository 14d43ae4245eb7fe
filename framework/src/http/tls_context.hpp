#pragma once
// The client TLS context: TLS 1.2+, the system's CA store plus an optional
// extra bundle, and whether peers are verified (on by default, unlike Scrapy).

#include <boost/asio/ssl/context.hpp>

#include <memory>
#include <string>

namespace trawl::detail {

struct TlsOptions {
    bool verify = true;
    std::string ca_file;  ///< extra PEM bundle to trust; empty = none

    /// Part of the connection pool key: connections made under different
    /// TLS options must not be shared.
    std::string pool_key() const { return (verify ? "verify|" : "noverify|") + ca_file; }
};

/// Throws SettingsError if `ca_file` cannot be read as PEM.
std::shared_ptr<boost::asio::ssl::context> make_client_tls_context(const TlsOptions& options);

} // namespace trawl::detail
