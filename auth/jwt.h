// Access tokens: JWT in JWS compact form, signed with EdDSA (Ed25519).
//
// Format: base64url(header) "." base64url(claims) "." base64url(signature), where
//   header = {"alg":"EdDSA","typ":"JWT","kid":"<RFC 7638 thumbprint>"}
//   claims = {"iss","sub","aud","iat","nbf"?,"exp","role","jti"}, times in whole Unix
//            seconds, role one of RESIDENT ENTREPRENEUR DISPATCHER ANALYST ADMIN.
// The signature covers the first two segments exactly as transmitted.
//
// TokenSigner refuses lifetimes (exp - iat) above kMaxTokenLifetime (15 min). TokenVerifier
// pins alg to EdDSA (the header's alg is never used to pick a verifier), requires typ to be
// "JWT" when present, refuses crit, needs a kid the key source accepts, and checks the
// signature, iss, aud (a string, or an array containing ours), exp, nbf and iat (with
// `leeway`), lifetime and role. Tokens over kMaxTokenBytes are refused unparsed, and claims
// are parsed only after the signature checks out.
//
// Thread safety: TokenSigner and TokenVerifier are immutable and safe to share between
// threads (the KeyRing they use is thread-safe).
// Errors:
//   Issue:  INVALID_ARGUMENT naming the claim (empty issuer/audience/subject, unknown
//           role, exp not after iat, lifetime above 15 min); INTERNAL signing/randomness.
//   Verify: UNAUTHENTICATED with a short reason ("malformed token", "token too large",
//           "unsupported algorithm", "unsupported token type", "unsupported header"
//           (crit), "unknown signing key", "invalid signature",
//           "wrong issuer", "wrong audience", "token expired", "token not yet valid",
//           "token issued in the future", "token lifetime too long", "unknown role");
//           the token itself is never echoed. No other code is returned.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "auth/key_ring.h"
#include "auth/random.h"
#include "common/clock.h"

namespace wijkwacht::auth {

inline constexpr size_t kMaxTokenBytes = 8 * 1024;
inline constexpr absl::Duration kDefaultLeeway = absl::Seconds(30);

struct Claims {
  std::string issuer;    // iss
  std::string audience;  // aud (Verify returns the verifier's own audience)
  std::string subject;   // sub, e.g. "devices/123" or "users/alice"
  std::string role;      // RoleName() of an auth::Role (auth/roles.h)
  std::string token_id;  // jti; Issue() generates 128 random bits when empty
  absl::Time issued_at;  // iat; Issue() uses the clock when left at absl::Time() (epoch)
  absl::Time expires_at;                 // exp
  std::optional<absl::Time> not_before;  // nbf, optional
};

class TokenSigner {
 public:
  struct Options {
    const KeyRing* keys = nullptr;   // required; signs with keys->Current()
    Clock* clock = nullptr;          // nullptr = SystemClock()
    RandomSource* random = nullptr;  // jti; nullptr = SystemRandom()
  };
  explicit TokenSigner(Options options);

  // The signed token for `claims` (times truncated to whole seconds).
  [[nodiscard]] absl::StatusOr<std::string> Issue(Claims claims) const;

 private:
  Options options_;
};

class TokenVerifier {
 public:
  struct Options {
    const VerificationKeySource* keys = nullptr;  // required, e.g. a KeyRing
    std::string issuer = {};                      // required iss
    std::string audience = {};                    // must be (in) aud
    Clock* clock = nullptr;                       // nullptr = SystemClock()
    absl::Duration leeway = kDefaultLeeway;       // clock skew allowed on exp/nbf/iat
  };
  explicit TokenVerifier(Options options);

  [[nodiscard]] absl::StatusOr<Claims> Verify(absl::string_view token) const;

 private:
  Options options_;
};

}  // namespace wijkwacht::auth
