// CallGate: authentication and authorization of every call, before any handler runs.
//
// Admit() looks the method up in the access table (access_policy.h; no row = denied), reads
// the `authorization: Bearer <JWT>` metadata, verifies the token (auth::TokenVerifier: pinned
// EdDSA, issuer, audience, expiry), checks that the token's device is not revoked (or its
// staff account exists and is not disabled),
// checks the role against the row, and for rate-limited RPCs (writes, and Login) takes a
// token from the per-device and per-peer rate limiters.
//
// With authentication disabled (no verifier) every call is admitted as a trusted caller (the
// per-peer rate limit still applies); the server says so loudly at start.
//
// Thread safety: Admit() may be called concurrently.
// Errors: UNAUTHENTICATED (no token where one is needed, invalid/expired token, revoked
// device), PERMISSION_DENIED (role not allowed, method not in the table), RESOURCE_EXHAUSTED
// with a retry delay (rate limit).
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "auth/token_cache.h"
#include "auth/rate_limiter.h"
#include "auth/roles.h"
#include "grpcpp/server_context.h"
#include "storage/identity_store.h"

namespace wijkwacht::services {

// Told of every API call's outcome where the server handles it (ServeUnary, AdmitStream,
// LogStream), for /metrics: no per-call interceptor, so a call costs a hash lookup and a few
// relaxed atomic adds. `method` is the full path ("/wijkwacht.v1.ReportService/SubmitReport").
// Thread safety: implementations must accept calls from any thread.
class CallObserver {
 public:
  virtual ~CallObserver() = default;
  // A unary call ended with gRPC status `code`, `seconds` after it reached the server.
  virtual void UnaryDone(absl::string_view method, int code, double seconds) = 0;
  // A server stream was refused before it started (admission, bad request): `code`.
  virtual void StreamRefused(absl::string_view method, int code) = 0;
  // A server stream started / ended with `code`.
  virtual void StreamStarted(absl::string_view method) = 0;
  virtual void StreamEnded(absl::string_view method, int code) = 0;
};

struct Caller {
  bool authenticated = false;  // a valid token was presented
  bool trusted = false;        // authentication is disabled: object-level checks pass
  auth::Role role = auth::Role::kUnspecified;
  std::string subject;  // "devices/{id}", "users/{name}" or ""
  // What the caller's stored data refers to it by: a device's reporter pseudonym (never the
  // device id; see storage/sealed_identity_store.h), "users/{name}" for staff, "" without
  // authentication.
  std::string reporter;
  std::string peer;     // the client address without port

  [[nodiscard]] bool HasRole(auth::Role r) const { return trusted || (authenticated && role == r); }
  [[nodiscard]] bool IsStaff() const { return trusted || (authenticated && auth::IsStaffRole(role)); }
  // The device id of a device caller, "" otherwise.
  [[nodiscard]] std::string DeviceId() const;
};

class CallGate {
 public:
  struct Options {
    const auth::CachingTokenVerifier* verifier = nullptr;  // nullptr: authentication disabled
    const storage::IdentityStore* identities = nullptr;  // revocation check; may be null
    auth::RateLimiter* device_writes = nullptr;          // may be null (no limit)
    auth::RateLimiter* peer_writes = nullptr;            // may be null (no limit)
    CallObserver* observer = nullptr;                    // may be null (calls not counted)
  };
  explicit CallGate(Options options) : options_(options) {}

  [[nodiscard]] absl::StatusOr<Caller> Admit(const grpc::ServerContextBase& context,
                                             absl::string_view method) const;
  [[nodiscard]] bool enabled() const { return options_.verifier != nullptr; }
  // Where call outcomes are reported; nullptr when they are not counted.
  [[nodiscard]] CallObserver* observer() const { return options_.observer; }

 private:
  // UNAUTHENTICATED unless the token's device exists and is not revoked, or its staff account
  // exists and is not disabled. Sets `*reporter` (see Caller::reporter).
  [[nodiscard]] absl::Status CheckSubjectActive(absl::string_view subject,
                                                std::string* reporter) const;

  Options options_;
};

// The client address of `peer` ("ipv4:1.2.3.4:5678" -> "ipv4:1.2.3.4").
[[nodiscard]] std::string PeerAddress(absl::string_view peer);

}  // namespace wijkwacht::services
