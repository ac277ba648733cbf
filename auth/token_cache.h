// CachingTokenVerifier: remembers tokens that verified, so a client that sends the same
// access token on every call pays the Ed25519 signature check (~150 µs here) once per token
// instead of once per call.
//
// A cache hit still enforces expiry (exp + leeway) against the clock; a token that failed
// verification is never cached. Entries are keyed by SHA-256 of the token and dropped at
// expiry; when the cache is full, expired entries are swept and, if that is not enough, the
// whole cache is cleared (tokens then simply verify again).
//
// Thread safety: Verify() may be called concurrently.
// Errors: as TokenVerifier::Verify (UNAUTHENTICATED with a short reason).
#pragma once

#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "auth/jwt.h"
#include "common/clock.h"

namespace wijkwacht::auth {

class CachingTokenVerifier {
 public:
  struct Options {
    const TokenVerifier* verifier = nullptr;  // required, not owned
    Clock* clock = nullptr;                   // nullptr = SystemClock(); same as the verifier's
    absl::Duration leeway = kDefaultLeeway;   // same as the verifier's
    size_t max_entries = 100000;
  };
  explicit CachingTokenVerifier(Options options);

  [[nodiscard]] absl::StatusOr<Claims> Verify(absl::string_view token) const;
  [[nodiscard]] size_t size() const;

 private:
  Options options_;
  mutable absl::Mutex mu_;
  mutable absl::flat_hash_map<std::string, Claims> cache_ ABSL_GUARDED_BY(mu_);
};

}  // namespace wijkwacht::auth
