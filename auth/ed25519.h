// Ed25519 (RFC 8032, pure EdDSA) keys, signatures and key files, on OpenSSL 3 EVP.
//
// Ed25519KeyPair holds a private key: generated, loaded from a raw 32-byte seed or a PKCS#8
// PEM ("-----BEGIN PRIVATE KEY-----"), saved to a 0600 file. Ed25519PublicKey holds a parsed
// public key for repeated verification. Signatures are the 64-byte RFC 8032 encoding.
//
// Thread safety: both classes are immutable after construction; Sign/Verify may run
// concurrently on one object (each call uses its own EVP context). Copies share the key.
// Errors:
//   INVALID_ARGUMENT     wrong size raw key, PEM that is not an Ed25519 private key;
//   INTERNAL             an OpenSSL call failed unexpectedly;
//   file errors          as documented in auth/secure_file.h (NOT_FOUND,
//                        FAILED_PRECONDITION for group/other-readable files, ...).
// Ed25519Verify returns false (never an error) for any malformed key or signature.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "auth/random.h"

typedef struct evp_pkey_st EVP_PKEY;

namespace wijkwacht::auth {

inline constexpr size_t kEd25519PrivateKeySize = 32;  // the RFC 8032 "secret key" (seed)
inline constexpr size_t kEd25519PublicKeySize = 32;
inline constexpr size_t kEd25519SignatureSize = 64;

class Ed25519PublicKey {
 public:
  [[nodiscard]] static absl::StatusOr<Ed25519PublicKey> FromRaw(absl::string_view raw);

  // True iff `signature` is a valid signature of `message` by this key.
  [[nodiscard]] bool Verify(absl::string_view message, absl::string_view signature) const;
  // The 32-byte RFC 8032 encoding.
  [[nodiscard]] const std::string& raw() const { return raw_; }

 private:
  Ed25519PublicKey(std::shared_ptr<EVP_PKEY> pkey, std::string raw)
      : pkey_(std::move(pkey)), raw_(std::move(raw)) {}
  friend class Ed25519KeyPair;

  std::shared_ptr<EVP_PKEY> pkey_;
  std::string raw_;
};

class Ed25519KeyPair {
 public:
  // A fresh key. With `random` == nullptr OpenSSL generates it (EVP_PKEY_Q_keygen);
  // otherwise the 32-byte seed is drawn from `random` (deterministic with FakeRandomSource).
  [[nodiscard]] static absl::StatusOr<Ed25519KeyPair> Generate(RandomSource* random = nullptr);
  // From the 32-byte RFC 8032 secret key.
  [[nodiscard]] static absl::StatusOr<Ed25519KeyPair> FromRawPrivateKey(absl::string_view raw);
  // From a PKCS#8 PEM (unencrypted).
  [[nodiscard]] static absl::StatusOr<Ed25519KeyPair> FromPem(absl::string_view pem);
  // From a file holding a PKCS#8 PEM or exactly 32 raw bytes (mode must be owner-only).
  [[nodiscard]] static absl::StatusOr<Ed25519KeyPair> LoadFromFile(const std::string& path);

  enum class FileFormat { kPem, kRaw };
  // Writes the private key to `path` atomically with mode 0600.
  [[nodiscard]] absl::Status SaveToFile(const std::string& path,
                                        FileFormat format = FileFormat::kPem) const;

  [[nodiscard]] absl::StatusOr<std::string> ToPem() const;
  [[nodiscard]] absl::StatusOr<std::string> RawPrivateKey() const;
  [[nodiscard]] const std::string& RawPublicKey() const { return public_key_.raw(); }
  [[nodiscard]] const Ed25519PublicKey& PublicKey() const { return public_key_; }

  // The 64-byte signature of `message` (EVP_DigestSign, no pre-hash).
  [[nodiscard]] absl::StatusOr<std::string> Sign(absl::string_view message) const;

 private:
  Ed25519KeyPair(std::shared_ptr<EVP_PKEY> pkey, Ed25519PublicKey public_key)
      : pkey_(std::move(pkey)), public_key_(std::move(public_key)) {}
  [[nodiscard]] static absl::StatusOr<Ed25519KeyPair> FromPkey(std::shared_ptr<EVP_PKEY> pkey);

  std::shared_ptr<EVP_PKEY> pkey_;
  Ed25519PublicKey public_key_;
};

// True iff `signature` is a valid Ed25519 signature of `message` by the 32-byte
// `public_key_raw`; false for malformed input.
[[nodiscard]] bool Ed25519Verify(absl::string_view public_key_raw, absl::string_view message,
                                 absl::string_view signature);

}  // namespace wijkwacht::auth
