// Ed25519 signing keys for access tokens, with rotation.
//
// A KeyRing holds
//   - the current key, which signs new tokens;
//   - an optional next key, already published (PublicKeys) and accepted, so verifiers that
//     cache the key set know it before it starts signing;
//   - retired keys, accepted until `accept_until` so tokens they signed stay valid until
//     they expire (default: rotation time + 15 min token lifetime + 1 min margin).
// Rotate() retires the current key, promotes the next key (or a fresh one) and generates a
// new next key. Key ids (kid) are RFC 7638 JWK thumbprints of the public key.
//
// Storage, chosen by Options:
//   - directory: `<dir>/keyring.json` (which kid is current/next/retired, and until when)
//     and one PKCS#8 PEM per key, `<dir>/<kid>.pem`. Created on first use: directory 0700,
//     files 0600 (existing ones with group/other bits are refused). Rotate() writes the new
//     key file first and then replaces the manifest atomically, so a crash leaves either
//     the old or the new ring. One process should own a directory at a time.
//   - explicit files (current_key_file set): keys are read from the given PEM/raw files
//     (e.g. a secret mount shared by replicas); Rotate() is refused, operators rotate by
//     replacing files and restarting.
//   - neither: an in-memory ring with generated keys (tests, benchmarks, single-process
//     development); Rotate() works, nothing is persisted.
//
// Thread safety: all methods may be called concurrently. Readers take an immutable
// snapshot; Rotate() serializes with itself and swaps the snapshot when done.
// Errors:
//   Open:   INVALID_ARGUMENT options name both a directory and files, or a key file does
//           not hold an Ed25519 private key; DATA_LOSS the manifest is malformed or a key
//           does not match its kid; file errors as in auth/secure_file.h (NOT_FOUND,
//           FAILED_PRECONDITION for group/other-accessible files, PERMISSION_DENIED,
//           INTERNAL).
//   Rotate: FAILED_PRECONDITION in explicit-files mode; file errors as above (the ring is
//           unchanged when Rotate fails).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "auth/ed25519.h"
#include "auth/random.h"
#include "common/clock.h"

namespace wijkwacht::auth {

// Upper bound on access-token lifetime (exp - iat), enforced by TokenSigner and
// TokenVerifier; KeyRing keeps retired keys at least this long.
inline constexpr absl::Duration kMaxTokenLifetime = absl::Minutes(15);

// One entry of the JWKS-style key list (wijkwacht.v1.SigningKey).
struct PublicSigningKey {
  static constexpr absl::string_view kKty = "OKP";
  static constexpr absl::string_view kCrv = "Ed25519";
  static constexpr absl::string_view kAlg = "EdDSA";

  std::string kid;
  std::string public_key;  // raw 32 bytes
  absl::Time accept_until = absl::InfiniteFuture();  // finite for retired keys

  // The JWK "x" member: base64url of the raw public key.
  [[nodiscard]] std::string x() const;
};

// The RFC 7638 JWK thumbprint (base64url SHA-256, 43 characters) of an Ed25519 public key.
[[nodiscard]] absl::StatusOr<std::string> JwkThumbprint(absl::string_view public_key_raw);

// Where a TokenVerifier looks up keys; KeyRing is one.
class VerificationKeySource {
 public:
  virtual ~VerificationKeySource() = default;
  // The key with id `kid` if it is currently accepted, else nullptr.
  [[nodiscard]] virtual std::shared_ptr<const Ed25519PublicKey> FindVerificationKey(
      absl::string_view kid) const = 0;
};

class KeyRing final : public VerificationKeySource {
 public:
  struct Options {
    std::string directory = {};         // directory mode
    std::string current_key_file = {};  // explicit-files mode
    std::string next_key_file = {};     // optional in explicit-files mode
    std::vector<std::string> accepted_key_files = {};  // verify-only, explicit-files mode
    // How long a retired key stays accepted after Rotate().
    absl::Duration retired_key_lifetime = kMaxTokenLifetime + absl::Minutes(1);
    Clock* clock = nullptr;          // nullptr = SystemClock()
    RandomSource* random = nullptr;  // key seeds; nullptr = OpenSSL keygen
  };

  [[nodiscard]] static absl::StatusOr<std::unique_ptr<KeyRing>> Open(Options options);

  struct SigningKey {
    std::string kid;
    std::shared_ptr<const Ed25519KeyPair> key;
  };
  // The key that signs new tokens.
  [[nodiscard]] SigningKey Current() const;
  [[nodiscard]] std::string NextKid() const;  // "" if there is none

  std::shared_ptr<const Ed25519PublicKey> FindVerificationKey(
      absl::string_view kid) const override;

  // Current, next and still-accepted retired keys, in that order.
  [[nodiscard]] std::vector<PublicSigningKey> PublicKeys() const;

  [[nodiscard]] absl::Status Rotate();

 private:
  struct Entry {
    std::string kid;
    std::shared_ptr<const Ed25519KeyPair> key;
    absl::Time accept_until = absl::InfiniteFuture();
  };
  struct State {
    Entry current;
    std::optional<Entry> next;
    std::vector<Entry> retired;
  };
  enum class Mode { kDirectory, kFiles, kMemory };

  KeyRing(Options options, Mode mode, std::shared_ptr<const State> state);
  [[nodiscard]] std::shared_ptr<const State> Snapshot() const;
  [[nodiscard]] static absl::StatusOr<Entry> NewEntry(Ed25519KeyPair key);
  [[nodiscard]] static absl::StatusOr<Entry> GenerateEntry(RandomSource* random);
  [[nodiscard]] static absl::StatusOr<std::shared_ptr<const State>> OpenDirectory(
      const Options& options);
  [[nodiscard]] static absl::StatusOr<std::shared_ptr<const State>> OpenFiles(
      const Options& options);
  [[nodiscard]] static absl::Status WriteManifest(const std::string& directory,
                                                  const State& state);

  const Options options_;
  const Mode mode_;
  absl::Mutex rotate_mu_;  // serializes Rotate()
  mutable absl::Mutex mu_;
  std::shared_ptr<const State> state_ ABSL_GUARDED_BY(mu_);
};

}  // namespace wijkwacht::auth
