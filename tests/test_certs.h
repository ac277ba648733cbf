// Test certificates made at test time (OpenSSL 3, EC P-256): a CA, server certificates for
// localhost / 127.0.0.1 (SAN) and client certificates signed by it. Nothing is committed.
// Used by the TLS tests of the gRPC port and of the notification webhook.
//
// Thread safety: Issue() may be called from any thread.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "openssl/bio.h"
#include "openssl/evp.h"
#include "openssl/pem.h"
#include "openssl/x509.h"
#include "openssl/x509v3.h"

namespace wijkwacht::testing {

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct X509Free {
  void operator()(X509* p) const { X509_free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using Cert = std::unique_ptr<X509, X509Free>;

// A key and a certificate, with their PEM texts.
struct Credential {
  Pkey key;
  Cert cert;
  std::string key_pem;
  std::string cert_pem;
};

inline std::string ToPem(int (*write)(BIO*, void*), void* object) {
  BIO* bio = BIO_new(BIO_s_mem());
  std::string out;
  if (write(bio, object) == 1) {
    char* data = nullptr;
    long size = BIO_get_mem_data(bio, &data);
    out.assign(data, static_cast<size_t>(size));
  }
  BIO_free(bio);
  return out;
}

inline std::string CertPem(X509* cert) {
  return ToPem([](BIO* b, void* c) { return PEM_write_bio_X509(b, static_cast<X509*>(c)); },
               cert);
}
inline std::string KeyPem(EVP_PKEY* key) {
  return ToPem(
      [](BIO* b, void* k) {
        return PEM_write_bio_PrivateKey(b, static_cast<EVP_PKEY*>(k), nullptr, nullptr, 0,
                                        nullptr, nullptr);
      },
      key);
}

inline bool AddExtension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (ext == nullptr) return false;
  const bool ok = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return ok;
}

enum class Kind { kCa, kServer, kClient };

// A fresh EC P-256 key and a certificate for `common_name`, signed by `issuer` (self-signed
// when null). Any failure is a test failure and leaves the credential empty.
inline Credential Issue(Kind kind, const std::string& common_name, const Credential* issuer) {
  static std::atomic<long> serial{1};
  Credential c;
  c.key.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  EXPECT_NE(c.key, nullptr);
  if (c.key == nullptr) return c;
  c.cert.reset(X509_new());
  X509* x = c.cert.get();
  bool ok = X509_set_version(x, 2) == 1 &&
            ASN1_INTEGER_set(X509_get_serialNumber(x), serial++) == 1 &&
            X509_gmtime_adj(X509_getm_notBefore(x), -3600) != nullptr &&
            X509_gmtime_adj(X509_getm_notAfter(x), 24 * 3600) != nullptr &&
            X509_set_pubkey(x, c.key.get()) == 1;
  X509_NAME* name = X509_get_subject_name(x);
  ok = ok &&
       X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                                  reinterpret_cast<const unsigned char*>("wijkwacht test"), -1,
                                  -1, 0) == 1 &&
       X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                  reinterpret_cast<const unsigned char*>(common_name.c_str()),
                                  -1, -1, 0) == 1;
  X509* issuer_cert = issuer != nullptr ? issuer->cert.get() : x;
  EVP_PKEY* issuer_key = issuer != nullptr ? issuer->key.get() : c.key.get();
  ok = ok && X509_set_issuer_name(x, X509_get_subject_name(issuer_cert)) == 1;
  ok = ok && AddExtension(x, issuer_cert, NID_subject_key_identifier, "hash") &&
       AddExtension(x, issuer_cert, NID_authority_key_identifier, "keyid:always");
  switch (kind) {
    case Kind::kCa:
      ok = ok && AddExtension(x, issuer_cert, NID_basic_constraints, "critical,CA:TRUE") &&
           AddExtension(x, issuer_cert, NID_key_usage, "critical,keyCertSign,cRLSign");
      break;
    case Kind::kServer:
      ok = ok && AddExtension(x, issuer_cert, NID_basic_constraints, "critical,CA:FALSE") &&
           AddExtension(x, issuer_cert, NID_key_usage, "critical,digitalSignature") &&
           AddExtension(x, issuer_cert, NID_ext_key_usage, "serverAuth") &&
           AddExtension(x, issuer_cert, NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1");
      break;
    case Kind::kClient:
      ok = ok && AddExtension(x, issuer_cert, NID_basic_constraints, "critical,CA:FALSE") &&
           AddExtension(x, issuer_cert, NID_key_usage, "critical,digitalSignature") &&
           AddExtension(x, issuer_cert, NID_ext_key_usage, "clientAuth");
      break;
  }
  ok = ok && X509_sign(x, issuer_key, EVP_sha256()) > 0;
  EXPECT_TRUE(ok) << "building the certificate for " << common_name;
  if (!ok) return Credential{};
  c.key_pem = KeyPem(c.key.get());
  c.cert_pem = CertPem(x);
  EXPECT_FALSE(c.key_pem.empty());
  EXPECT_FALSE(c.cert_pem.empty());
  return c;
}

}  // namespace wijkwacht::testing
