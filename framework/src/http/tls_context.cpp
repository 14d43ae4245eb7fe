#include "http/tls_context.hpp"

#include <trawl/settings.hpp>

#include <fmt/format.h>

#include <openssl/ssl.h>

namespace trawl::detail {

namespace ssl = boost::asio::ssl;

std::shared_ptr<ssl::context> make_client_tls_context(const TlsOptions& options)
{
    auto context = std::make_shared<ssl::context>(ssl::context::tls_client);
    context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                         ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    boost::system::error_code ec;
    context->set_default_verify_paths(ec);  // a machine without a CA store still works with ca_file
    if (!options.ca_file.empty()) {
        context->load_verify_file(options.ca_file, ec);
        if (ec) {
            throw SettingsError(fmt::format("DOWNLOAD_TLS_CA_FILE: cannot load '{}': {}", options.ca_file,
                                            ec.message()));
        }
    }
    context->set_verify_mode(options.verify ? ssl::verify_peer : ssl::verify_none);
    // OpenSSL frees a connection's ~34 KB of record buffers while it is idle:
    // most pooled keep-alive connections are.
    SSL_CTX_set_mode(context->native_handle(), SSL_MODE_RELEASE_BUFFERS);
    return context;
}

} // namespace trawl::detail
