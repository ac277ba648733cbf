// AES-256-GCM authenticated encryption (OpenSSL EVP) for sealed reporter identities and the
// wrapping of their data keys.
//
// Sealed form: nonce (12 random bytes) || ciphertext || tag (16 bytes). The additional
// authenticated data (AAD) binds a sealed value to where it belongs (the pseudonym and the
// record key): a value copied under another pseudonym or record does not open.
//
//   std::string sealed = *Seal(key, "06-12345678", "sealed/ab12/contact/r1", random);
//   std::string plain = *Open(key, sealed, "sealed/ab12/contact/r1");
//
// Thread safety: pure functions (each call uses its own EVP context).
// Errors: INVALID_ARGUMENT (key is not kKeyBytes long, plaintext over 16 MiB), DATA_LOSS
// (Open: truncated input, wrong key, wrong AAD or any bit changed — the tag does not verify;
// nothing of the plaintext is returned), INTERNAL (OpenSSL failure, random source failure).
#pragma once

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "auth/random.h"

namespace wijkwacht::privacy {

inline constexpr size_t kKeyBytes = 32;
inline constexpr size_t kNonceBytes = 12;
inline constexpr size_t kTagBytes = 16;

// Encrypts `plaintext` under the 32-byte `key` with a fresh random nonce from `random`.
[[nodiscard]] absl::StatusOr<std::string> Seal(absl::string_view key, absl::string_view plaintext,
                                               absl::string_view aad,
                                               auth::RandomSource* random);

// Decrypts and verifies a value produced by Seal with the same key and AAD.
[[nodiscard]] absl::StatusOr<std::string> Open(absl::string_view key, absl::string_view sealed,
                                               absl::string_view aad);

}  // namespace wijkwacht::privacy
