#include "auth/ed25519.h"

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <climits>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "auth/secure_file.h"

namespace wijkwacht::auth {
namespace {

struct EvpMdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
struct BioDeleter {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
using EvpMdCtxPtr = std::unique_ptr<EVP_MD_CTX, EvpMdCtxDeleter>;
using BioPtr = std::unique_ptr<BIO, BioDeleter>;

std::shared_ptr<EVP_PKEY> WrapPkey(EVP_PKEY* pkey) {
  if (pkey == nullptr) return nullptr;
  return std::shared_ptr<EVP_PKEY>(pkey, EVP_PKEY_free);
}

// The OpenSSL error queue is per thread; drop what a failed call left behind so it cannot
// be misattributed later.
absl::Status OpenSslError(absl::StatusCode code, absl::string_view what) {
  unsigned long err = ERR_get_error();
  char buf[256] = {0};
  if (err != 0) ERR_error_string_n(err, buf, sizeof(buf));
  ERR_clear_error();
  return absl::Status(code, err != 0 ? absl::StrCat("ed25519: ", what, " (", buf, ")")
                                     : absl::StrCat("ed25519: ", what));
}

const unsigned char* Bytes(absl::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

// Refuses to prompt for a passphrase on encrypted PEM input.
int NoPassphrase(char*, int, int, void*) { return -1; }

// Zeroes a std::string holding secret bytes when it goes out of scope.
class CleansedString {
 public:
  explicit CleansedString(std::string s) : s_(std::move(s)) {}
  ~CleansedString() { OPENSSL_cleanse(s_.data(), s_.size()); }
  const std::string& get() const { return s_; }

 private:
  std::string s_;
};

}  // namespace

absl::StatusOr<Ed25519PublicKey> Ed25519PublicKey::FromRaw(absl::string_view raw) {
  if (raw.size() != kEd25519PublicKeySize) {
    return absl::InvalidArgumentError("ed25519: public key must be 32 bytes");
  }
  std::shared_ptr<EVP_PKEY> pkey = WrapPkey(
      EVP_PKEY_new_raw_public_key_ex(nullptr, "ED25519", nullptr, Bytes(raw), raw.size()));
  if (pkey == nullptr) {
    return OpenSslError(absl::StatusCode::kInvalidArgument, "invalid public key");
  }
  return Ed25519PublicKey(std::move(pkey), std::string(raw));
}

bool Ed25519PublicKey::Verify(absl::string_view message, absl::string_view signature) const {
  if (pkey_ == nullptr || signature.size() != kEd25519SignatureSize) return false;
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  bool ok = ctx != nullptr &&
            EVP_DigestVerifyInit_ex(ctx.get(), nullptr, nullptr, nullptr, nullptr, pkey_.get(),
                                    nullptr) == 1 &&
            EVP_DigestVerify(ctx.get(), Bytes(signature), signature.size(), Bytes(message),
                             message.size()) == 1;
  if (!ok) ERR_clear_error();
  return ok;
}

absl::StatusOr<Ed25519KeyPair> Ed25519KeyPair::FromPkey(std::shared_ptr<EVP_PKEY> pkey) {
  if (pkey == nullptr || !EVP_PKEY_is_a(pkey.get(), "ED25519")) {
    ERR_clear_error();
    return absl::InvalidArgumentError("ed25519: not an Ed25519 private key");
  }
  unsigned char pub[kEd25519PublicKeySize];
  size_t len = sizeof(pub);
  if (EVP_PKEY_get_raw_public_key(pkey.get(), pub, &len) != 1 || len != sizeof(pub)) {
    return OpenSslError(absl::StatusCode::kInternal, "cannot derive public key");
  }
  std::string raw(reinterpret_cast<const char*>(pub), len);
  std::shared_ptr<EVP_PKEY> pub_pkey = WrapPkey(
      EVP_PKEY_new_raw_public_key_ex(nullptr, "ED25519", nullptr, pub, len));
  if (pub_pkey == nullptr) return OpenSslError(absl::StatusCode::kInternal, "public key");
  return Ed25519KeyPair(std::move(pkey), Ed25519PublicKey(std::move(pub_pkey), std::move(raw)));
}

absl::StatusOr<Ed25519KeyPair> Ed25519KeyPair::Generate(RandomSource* random) {
  if (random != nullptr) {
    absl::StatusOr<std::string> seed = random->Bytes(kEd25519PrivateKeySize);
    if (!seed.ok()) return seed.status();
    CleansedString secret(*std::move(seed));
    return FromRawPrivateKey(secret.get());
  }
  std::shared_ptr<EVP_PKEY> pkey = WrapPkey(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  if (pkey == nullptr) return OpenSslError(absl::StatusCode::kInternal, "keygen failed");
  return FromPkey(std::move(pkey));
}

absl::StatusOr<Ed25519KeyPair> Ed25519KeyPair::FromRawPrivateKey(absl::string_view raw) {
  if (raw.size() != kEd25519PrivateKeySize) {
    return absl::InvalidArgumentError("ed25519: private key must be 32 bytes");
  }
  std::shared_ptr<EVP_PKEY> pkey = WrapPkey(
      EVP_PKEY_new_raw_private_key_ex(nullptr, "ED25519", nullptr, Bytes(raw), raw.size()));
  if (pkey == nullptr) {
    return OpenSslError(absl::StatusCode::kInvalidArgument, "invalid private key");
  }
  return FromPkey(std::move(pkey));
}

absl::StatusOr<Ed25519KeyPair> Ed25519KeyPair::FromPem(absl::string_view pem) {
  if (pem.size() > INT_MAX) return absl::InvalidArgumentError("ed25519: PEM too large");
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (bio == nullptr) return OpenSslError(absl::StatusCode::kInternal, "BIO_new_mem_buf");
  std::shared_ptr<EVP_PKEY> pkey = WrapPkey(
      PEM_read_bio_PrivateKey_ex(bio.get(), nullptr, NoPassphrase, nullptr, nullptr, nullptr));
  if (pkey == nullptr) {
    return OpenSslError(absl::StatusCode::kInvalidArgument, "cannot parse PEM private key");
  }
  return FromPkey(std::move(pkey));
}

absl::StatusOr<Ed25519KeyPair> Ed25519KeyPair::LoadFromFile(const std::string& path) {
  absl::StatusOr<std::string> contents = ReadPrivateFile(path, 64 * 1024);
  if (!contents.ok()) return contents.status();
  CleansedString secret(*std::move(contents));
  absl::StatusOr<Ed25519KeyPair> key =
      absl::StrContains(secret.get(), "-----BEGIN") ? FromPem(secret.get())
      : secret.get().size() == kEd25519PrivateKeySize
          ? FromRawPrivateKey(secret.get())
          : absl::InvalidArgumentError("ed25519: key file is neither PEM nor 32 raw bytes");
  if (!key.ok()) {
    return absl::Status(key.status().code(), absl::StrCat(key.status().message(), ": ", path));
  }
  return key;
}

absl::StatusOr<std::string> Ed25519KeyPair::ToPem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr) return OpenSslError(absl::StatusCode::kInternal, "BIO_new");
  // PEM_write_bio_PrivateKey writes PKCS#8 ("BEGIN PRIVATE KEY") for Ed25519.
  if (PEM_write_bio_PrivateKey(bio.get(), pkey_.get(), nullptr, nullptr, 0, nullptr,
                               nullptr) != 1) {
    return OpenSslError(absl::StatusCode::kInternal, "cannot encode PEM");
  }
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  std::string pem(data, static_cast<size_t>(len));
  OPENSSL_cleanse(data, static_cast<size_t>(len));
  return pem;
}

absl::StatusOr<std::string> Ed25519KeyPair::RawPrivateKey() const {
  std::string raw(kEd25519PrivateKeySize, '\0');
  size_t len = raw.size();
  if (EVP_PKEY_get_raw_private_key(pkey_.get(), reinterpret_cast<unsigned char*>(raw.data()),
                                   &len) != 1 ||
      len != kEd25519PrivateKeySize) {
    return OpenSslError(absl::StatusCode::kInternal, "cannot export private key");
  }
  return raw;
}

absl::Status Ed25519KeyPair::SaveToFile(const std::string& path, FileFormat format) const {
  absl::StatusOr<std::string> encoded = format == FileFormat::kPem ? ToPem() : RawPrivateKey();
  if (!encoded.ok()) return encoded.status();
  CleansedString secret(*std::move(encoded));
  return WriteFileAtomically(path, secret.get());
}

absl::StatusOr<std::string> Ed25519KeyPair::Sign(absl::string_view message) const {
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  std::string signature(kEd25519SignatureSize, '\0');
  size_t len = signature.size();
  if (ctx == nullptr ||
      EVP_DigestSignInit_ex(ctx.get(), nullptr, nullptr, nullptr, nullptr, pkey_.get(),
                            nullptr) != 1 ||
      EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &len,
                     Bytes(message), message.size()) != 1 ||
      len != kEd25519SignatureSize) {
    return OpenSslError(absl::StatusCode::kInternal, "signing failed");
  }
  return signature;
}

bool Ed25519Verify(absl::string_view public_key_raw, absl::string_view message,
                   absl::string_view signature) {
  absl::StatusOr<Ed25519PublicKey> key = Ed25519PublicKey::FromRaw(public_key_raw);
  return key.ok() && key->Verify(message, signature);
}

}  // namespace wijkwacht::auth
