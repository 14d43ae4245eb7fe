// A throw-away certificate for the TLS test server, made in memory with the
// OpenSSL 3 API at start-up, so that no private key sits in the repository.

#include "support/test_server.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <stdexcept>
#include <string>

namespace trawl::testing {
namespace {

template <class T, void (*Free)(T*)>
struct Deleter {
    void operator()(T* p) const noexcept { Free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;
using BignumPtr = std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>>;
using ExtensionPtr = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION, X509_EXTENSION_free>>;

void check(bool ok, const char* what) {
    if (!ok) {
        throw std::runtime_error(std::string("self-signed certificate: ") + what + " failed");
    }
}

template <class Write>
std::string to_pem(Write write) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    check(bio != nullptr, "BIO_new");
    check(write(bio.get()) == 1, "PEM_write");
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(size));
}

void add_extension(X509* certificate, int nid, const char* value) {
    X509V3_CTX context;
    X509V3_set_ctx_nodb(&context);
    // Issuer and subject are the same certificate: it is self-signed.
    X509V3_set_ctx(&context, certificate, certificate, nullptr, nullptr, 0);
    ExtensionPtr extension(X509V3_EXT_conf_nid(nullptr, &context, nid, value));
    check(extension != nullptr, "X509V3_EXT_conf_nid");
    check(X509_add_ext(certificate, extension.get(), -1) == 1, "X509_add_ext");
}

} // namespace

SelfSignedCertificate make_self_signed_certificate(std::string_view common_name) {
    // EC P-256: as good as RSA-2048 for a test, and generated in microseconds.
    PkeyPtr key(EVP_EC_gen("P-256"));
    check(key != nullptr, "EVP_EC_gen");

    X509Ptr certificate(X509_new());
    check(certificate != nullptr, "X509_new");
    check(X509_set_version(certificate.get(), X509_VERSION_3) == 1, "X509_set_version");

    // A random serial: two servers in one process must not present different
    // certificates with the same issuer and serial.
    BignumPtr serial(BN_new());
    check(serial != nullptr && BN_rand(serial.get(), 63, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) == 1, "BN_rand");
    check(BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(certificate.get())) != nullptr,
          "BN_to_ASN1_INTEGER");

    // Valid from an hour ago, so clock skew between processes does not matter.
    check(X509_gmtime_adj(X509_getm_notBefore(certificate.get()), -60L * 60) != nullptr, "X509_gmtime_adj");
    check(X509_gmtime_adj(X509_getm_notAfter(certificate.get()), 365L * 24 * 60 * 60) != nullptr, "X509_gmtime_adj");
    check(X509_set_pubkey(certificate.get(), key.get()) == 1, "X509_set_pubkey");

    X509_NAME* name = X509_get_subject_name(certificate.get());
    const std::string cn(common_name);
    check(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(cn.c_str()),
                                     -1, -1, 0) == 1,
          "X509_NAME_add_entry_by_txt");
    check(X509_set_issuer_name(certificate.get(), name) == 1, "X509_set_issuer_name");

    // Clients match the host against subjectAltName, not the CN.
    add_extension(certificate.get(), NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1");
    add_extension(certificate.get(), NID_basic_constraints, "critical,CA:FALSE");
    add_extension(certificate.get(), NID_subject_key_identifier, "hash");

    check(X509_sign(certificate.get(), key.get(), EVP_sha256()) > 0, "X509_sign");

    SelfSignedCertificate result;
    result.certificate_pem = to_pem([&](BIO* bio) { return PEM_write_bio_X509(bio, certificate.get()); });
    result.private_key_pem = to_pem([&](BIO* bio) {
        return PEM_write_bio_PrivateKey(bio, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
    });
    return result;
}

} // namespace trawl::testing
