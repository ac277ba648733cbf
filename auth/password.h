// Password hashing with scrypt (RFC 7914) through OpenSSL's EVP_KDF "SCRYPT".
//
// Hashes are PHC-style strings that carry their own parameters and salt:
//   $scrypt$ln=15,r=8,p=1$<salt>$<hash>
// where ln = log2(N) and salt/hash are standard base64 without padding (16-byte salt and
// 32-byte hash by default). Verify() re-derives with the parameters found in the string, so
// parameters can be raised later; NeedsRehash() tells when a stored hash is weaker than the
// current options (rehash after a successful login).
//
// Thread safety: PasswordHasher is immutable; Hash/Verify may run concurrently (the
// RandomSource must be thread-safe, which SystemRandom() is). Each call allocates
// 128 * r * N bytes (32 MiB at the defaults) for its duration.
// Errors:
//   Hash:   INVALID_ARGUMENT password longer than kMaxPasswordBytes or bad options;
//           INTERNAL random source or OpenSSL failure.
//   Verify: UNAUTHENTICATED "wrong password" on mismatch (the only "no" answer);
//           INVALID_ARGUMENT `encoded` is not a well-formed scrypt hash or its parameters
//           exceed the verification limits (a server-side data problem, not the user's);
//           INTERNAL OpenSSL failure.
//   Scrypt: INVALID_ARGUMENT for out-of-range parameters; INTERNAL for OpenSSL failure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "auth/random.h"

namespace wijkwacht::auth {

inline constexpr size_t kMaxPasswordBytes = 1024;

struct ScryptParams {
  int log2_n = 15;  // N = 2^15: ~32 MiB and tens of ms per hash on one core
  uint32_t r = 8;
  uint32_t p = 1;
  bool operator==(const ScryptParams&) const = default;
};

// Raw scrypt: `length` bytes derived from `password` and `salt` with N = `n` (a power of two
// > 1). Exposed for the RFC 7914 test vectors.
[[nodiscard]] absl::StatusOr<std::string> Scrypt(absl::string_view password,
                                                 absl::string_view salt, uint64_t n, uint32_t r,
                                                 uint32_t p, size_t length);

class PasswordHasher {
 public:
  struct Options {
    ScryptParams params;          // used by Hash(); tests pass a small log2_n
    size_t salt_bytes = 16;
    size_t hash_bytes = 32;
    RandomSource* random = nullptr;  // nullptr = SystemRandom()
    // Verify() refuses stored hashes that would need more memory than this (128*r*N*p
    // bounds it) or log2_n > 22, so a corrupted row cannot exhaust the server.
    uint64_t max_verify_memory_bytes = uint64_t{256} << 20;
  };

  PasswordHasher();  // default Options
  explicit PasswordHasher(Options options);

  // A fresh PHC string for `password` with a new random salt.
  [[nodiscard]] absl::StatusOr<std::string> Hash(absl::string_view password) const;
  // OK iff `password` matches `encoded` (constant-time comparison of the derived hash).
  [[nodiscard]] absl::Status Verify(absl::string_view password,
                                    absl::string_view encoded) const;
  // True if `encoded` is malformed or uses parameters, salt or hash sizes other than the
  // current options.
  [[nodiscard]] bool NeedsRehash(absl::string_view encoded) const;

 private:
  Options options_;
};

}  // namespace wijkwacht::auth
